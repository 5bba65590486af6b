import { errorMessage, SlipwayError } from '../errors.js';
import type { JudgeReport, Verdict } from '../judge/types.js';
import { isOpen } from '../ledger/open.js';
import type { ArtifactInfo, Ledger, LedgerDeployment, StatusRequest } from '../ledger/types.js';
import { silentLogger, type Logger } from '../log.js';
import { abortAndRecord, decideRollback, executeRollback, RollbackRefusedError } from '../rollback/index.js';
import type { TrafficRouter } from '../traffic/types.js';
import { parseStepPosition, promotingDescription, stepDescription, stepLabel } from './describe.js';
import type { FailurePolicy, RolloutPlan } from './plan.js';
import { systemClock, type Clock } from '../analysis/clock.js';
import { HEARTBEAT_MS, refuseWhileAnotherRunDrives, stepBackIfRaced } from './liveness.js';
import { applyTrafficStep, checkPlanFitsRouter, convergeTraffic, expectedTrafficBefore, httpSmokeCheck, type AnalysisRunner, type SmokeChecker } from './steps.js';

/** How a rollout ended. */
export type RolloutResult = 'promoted' | 'rolled-back' | 'paused';

/** One step as the progress table shows it. */
export interface StepRecord {
  index: number;
  label: string;
  state: 'pending' | 'running' | 'done' | 'failed' | 'paused';
  /** The canary's share once the step ran. */
  canaryWeight?: number;
  verdict?: Verdict;
  score?: number;
  note?: string;
}

/** Where a rollout stands; handed to `onProgress` after every change (the PR comment renders it). */
export interface RolloutProgress {
  environment: string;
  imageRef: string;
  strategy: RolloutPlan['strategy'];
  deploymentId?: number;
  steps: StepRecord[];
  result?: RolloutResult;
  reason?: string;
  /** Every analysis report, in step order. */
  reports: { stepIndex: number; report: JudgeReport }[];
}

/** What the rollout should ship, and where. */
export interface RolloutRequest {
  plan: RolloutPlan;
  /** Recorded in the deployment; a resumed run only trusts the recorded step under the same plan. */
  planDigest?: string;
  environment: string;
  artifact: ArtifactInfo;
  /** Commit the deployment is for (the PR head sha on PR deploys). */
  ref: string;
  environmentUrl?: string;
  /** Marks the deployment irreversible (e.g. it runs a contract-phase migration): no rollback past it without force. */
  irreversible?: boolean;
}

/** The engine's collaborators: the ledger, the router, and the ports tests replace. */
export interface RolloutDeps {
  ledger: Ledger;
  router: TrafficRouter;
  /** Required when the plan has analysis steps. */
  analysis?: AnalysisRunner;
  /** Default: the wall clock. */
  clock?: Clock;
  logger?: Logger;
  /** Default: an HTTP GET. */
  smokeCheck?: SmokeChecker;
  onProgress?: (progress: RolloutProgress) => void | Promise<void>;
  /** Called once the deployment exists, before any traffic moves (the action saves it for its post step). */
  onDeployment?: (deploymentId: number) => void;
  /** Called once all traffic is on the new version, before the final status: a stop after it must never move traffic back. */
  onPromoted?: () => void;
  /** This run's page, as the ledger writes it in each status's `log_url`: tells this run's own deployment from another run's. */
  runUrl?: string;
  /** This run's id, as the ledger writes it in each payload: tells this run's deployment before it has a status. */
  runId?: number;
  /** Most time between two statuses of a live rollout (default 5 minutes; tests shrink it). */
  heartbeatMs?: number;
}

/** The end of a run: the result, the deployment, and the progress it made. */
export interface RolloutOutcome extends RolloutProgress {
  result: RolloutResult;
  deploymentId: number;
  reason: string;
  /** The `deploy:rollback` deployment recorded when the rollout rolled back. */
  rollbackDeploymentId?: number;
}

type StepEnd = { stop: false } | { stop: true; policy: FailurePolicy; reason: string };

/** Tries at the final `success` (each also retried by the GitHub client) before the run says it could not record it. */
const FINAL_STATUS_ATTEMPTS = 3;
/** First pause between them; the second is twice as long. */
const FINAL_STATUS_RETRY_MS = 5_000;

/**
 * Runs a plan end to end: creates (or resumes) the deployment, runs every step, records each as
 * the deployment's in_progress status ("canary 25% · step 3/6 · setWeight 25%"), and ends promoted,
 * rolled back (a failed analysis or smoke check under onFailure: rollback) or paused (an open-ended
 * pause, or a policy of pause). A re-run converges: it resumes from the recorded step with the
 * router brought back to where that step left it, and a promoted artifact is left as it is.
 */
