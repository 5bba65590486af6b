import { errorMessage } from '../errors.js';
import { isOpen } from '../ledger/open.js';
import type { ArtifactInfo, Ledger, LedgerDeployment } from '../ledger/types.js';
import { silentLogger, type Logger } from '../log.js';
import { abortAndRecord, decideRollback, executeRollback, RollbackRefusedError } from '../rollback/index.js';
import type { TrafficRouter } from '../traffic/types.js';
import { webhookNotifier, type Notifier, type RolloutEventName } from '../notify/index.js';
import type { FailurePolicy, RolloutPlan } from './plan.js';
import { systemClock, type Clock } from '../analysis/clock.js';
import { refuseWhileAnotherRunDrives, stepBackIfRaced } from './liveness.js';
import { RolloutRecorder, type RolloutOutcome, type RolloutProgress } from './recorder.js';
import { describeSlots } from './describe.js';
import { parseResumePoint } from './resume-point.js';
import { httpSmokeCheck } from './smoke-check.js';
import { analysisInSlots, pickSlots, recordedSlots, routerForSlots, runDeployStep, type RouterFactory, type SlotChoice } from './slot-rollout.js';
import { runStep } from './step-handlers.js';
import type { Deployer } from '../deploy/types.js';
import { checkPlanFitsRouter, convergeTraffic, expectedTrafficBefore, type AnalysisRunner, type SmokeChecker } from './steps.js';

export type { RolloutOutcome, RolloutProgress, RolloutResult, StepRecord } from './recorder.js';

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
  /** The router of the plan's settings (with slots: the first slot stable, the second canary). */
  router: TrafficRouter;
  /** With slots, makes the router turned the other way (default: the traffic registry's createRouter). */
  makeRouter?: RouterFactory;
  /** With slots, starts the new version in its slot (default: the plan's `deploy:` provider). */
  deployer?: Deployer;
  /** Required when the plan has analysis steps. */
  analysis?: AnalysisRunner;
  /** Default: the wall clock. */
  clock?: Clock;
  logger?: Logger;
  /** Default: an HTTP GET. */
  smokeCheck?: SmokeChecker;
  onProgress?: (progress: RolloutProgress) => void | Promise<void>;
  /**
   * Called once the deployment exists and (with slots) the new version runs in its slot, before
   * any traffic moves (the action saves it for its post step, which sends traffic back).
   */
  onDeployment?: (deploymentId: number) => void;
  /** Called once all traffic is on the new version, before the final status: a stop after it must never move traffic back. */
  onPromoted?: () => void;
  /** This run's page, as the ledger writes it in each status's `log_url`: tells this run's own deployment from another run's. */
  runUrl?: string;
  /** This run's id, as the ledger writes it in each payload: tells this run's deployment before it has a status. */
  runId?: number;
  /** Most time between two statuses of a live rollout (default 5 minutes; tests shrink it). */
  heartbeatMs?: number;
  /**
   * Posts the run's events (started, paused, promoted, rolled back). Default: a webhook notifier
   * over the plan's `notify:`, when it has one. A failed post is a warning, never a failed run.
   */
  notifier?: Notifier;
}

/**
 * Runs a plan end to end: creates (or resumes) the deployment, runs every step, records each as
 * the deployment's in_progress status ("canary 25% · step 3/6 · setWeight 25%"), and ends promoted,
 * rolled back (a failed analysis or smoke check under onFailure: rollback) or paused (an open-ended
 * pause, or a policy of pause). A re-run converges: it resumes from the recorded step with the
 * router brought back to where that step left it, and a promoted artifact is left as it is.
 * Each step is run by the handler of its kind (step-handlers.ts); everything the run writes goes
 * through one RolloutRecorder (recorder.ts). The start and each ending are posted to the notifier
 * (docs/notifications.md).
 */
