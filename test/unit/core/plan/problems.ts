import { loadPlan, PlanError } from '../../../../src/core/plan/index.js';
import type { PlanFiles, PlanOverrides } from '../../../../src/core/plan/validate.js';

/** What the plan parser refuses `text` with (the PlanError's message); throws when it accepts it. */
export function problemsOf(text: string, source = 'plan.yml', overrides: PlanOverrides = {}, files: PlanFiles = {}): string {
  try {
    loadPlan(text, source, overrides, files);
  } catch (error) {
    if (error instanceof PlanError) return error.message;
    throw error;
  }
  throw new Error('the plan was accepted');
}