export async function runRollout(request: RolloutRequest, deps: RolloutDeps): Promise<RolloutOutcome> {
  const { plan, environment, artifact } = request;
  const logger = deps.logger ?? silentLogger;
  const progress: RolloutProgress = {
    environment,
    imageRef: artifact.ref,
    strategy: plan.strategy,
    steps: plan.steps.map((step, index) => ({ index, label: stepLabel(step), state: 'pending' })),
    reports: [],
  };
  const publish = async () => deps.onProgress?.(progress);
  const finish = async (result: RolloutResult, deploymentId: number, reason: string, extra: Partial<RolloutOutcome> = {}): Promise<RolloutOutcome> => {
    Object.assign(progress, { result, reason });
    await publish();
    logger.info(`Rollout of ${artifact.ref} to ${environment}: ${result} (${reason}).`);
    return { ...progress, result, deploymentId, reason, ...extra };
  };

  checkPlanFitsRouter(plan.steps, deps.router);
  const start = await startOrResume(request, deps, logger);
  if ('promoted' in start) {
    progress.steps.forEach((s) => (s.state = 'done'));
    return finish('promoted', start.promoted.id, `deployment #${start.promoted.id} already promoted ${artifact.ref}; nothing to do`);
  }
  const deployment = start.deployment;
  progress.deploymentId = deployment.id;
  deps.onDeployment?.(deployment.id);
  progress.steps.slice(0, start.startIndex).forEach((s) => (s.state = 'done'));

  // Every status the run writes is a heartbeat; between them (a long pause or analysis) the last one
  // is written again, so another run can tell this one alive from one whose runner was lost.
  const heartbeat = startHeartbeat(deps, deployment.id, logger);
  const status = (index: number, weight: number, note: string) => heartbeat.status({ state: 'in_progress', description: stepDescription(plan, index, weight, note), environmentUrl: request.environmentUrl });
  const { startIndex } = start;
  let index = startIndex;
  let weight: number | undefined;
  try {
    return await drive();
  } finally {
    await heartbeat.stop();
  }

  /** Runs the steps from `index` on, then promotes; a stop or an error on the way ends it early. */
  async function drive(): Promise<RolloutOutcome> {
    try {
      // A run that stopped during the promotion promotes again; no step runs and no traffic moves back.
      if (startIndex < plan.steps.length) {
        const expected = expectedTrafficBefore(plan.steps, startIndex);
        const converged = await convergeTraffic(deps.router, expected);
        if (converged.changed.length > 0) logger.info(`Traffic brought to where step ${startIndex} left it: ${converged.changed.join(', ')}.`);
        weight = converged.state.canaryWeight;
      }

      for (; index < plan.steps.length; index++) {
        const step = plan.steps[index];
        const record = progress.steps[index];
        record.state = 'running';
        logger.info(`Step ${index + 1}/${plan.steps.length}: ${record.label}`);
        let end: StepEnd = { stop: false };
        if (step.kind === 'pause' && step.durationSeconds === undefined) {
          await status(index, weight!, 'paused until the next run');
          record.state = 'paused';
          return finish('paused', deployment.id, `open-ended pause at step ${index + 1}/${plan.steps.length}; run the rollout again to continue`);
        } else if (step.kind === 'pause') {
          await status(index, weight!, record.label);
          await publish();
          await (deps.clock ?? systemClock).sleep(step.durationSeconds! * 1000);
        } else if (step.kind === 'analysis') {
          if (!deps.analysis || !plan.analysis) throw new Error('an analysis step needs the plan\'s analysis block and an analysis runner');
          await status(index, weight!, `${record.label} running`);
          await publish();
          const report = await deps.analysis.run({ analysis: plan.analysis, step, stepIndex: index });
          progress.reports.push({ stepIndex: index, report });
          Object.assign(record, { verdict: report.verdict, score: report.score, note: report.reasons[0] });
          const summary = `analysis ${report.verdict} (score ${Math.round(report.score)})`;
          if (report.verdict === 'fail') end = { stop: true, policy: plan.onFailure, reason: `${summary}: ${report.reasons[0] ?? 'the canary is worse than the baseline'}` };
          else if (report.verdict === 'inconclusive') end = { stop: true, policy: plan.onInconclusive, reason: `${summary}: ${report.reasons[0] ?? 'not enough data'}` };
          else await status(index, weight!, summary);
        } else if (step.kind === 'smokeCheck') {
          const check = await (deps.smokeCheck ?? httpSmokeCheck)(step);
          record.note = check.detail;
          if (!check.ok) end = { stop: true, policy: plan.onFailure, reason: `smoke check failed: ${check.detail}` };
          else await status(index, weight!, `smoke check passed`);
        } else {
          const state = await applyTrafficStep(deps.router, step);
          weight = state?.canaryWeight ?? weight!;
          await status(index, weight, record.label);
        }
        record.canaryWeight = weight;
        if (end.stop) {
          return await stopAt(index, weight!, end.policy, end.reason);
        }
        record.state = 'done';
        await publish();
      }

      await heartbeat.status({ state: 'in_progress', description: promotingDescription(plan), environmentUrl: request.environmentUrl });
      await deps.router.promote();
      deps.onPromoted?.();
    } catch (error) {
      await stopOnError(index, error);
      throw error;
    }
    // All traffic is on the new version now: a ledger failure from here on never moves it back.
    await recordPromoted();
    return finish('promoted', deployment.id, `all ${plan.steps.length} steps passed`);

    /** Writes the final `success`, retried; when GitHub still refuses, says so without touching traffic. */
    async function recordPromoted(): Promise<void> {
      await heartbeat.stop();
      const clock = deps.clock ?? systemClock;
      const success = { state: 'success' as const, description: `promoted · ${plan.strategy} · ${plan.steps.length}/${plan.steps.length} steps`, environmentUrl: request.environmentUrl };
      for (let attempt = 1; ; attempt++) {
        try {
          await deps.ledger.setStatus(deployment.id, success);
          return;
        } catch (error) {
          if (attempt >= FINAL_STATUS_ATTEMPTS) {
            throw new SlipwayError(
              `${artifact.ref} is promoted: all traffic is on it, and it stays there. Recording success on deployment #${deployment.id} failed ${attempt} times (${errorMessage(error)}). ` +
                'Fix: run the rollout again once GitHub accepts writes; it resumes at the promotion and records success without moving traffic.',
            );
          }
          logger.warning(`Recording success on deployment #${deployment.id} failed (${errorMessage(error)}); trying again.`);
          await clock.sleep(FINAL_STATUS_RETRY_MS * attempt);
        }
      }
    }
  }

  async function stopAt(at: number, weight: number, policy: FailurePolicy, reason: string): Promise<RolloutOutcome> {
    const record = progress.steps[at];
    if (policy === 'pause') {
      record.state = 'paused';
      await status(at, weight, `paused: ${reason}`);
      return finish('paused', deployment.id, `${reason}; paused at step ${at + 1}/${plan.steps.length} (a later run repeats this step)`);
    }
    record.state = 'failed';
    await heartbeat.stop();
    let decision;
    try {
      decision = await decideRollback(deps.ledger, environment, { kind: 'previous' }, { bad: deployment, allowNoTarget: true, logger });
    } catch (refused) {
      if (!(refused instanceof RollbackRefusedError)) throw refused;
      record.state = 'paused';
      await status(at, weight, `paused: cannot roll back automatically`);
      return finish('paused', deployment.id, `${reason}; ${refused.message}`);
    }
    if ('already' in decision) throw new Error('unreachable: a rollout always names its bad deployment');
    const outcome = await executeRollback(deps.ledger, decision, { environment, reason }, { router: deps.router }, logger);
    return finish('rolled-back', deployment.id, reason, { rollbackDeploymentId: outcome.deploymentId });
  }

  async function stopOnError(at: number, error: unknown): Promise<void> {
    const position = Math.min(at + 1, plan.steps.length);
    logger.error(`The rollout stopped at step ${position}/${plan.steps.length}: ${errorMessage(error)}`);
    await heartbeat.stop();
    const aborted = await abortAndRecord(
      deps.router,
      { ledger: deps.ledger, deploymentId: deployment.id, state: 'error', reason: `stopped at step ${position}/${plan.steps.length}`, detail: errorMessage(error), lastSeenWeight: weight },
      logger,
    );
    if (aborted.trafficBack) logger.info('Traffic is back on the stable version.');
  }
}

