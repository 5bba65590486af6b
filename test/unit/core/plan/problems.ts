import { loadPlan, PlanError } from '../../../../src/core/plan/index.js';

/** What the plan parser refuses `text` with (the PlanError's message); throws when it accepts it. */
export function problemsOf(text: string, source = 'plan.yml'): string {
  try {
    loadPlan(text, source);
  } catch (error) {
    if (error instanceof PlanError) return error.message;
    throw error;
  }
  throw new Error('the plan was accepted');
}
