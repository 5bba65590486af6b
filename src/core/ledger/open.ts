import type { DeploymentState, Ledger, StatusRequest } from './types.js';

/**
 * The statuses of a deployment still in flight. A deployment with no status at all counts as open
 * too: it was created and never started (docs/ledger.md, "The post step").
 */
export const OPEN_STATES: ReadonlySet<DeploymentState> = new Set<DeploymentState>(['queued', 'pending', 'in_progress']);

/** The statuses that end a deployment: every state that is not open. */
export const TERMINAL_STATES: ReadonlySet<DeploymentState> = new Set<DeploymentState>(['success', 'failure', 'error', 'inactive']);

/**
 * The statuses of a version that went live: `success`, and `inactive` — what GitHub makes of a
 * success that a newer success superseded.
 */
export const LIVE_STATES: ReadonlySet<DeploymentState> = new Set<DeploymentState>(['success', 'inactive']);

/** Whether a deployment whose latest status is `state` (undefined: none yet) is still open. */
export function isOpen(state: DeploymentState | undefined | null): boolean {
  return state === undefined || state === null || OPEN_STATES.has(state);
}

/** Whether a deployment whose latest status is `state` has ended (one with no status has not). */
export function isTerminal(state: DeploymentState | undefined | null): boolean {
  return state !== undefined && state !== null && TERMINAL_STATES.has(state);
}

/** Whether a deployment whose latest status is `state` went live (success, or inactive since). */
export function wentLive(state: DeploymentState | undefined | null): boolean {
  return state !== undefined && state !== null && LIVE_STATES.has(state);
}

/**
 * Writes `status` on a deployment only while it is still open — the post step's rule: close what
 * a job left in flight, never overwrite an outcome someone recorded. Returns what it found.
 */
export async function closeIfOpen(ledger: Ledger, deploymentId: number, status: StatusRequest): Promise<{ closed: boolean; found: DeploymentState | 'gone' | 'no status' }> {
  const deployment = await ledger.getDeployment(deploymentId);
  if (!deployment) return { closed: false, found: 'gone' };
  const latest = deployment.latestStatus?.state;
  if (!isOpen(latest)) return { closed: false, found: latest! };
  await ledger.setStatus(deploymentId, status);
  return { closed: true, found: latest ?? 'no status' };
}