/** The status writer of a live rollout: every write is a heartbeat, and a quiet stretch re-writes the last one. */
interface Heartbeat {
  /** Writes an in_progress status (queued behind any heartbeat in flight). */
  status(request: StatusRequest): Promise<void>;
  /** No heartbeat after this; resolves once the one in flight, if any, has landed (before a final status). */
  stop(): Promise<void>;
}

function startHeartbeat(deps: RolloutDeps, deploymentId: number, logger: Logger): Heartbeat {
  const every = deps.heartbeatMs ?? HEARTBEAT_MS;
  let last: StatusRequest | undefined;
  let lastAt = Date.now();
  let stopped = false;
  // One write at a time, in order: a heartbeat can never land after the status that ends the run.
  let queue: Promise<unknown> = Promise.resolve();
  const write = (request: StatusRequest) => {
    const written = queue.then(() => deps.ledger.setStatus(deploymentId, request));
    queue = written.catch(() => undefined);
    return written;
  };
  const timer = setInterval(() => {
    if (stopped || !last || Date.now() - lastAt < every) return;
    lastAt = Date.now();
    write(last).catch((error: unknown) => logger.warning(`Heartbeat on deployment #${deploymentId} failed: ${errorMessage(error)}`));
  }, Math.min(every, 60_000));
  timer.unref?.();
  return {
    async status(request) {
      last = request;
      lastAt = Date.now();
      await write(request);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await queue;
    },
  };
}