export async function runRollout(request: RolloutRequest, deps: RolloutDeps): Promise<RolloutOutcome> {
  const { plan, environment, artifact } = request;
  const total = plan.steps.length;
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? systemClock;
  const recorder = new RolloutRecorder({ plan, environment, imageRef: artifact.ref, environmentUrl: request.environmentUrl, ledger: deps.ledger, logger, clock, heartbeatMs: deps.heartbeatMs, onProgress: deps.onProgress });

  const notifier = deps.notifier ?? (plan.notify && webhookNotifier(plan.notify, { logger, clock, links: { runUrl: deps.runUrl } }));

  checkPlanFitsRouter(plan.steps, deps.router);
  const start = await startOrResume(request, deps, logger);
  if ('promoted' in start) {
    recorder.allStepsDone();
    return recorder.finish('promoted', start.promoted.id, `deployment #${start.promoted.id} already promoted ${artifact.ref}; nothing to do`);
  }
  const { deployment, startIndex, slots } = start;
  const router = slots ? routerForSlots(plan, slots, deps.router, deps.makeRouter) : deps.router;
  const analysis = slots ? analysisInSlots(deps.analysis, slots) : deps.analysis;
  if (slots) logger.info(`Plan: ${describeSlots(plan)}. This release: ${slots.reason}.`);
  recorder.open(deployment.id, startIndex);
  await announce('started', startIndex === 0 ? `${plan.strategy} rollout, ${total} steps` : `resumed at step ${startIndex + 1}/${total}`);
  let index = startIndex;
  try {
    // A re-run that stopped before the first step deploys again: the deploy converges.
    if (slots && startIndex === 0) await runDeployStep({ plan, choice: slots, artifact, environment, router, recorder, logger, deployer: deps.deployer });
    deps.onDeployment?.(deployment.id);
    return slots?.firstRelease ? await firstRelease(slots) : await drive();
  } finally {
    await recorder.stopHeartbeat();
  }

  /**
   * An environment's first release with slots: no stable version to compare with, so no steps run;
   * once the deploy is ready the new version takes all traffic (as Argo Rollouts does with a first rollout).
   */
  async function firstRelease(choice: SlotChoice): Promise<RolloutOutcome> {
    await orStop(async () => {
      if (startIndex < total) {
        const state = await router.setCanaryWeight(100);
        recorder.trafficAt(state.canaryWeight);
      }
      await promote();
    });
    recorder.allStepsDone();
    await recorder.promoted(`promoted · first release · all traffic on slot ${choice.canary.name}`);
    return end('promoted', `first release: slot ${choice.canary.name} takes all traffic (no stable version to analyse against, so the steps did not run)`);
  }

  /** Runs the steps from `index` on, then promotes; a stop or an error on the way ends it early. */
  async function drive(): Promise<RolloutOutcome> {
    // A pause or a stop ends the run before the promotion, with its own outcome.
    const endedEarly = await orStop(async (): Promise<RolloutOutcome | undefined> => {
      // A run that stopped during the promotion promotes again; no step runs and no traffic moves back.
      if (startIndex < total) {
        const converged = await convergeTraffic(router, expectedTrafficBefore(plan.steps, startIndex));
        if (converged.changed.length > 0) logger.info(`Traffic brought to where step ${startIndex} left it: ${converged.changed.join(', ')}.`);
        recorder.trafficAt(converged.state.canaryWeight);
      }

      for (; index < total; index++) {
        const step = plan.steps[index];
        const label = recorder.startStep(index);
        logger.info(`Step ${index + 1}/${total}: ${label}`);
        const outcome = await runStep(step, { plan, index, label, recorder, router, analysis, clock, smokeCheck: deps.smokeCheck ?? httpSmokeCheck });
        if (outcome.next === 'pause') {
          await recorder.pause();
          return end('paused', outcome.reason);
        }
        recorder.stepRan();
        if (outcome.next === 'stop') return await stopAt(index, outcome.policy, outcome.reason);
        await recorder.stepDone();
      }
      await promote();
      return undefined;
    });
    if (endedEarly) return endedEarly;
    // All traffic is on the new version now: a ledger failure from here on never moves it back.
    await recorder.promoted();
    return end('promoted', `all ${total} steps passed`);
  }

  /** A step failed under `policy`: pause there for a later run, or roll back (pausing when a rollback is refused). */
  async function stopAt(at: number, policy: FailurePolicy, reason: string): Promise<RolloutOutcome> {
    if (policy === 'pause') {
      await recorder.pause(reason);
      return end('paused', `${reason}; paused at step ${at + 1}/${total} (a later run repeats this step)`);
    }
    recorder.stepFailed();
    await recorder.stopHeartbeat();
    let decision;
    try {
      decision = await decideRollback(deps.ledger, environment, { kind: 'previous' }, { bad: deployment, allowNoTarget: true, logger });
    } catch (refused) {
      if (!(refused instanceof RollbackRefusedError)) throw refused;
      await recorder.pause('cannot roll back automatically');
      return end('paused', `${reason}; ${refused.message}`);
    }
    if ('already' in decision) throw new Error('unreachable: a rollout always names its bad deployment');
    const outcome = await executeRollback(deps.ledger, decision, { environment, reason, slot: slots?.stable.name }, { router }, logger);
    return end('rolled-back', reason, { rollbackDeploymentId: outcome.deploymentId }, outcome.imageRef);
  }

  /** The run ends with `result`: recorded, then announced. */
  async function end(result: RolloutOutcome['result'], reason: string, extra: Partial<RolloutOutcome> = {}, restored?: string): Promise<RolloutOutcome> {
    const outcome = await recorder.finish(result, deployment.id, reason, extra);
    await announce(result, reason, restored);
    return outcome;
  }

  /** Posts `event` about this run's deployment (when the plan or the caller asks for notifications). */
  async function announce(event: RolloutEventName, reason: string, restored?: string): Promise<void> {
    const posted = notifier?.notify({ event, environment, artifact: artifact.ref, restored, deploymentId: deployment.id, reason, runUrl: deps.runUrl, environmentUrl: request.environmentUrl });
    // A Notifier never throws; one handed in that does still only costs a warning.
    await posted?.catch((error: unknown) => logger.warning(`The ${event} notification failed: ${errorMessage(error)}`));
  }

  /** An error stopped the run: traffic back on stable, and the deployment says where it stopped and why. */
  /** All traffic to the new version, the rollout recorded as promoting first. */
  async function promote(): Promise<void> {
    await recorder.promoting();
    await router.promote();
    deps.onPromoted?.();
  }

  /** Runs `work`; an error on the way stops the rollout where it is (stopOnError) and is thrown on. */
  async function orStop<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await stopOnError(index, error);
      throw error;
    }
  }

  async function stopOnError(at: number, error: unknown): Promise<void> {
    const position = Math.min(at + 1, total);
    logger.error(`The rollout stopped at step ${position}/${total}: ${errorMessage(error)}`);
    await recorder.stopHeartbeat();
    const aborted = await abortAndRecord(
      router,
      { ledger: deps.ledger, deploymentId: deployment.id, reason: `stopped at step ${position}/${total}`, detail: errorMessage(error), lastSeenWeight: recorder.canaryWeight },
      logger,
    );
    if (aborted.trafficBack) logger.info('Traffic is back on the stable version.');
    // Traffic went back as a rollback does: whoever watches the channel hears of it with the error.
    if (aborted.trafficBack) await announce('rolled-back', `the rollout stopped at step ${position}/${total}: ${errorMessage(error)}`);
  }
}

