import { systemClock, type Clock } from '../analysis/clock.js';
import { SlipwayError } from '../errors.js';
import { isOpen } from '../ledger/open.js';
import type { Ledger, LedgerDeployment } from '../ledger/types.js';
import { parseResumePoint } from './resume-point.js';

// Two runs driving one environment would fight over its router: which rollout is live, and what a
// second one does about it (docs/reliability.md, "Two rollouts in one environment").

/**
 * Most time between two statuses of a live rollout: the heartbeat another run checks. A rollout
 * silent for three heartbeats (15 minutes) is taken for dead — its runner lost — and superseded.
 */
export const HEARTBEAT_MS = 5 * 60_000;

/** What tells this run from another: its page, its clock, its heartbeat. */
export interface RunIdentity {
  /** This run's page, as the ledger writes it in each status's `log_url`. */
  runUrl?: string;
  /** This run's id, as the ledger writes it in each payload (a deployment with no status yet). */
  runId?: number;
  clock?: Clock;
  heartbeatMs?: number;
}

/** A rollout another run is driving now: when it was last heard from, and by whom. */
interface LiveRun {
  ageMs: number;
  run: string;
  said: string;
}

/**
 * Whether an open deployment belongs to a run that is live and is not this one: its last status (or,
 * with none yet, its creation) is younger than three heartbeats, and is not a deliberate pause.
 */
function liveElsewhere(deployment: LedgerDeployment, identity: RunIdentity): LiveRun | undefined {
  if (!deployment.payload) return undefined;
  const status = deployment.latestStatus;
  if (status && (!isOpen(status.state) || isPaused(status.description))) return undefined;
  if (isOurs(deployment, identity)) return undefined;
  const ageMs = (identity.clock ?? systemClock).now().getTime() - Date.parse(status?.createdAt ?? deployment.createdAt);
  if (!(ageMs < staleAfterMs(identity))) return undefined;
  const run = status?.logUrl || `the run that wrote it (${deployment.payload.source?.workflow ?? 'unknown workflow'}, run ${deployment.payload.source?.runId ?? '?'})`;
  return { ageMs, run, said: status ? `"${status.description}"` : 'just created' };
}

/** A rollout stopped on purpose (an open-ended pause, a policy of pause) waits for a later run: nobody drives it. */
function isPaused(description: string): boolean {
  const point = parseResumePoint(description);
  return point?.phase === 'step' && point.paused;
}

/** Written by this run (a re-run attempt resuming it): its statuses carry our page, its payload our run id. */
function isOurs(deployment: LedgerDeployment, identity: RunIdentity): boolean {
  const status = deployment.latestStatus;
  if (status) return identity.runUrl !== undefined && status.logUrl === identity.runUrl;
  return identity.runId !== undefined && deployment.payload?.source?.runId === identity.runId;
}

function staleAfterMs(identity: RunIdentity): number {
  return 3 * (identity.heartbeatMs ?? HEARTBEAT_MS);
}

function anotherRunError(environment: string, deployment: LedgerDeployment, live: LiveRun, identity: RunIdentity, lead: string): SlipwayError {
  return new SlipwayError(
    `${lead}: deployment #${deployment.id} of ${deployment.payload?.artifact?.ref ?? deployment.sha} was last heard from ${Math.max(0, Math.round(live.ageMs / 1000))} s ago (${live.said}), driven by ${live.run}. ` +
      `Two rollouts would fight over the router, so this one changed nothing. Fix: serialise the rollouts of an environment with \`concurrency: {group: deploy-${environment}, cancel-in-progress: false}\` on the job, or wait for that run; a rollout whose runner was lost is superseded once it has been silent for ${Math.round(staleAfterMs(identity) / 60_000)} minutes.`,
  );
}

/** Refuses, before anything is written, while the environment's newest deployment is driven by another live run. */
export function refuseWhileAnotherRunDrives(environment: string, latest: LedgerDeployment, identity: RunIdentity): void {
  const live = liveElsewhere(latest, identity);
  if (live) throw anotherRunError(environment, latest, live, identity, `Another rollout is live in ${environment}`);
}

/**
 * Two runs that looked at the environment at the same moment both saw it free and both created a
 * deployment. Only the elder goes on: the run whose deployment has, just below it, one that another
 * live run created marks its own `error` ("not started") and refuses — before any traffic moves.
 * Costs two requests (the first page, without statuses, and one status).
 */
export async function stepBackIfRaced(ledger: Ledger, environment: string, ours: LedgerDeployment, identity: RunIdentity): Promise<void> {
  let elder: LedgerDeployment | undefined;
  for await (const deployment of ledger.history(environment, { statuses: false, pages: 1 })) {
    if (deployment.id < ours.id) {
      elder = deployment;
      break;
    }
  }
  if (!elder) return;
  const live = liveElsewhere({ ...elder, latestStatus: await ledger.latestStatus(elder.id) }, identity);
  if (!live) return;
  await ledger.setStatus(ours.id, { state: 'error', description: `not started: deployment #${elder.id} was started at the same time by another run` });
  throw anotherRunError(environment, elder, live, identity, `Another rollout started in ${environment} at the same time`);
}
