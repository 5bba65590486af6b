import { createHash } from 'node:crypto';
import { parseLocatedYaml } from './parse.js';
import type { RolloutPlan } from './plan.js';
import { validatePlan, type PlanFiles, type PlanOverrides } from './validate.js';

export * from './plan.js';
export * from './parse.js';
export * from './validate.js';
export * from './engine.js';
export { HEARTBEAT_MS } from './liveness.js';
export * from './describe.js';
export { dryRun } from './dry-run.js';
export * from './resume-point.js';
export * from './steps.js';
export * from './smoke-check.js';
export * from './analysis-runner.js';
export * from './forecast.js';
export * from './slots.js';
export * from './slot-rollout.js';

/**
 * Parses and validates a plan's YAML text; `source` names it in errors (a file name, or "plan").
 * An `analysis.template` is read now, relative to `files.workspace` (default the working directory).
 */
export function loadPlan(text: string, source = 'plan', overrides: PlanOverrides = {}, files: PlanFiles = {}): RolloutPlan {
  return validatePlan(parseLocatedYaml(text, source), source, overrides, files);
}

/**
 * `sha256:<hex>` of the plan text and of the metrics its analysis resolved to, recorded in the
 * deployment so a resumed run can tell the plan changed — an `analysis.template` file edited
 * between two runs included.
 */
export function planDigest(text: string, plan?: RolloutPlan): string {
  const hash = createHash('sha256').update(text);
  if (plan?.analysis) hash.update(`\n${JSON.stringify(plan.analysis.metrics)}`);
  return `sha256:${hash.digest('hex')}`;
}