/** Finds where this run starts: a new deployment, a resumable one, or an artifact already promoted. */
async function startOrResume(request: RolloutRequest, deps: RolloutDeps, logger: Logger): Promise<{ deployment: LedgerDeployment; startIndex: number } | { promoted: LedgerDeployment }> {
  const { plan, environment, artifact } = request;
  const { ledger } = deps;
  const latest = await newest(ledger, environment);
  const state = latest?.latestStatus?.state;
  const open = isOpen(state);
  if (latest && open) refuseWhileAnotherRunDrives(environment, latest, deps);
  // The deployment this one replaces as "last good", when the ledger's own lineage would name the wrong one.
  let previousGood: number | null | undefined;
  if (latest && latest.payload?.artifact?.digest === artifact.digest) {
    if (state === 'success' && ranAPlan(latest)) return { promoted: latest };
    if (state === 'success') {
      // promote-artifact (state: success) or record-deployment said this artifact runs here, but no
      // plan moved traffic to it: run the plan now. Rolling back must not "restore" this same artifact,
      // so the new deployment replaces what that one replaced.
      logger.info(`Deployment #${latest.id} records ${artifact.ref} as ${latest.task} success, but no rollout moved traffic to it; running the plan.`);
      previousGood = latest.payload.previousGood ?? null;
    } else if (open) {
      const position = parseStepPosition(latest.latestStatus?.description ?? '');
      const samePlan = !request.planDigest || latest.payload.planDigest === request.planDigest;
      if (position && samePlan && position.total === plan.steps.length && position.step >= 1) {
        const recorded = position.step - 1;
        const startIndex = recorded === plan.steps.length || plan.steps[recorded].kind !== 'pause' ? recorded : recorded + 1;
        logger.info(`Resuming deployment #${latest.id} at step ${startIndex + 1}/${plan.steps.length} (recorded: "${latest.latestStatus?.description}").`);
        return { deployment: latest, startIndex };
      }
      logger.warning(`Deployment #${latest.id} of ${artifact.ref} is open but ${position ? 'its plan changed' : 'records no step'}; running the plan again from step 1.`);
      return { deployment: latest, startIndex: 0 };
    }
  } else if (latest && open && latest.payload) {
    logger.warning(`Deployment #${latest.id} (${latest.payload.artifact?.ref ?? latest.sha}) was left open by an earlier run; marking it error, superseded by this rollout.`);
    await ledger.setStatus(latest.id, { state: 'error', description: `superseded by a rollout of ${artifact.ref}` });
  }
  const deployment = await ledger.createDeployment({
    environment,
    ref: request.ref,
    task: 'deploy',
    artifact,
    strategy: plan.strategy,
    planDigest: request.planDigest,
    irreversible: request.irreversible,
    previousGood,
    description: `${plan.strategy} rollout of ${artifact.ref}`,
  });
  logger.info(`Created deployment #${deployment.id} of ${artifact.ref} in ${environment}.`);
  await stepBackIfRaced(ledger, environment, deployment, deps);
  return { deployment, startIndex: 0 };
}

/**
 * Whether traffic was moved to a deployment's artifact: a rollout ran its plan, or a rollback sent
 * traffic back to it — not only recorded by promote-artifact or record-deployment.
 */
function ranAPlan(deployment: LedgerDeployment): boolean {
  return deployment.task === 'deploy:rollback' || (deployment.task === 'deploy' && deployment.payload?.strategy !== undefined);
}

/** The newest Slipway deployment in the environment (the first history item: one page read). */
async function newest(ledger: Ledger, environment: string): Promise<LedgerDeployment | null> {
  for await (const deployment of ledger.history(environment)) return deployment;
  return null;
}
