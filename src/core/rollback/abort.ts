import { errorMessage } from '../errors.js';
import { closeIfOpen } from '../ledger/open.js';
import type { DeploymentState, Ledger } from '../ledger/types.js';
import { silentLogger, type Logger } from '../log.js';
import type { TrafficRouter } from '../traffic/types.js';

/** What abortAndRecord did. */
export interface AbortOutcome {
  /** Traffic is back on stable (the router confirmed it). */
  trafficBack: boolean;
  /** The canary's share after the abort, or the last one seen when the router could not be reached. */
  canaryWeight?: number;
  /** The status written, or undefined when none was (no deployment, already closed, or the write failed). */
  recorded?: DeploymentState;
  /** Why the router refused, when it did. */
  routerError?: unknown;
}

/** The one status an abort records (see abortAndRecord). */
const ABORTED_STATE: DeploymentState = 'error';

/** What to record once traffic has been sent back. */
export interface AbortRecord {
  ledger?: Ledger;
  deploymentId?: number;
  /** Why the rollout stops, short, e.g. "job failed or was cancelled at canary 25%". */
  reason: string;
  /** The error behind it, after the traffic outcome (a status description is cut at 140 characters). */
  detail?: string;
  /** The canary's share last seen before the abort, named when traffic cannot be moved. */
  lastSeenWeight?: number;
  /** Write only while the deployment is still open (post steps), never over a finished one. */
  onlyIfOpen?: boolean;
}

/**
 * Sends all traffic back to stable, then records the truth on the deployment. The ledger never
 * depends on the router: the status is written in a `finally`, also when the router cannot be
 * reached — saying where traffic was last seen — and a ledger failure is logged, never thrown
 * over the router's outcome. The router's error, if any, is returned for the caller to rethrow.
 *
 * The status is always `error`, whether traffic went back or not: an abort is a stop by something
 * other than the judgment — a failed step, a failed or cancelled job, an error. `failure` is kept
 * for a rollout the judgment rolled back (executeRollback), so that a deployment's state says
 * whether its version was found bad (docs/reliability.md, "What a failed or cancelled job leaves").
 */
export async function abortAndRecord(router: TrafficRouter, record: AbortRecord, logger: Logger = silentLogger): Promise<AbortOutcome> {
  const outcome: AbortOutcome = { trafficBack: false, canaryWeight: record.lastSeenWeight };
  try {
    const state = await router.abort();
    Object.assign(outcome, { trafficBack: true, canaryWeight: state.canaryWeight });
  } catch (error) {
    outcome.routerError = error;
    logger.error(`Could not send traffic back to stable (${router.type}): ${errorMessage(error)}`);
  } finally {
    outcome.recorded = await recordAbort(record, outcome, logger);
  }
  return outcome;
}

async function recordAbort(record: AbortRecord, outcome: AbortOutcome, logger: Logger): Promise<DeploymentState | undefined> {
  const { ledger, deploymentId } = record;
  if (!ledger || deploymentId === undefined) return undefined;
  try {
    const lastSeen = record.lastSeenWeight === undefined ? 'unknown' : `canary ${record.lastSeenWeight}%`;
    const state = ABORTED_STATE;
    // The router's own error is logged; the status keeps to where traffic is (140 characters).
    const traffic = outcome.trafficBack ? 'traffic back on stable' : `traffic NOT moved back, last seen at ${lastSeen}`;
    const status = { state, description: `${record.reason}; ${traffic}${record.detail ? `: ${record.detail}` : ''}` };
    if (record.onlyIfOpen) {
      if (!(await closeIfOpen(ledger, deploymentId, status)).closed) return undefined;
    } else {
      await ledger.setStatus(deploymentId, status);
    }
    logger.info(`Deployment #${deploymentId} marked ${state}.`);
    return state;
  } catch (error) {
    logger.warning(`Could not record the stop on deployment #${deploymentId}: ${errorMessage(error)}`);
    return undefined;
  }
}
