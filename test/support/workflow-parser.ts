import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';

/** What GitHub's own workflow parser says is wrong with a workflow file (empty when it accepts it). */
export function workflowErrors(name: string, content: string): string[] {
  return parseWorkflow({ name, content }, new NoOperationTraceWriter()).context.errors.getErrors().map((e) => e.message);
}