/** Finds where this run starts: a new deployment, a resumable one, or an artifact already promoted. */
async function startOrResume(request: RolloutRequest, deps: RolloutDeps, logger: Logger): Promise<{ deployment: LedgerDeployment; startIndex: number; slots?: SlotChoice } | { promoted: LedgerDeployment }> {
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
    } else if (open && plan.slots && !latest.payload.slot) {
      logger.warning(`Deployment #${latest.id} of ${artifact.ref} is open but records no slot (it predates the plan's slots); marking it error and starting again.`);
      await ledger.setStatus(latest.id, { state: 'error', description: `superseded: the plan now deploys into slots` });
    } else if (open) {
      const slots = plan.slots ? recordedSlots(plan, latest) : undefined;
      const point = parseResumePoint(latest.latestStatus?.description ?? '');
      const samePlan = !request.planDigest || latest.payload.planDigest === request.planDigest;
      if (point && samePlan && point.total === plan.steps.length) {
        // A recorded step runs again, unless it was a pause: that one has been waited out.
        const recorded = point.phase === 'promoting' ? plan.steps.length : point.step - 1;
        const startIndex = recorded === plan.steps.length || plan.steps[recorded].kind !== 'pause' ? recorded : recorded + 1;
        logger.info(`Resuming deployment #${latest.id} at step ${startIndex + 1}/${plan.steps.length} (recorded: "${latest.latestStatus?.description}").`);
        return { deployment: latest, startIndex, slots };
      }
      logger.warning(`Deployment #${latest.id} of ${artifact.ref} is open but ${point ? 'its plan changed' : 'records no step'}; running the plan again from step 1.`);
      return { deployment: latest, startIndex: 0, slots };
    }
  } else if (latest && open && latest.payload) {
    logger.warning(`Deployment #${latest.id} (${latest.payload.artifact?.ref ?? latest.sha}) was left open by an earlier run; marking it error, superseded by this rollout.`);
    await ledger.setStatus(latest.id, { state: 'error', description: `superseded by a rollout of ${artifact.ref}` });
  }
  const slots = plan.slots ? await pickSlots(plan, ledger, environment, deps.router, previousGood) : undefined;
  // The slots' router read once before anything is written: a slot the router does not know (a
  // server missing from the HAProxy backend) is refused with no deployment created.
  if (slots) await routerForSlots(plan, slots, deps.router, deps.makeRouter).describe();
  const deployment = await ledger.createDeployment({
    environment,
    ref: request.ref,
    task: 'deploy',
    artifact,
    strategy: plan.strategy,
    planDigest: request.planDigest,
    irreversible: request.irreversible,
    previousGood,
    slot: slots?.canary.name,
    description: `${plan.strategy} rollout of ${artifact.ref}${slots ? ` into slot ${slots.canary.name}` : ''}`,
  });
  logger.info(`Created deployment #${deployment.id} of ${artifact.ref} in ${environment}.`);
  await stepBackIfRaced(ledger, environment, deployment, deps);
  return { deployment, startIndex: 0, slots };
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
