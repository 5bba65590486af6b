import type { DeploymentState } from './types.js';

/**
 * The statuses of a deployment still in flight. A deployment with no status at all counts as open
 * too: it was created and never started (docs/ledger.md, "The post step").
 */
export const OPEN_STATES: ReadonlySet<DeploymentState> = new Set<DeploymentState>(['queued', 'pending', 'in_progress']);

/** Whether a deployment whose latest status is `state` (undefined: none yet) is still open. */
export function isOpen(state: DeploymentState | undefined | null): boolean {
  return state === undefined || state === null || OPEN_STATES.has(state);
}
