import { deployAndWait, DeployError, type Deployer, type Slot } from '../deploy/index.js';
import { errorMessage, SlipwayError } from '../errors.js';
import type { ArtifactInfo, Ledger, LedgerDeployment } from '../ledger/types.js';
import type { Logger } from '../log.js';
import { createRouter } from '../traffic/registry.js';
import type { TrafficRouter } from '../traffic/types.js';
import { fillSlotPlaceholders, type SlotNames } from '../metrics/template.js';
import type { PlanAnalysis, RolloutPlan } from './plan.js';
import type { RolloutRecorder } from './recorder.js';
import { otherSlot, slotNamed, slotRouterSettings } from './slots.js';
import { convergeTraffic, expectedTrafficBefore, type AnalysisRunner } from './steps.js';

// A rollout with `slots:` (docs/rollout.md, "Slots and the deploy step"): the ledger says which
// slot holds the last good version; the new one goes into the other, is deployed and checked ready
// before any traffic moves, and once promoted that slot is the stable one.

/** Makes a router of `provider` from its settings (default: the traffic registry's createRouter). */
export type RouterFactory = (provider: string, settings: Record<string, unknown>) => TrafficRouter;

/** Which slot a rollout puts the new version in. */
export interface SlotChoice {
  /** Where the new version goes: the slot that does not hold the last good version. */
  canary: Slot;
  /** Where the last good version runs (on a first release: the other slot, which runs nothing of ours). */
  stable: Slot;
  /** No good version yet: the new one takes all traffic once ready, without the steps (nothing to compare it with). */
  firstRelease: boolean;
  /** The choice in words, for the log. */
  reason: string;
}

/**
 * The slot choice from the last good deployment: its recorded slot is stable, the other takes the
 * new version. A last good deployment from before slots (no slot recorded) is in `servingSlot`,
 * the slot that takes all traffic now; none at all is a first release, into the first slot.
 */
export function chooseSlots(plan: Pick<RolloutPlan, 'slots'>, lastGood: Pick<LedgerDeployment, 'id' | 'payload'> | null, servingSlot?: string): SlotChoice {
  const slots = plan.slots;
  if (!slots) throw new Error('unreachable: slots are chosen only for a plan with slots');
  if (!lastGood) {
    return { canary: slots[0], stable: slots[1], firstRelease: true, reason: `first release: no good version yet, so slot ${slots[0].name} takes all traffic once ready` };
  }
  const recorded = lastGood.payload?.slot;
  const name = recorded ?? servingSlot;
  if (name === undefined) {
    throw new SlipwayError(
      `The last good deployment #${lastGood.id} records no slot (it predates slots), and the router splits traffic between the slots, so which one runs it is unknown; nothing was changed. ` +
        'Fix: send all traffic to the slot that runs it (canary-step with weight 0 or 100), then run the rollout again.',
    );
  }
  const stable = slotNamed(plan, name, `The last good deployment #${lastGood.id}`);
  const canary = otherSlot(plan, stable);
  const how = recorded ? 'as the ledger records' : 'which takes all traffic (the deployment predates slots)';
  return { canary, stable, firstRelease: false, reason: `slot ${canary.name} takes the new version: slot ${stable.name} holds the last good version (#${lastGood.id}), ${how}` };
}

/** The choice a deployment recorded (a resumed rollout): its slot is the canary. */
export function recordedSlots(plan: Pick<RolloutPlan, 'slots'>, deployment: LedgerDeployment): SlotChoice {
  const canary = slotNamed(plan, deployment.payload?.slot ?? '', `Deployment #${deployment.id}`);
  const firstRelease = deployment.payload?.previousGood === null;
  return { canary, stable: otherSlot(plan, canary), firstRelease, reason: `slot ${canary.name}, as deployment #${deployment.id} records${firstRelease ? ' (first release)' : ''}` };
}

/**
 * The choice for a new deployment: reads the last good deployment (or `previousGood`, when the
 * caller knows it) and, only for one from before slots, the router to see which slot serves.
 */
export async function pickSlots(plan: RolloutPlan, ledger: Ledger, environment: string, router: TrafficRouter, previousGood?: number | null): Promise<SlotChoice> {
  const lastGood = previousGood === null ? null : previousGood !== undefined ? await ledger.getDeployment(previousGood) : await ledger.lastGood(environment);
  if (!lastGood || lastGood.payload?.slot) return chooseSlots(plan, lastGood);
  return chooseSlots(plan, lastGood, await servingSlot(plan, router));
}

/** The slot taking all traffic through `router` (made with the plan's settings: the first slot stable); undefined when split. */
async function servingSlot(plan: RolloutPlan, router: TrafficRouter): Promise<string | undefined> {
  const state = await router.describe();
  if (!state.reachable) throw new SlipwayError(`The ${router.type} router cannot be reached, so the rollout did not start; nothing was changed.`);
  if (state.canaryWeight === 0) return plan.slots![0].name;
  if (state.canaryWeight === 100) return plan.slots![1].name;
  return undefined;
}

/** The router with the new version in `choice.canary`: the plan's own (first slot stable) when it is the second slot, else one made turned the other way. */
export function routerForSlots(plan: RolloutPlan, choice: SlotChoice, planRouter: TrafficRouter, makeRouter: RouterFactory = createRouter): TrafficRouter {
  if (choice.canary.name === plan.slots![1].name) return planRouter;
  return makeRouter(plan.router.provider, slotRouterSettings(plan, choice.canary.name));
}

/** The analysis block with {{canarySlot}} and {{stableSlot}} in its selectors replaced by the slots' names. */
export function analysisForSlots(analysis: PlanAnalysis, slots: SlotNames): PlanAnalysis {
  return {
    ...analysis,
    canary: fillSlotPlaceholders(analysis.canary, slots),
    baseline: fillSlotPlaceholders(analysis.baseline, slots),
    ...(analysis.historySelector ? { historySelector: fillSlotPlaceholders(analysis.historySelector, slots) } : {}),
  };
}

/** The analysis runner of a rollout into `choice.canary`: its selectors follow the slots (docs/analysis.md). */
export function analysisInSlots(runner: AnalysisRunner | undefined, choice: SlotChoice): AnalysisRunner | undefined {
  if (!runner) return undefined;
  const slots = { canarySlot: choice.canary.name, stableSlot: choice.stable.name };
  return { run: (request) => runner.run({ ...request, analysis: analysisForSlots(request.analysis, slots) }) };
}

/** What the deploy step needs. */
export interface DeployStepContext {
  plan: RolloutPlan;
  choice: SlotChoice;
  artifact: ArtifactInfo;
  environment: string;
  router: TrafficRouter;
  recorder: RolloutRecorder;
  logger: Logger;
  /** Default: the plan's provider (createDeployer). */
  deployer?: Deployer;
}

/**
 * The deploy step, before any traffic moves: traffic first kept off the canary slot (on a first
 * release nothing serves yet, so nothing is touched), then the version started there and checked
 * ready. A deploy that fails is recorded `error` (the rollout stopped for something other than a
 * judgment of the version); one that never becomes ready `failure` (the version did not come up,
 * as a failed smoke check); both say that no traffic moved, and throw.
 */
export async function runDeployStep(context: DeployStepContext): Promise<void> {
  const { plan, choice, artifact, environment, router, recorder, logger } = context;
  const slot = choice.canary;
  if (!choice.firstRelease) {
    const converged = await convergeTraffic(router, expectedTrafficBefore(plan.steps, 0));
    if (converged.changed.length > 0) logger.info(`Traffic kept off slot ${slot.name} before the deploy: ${converged.changed.join(', ')}.`);
  }
  const deploy = plan.deploy!;
  logger.info(`Deploying ${artifact.ref} into slot ${slot.name} (${deploy.spec.provider}).`);
  await recorder.deploying(`deploying into slot ${slot.name} · ${artifact.ref}`);
  try {
    const ready = await deployAndWait(deploy, { imageRef: artifact.ref, digest: artifact.digest, slot, environment }, context.deployer);
    logger.info(`Slot ${slot.name} runs ${artifact.ref}: ${ready}.`);
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    const state = error.reason === 'not-ready' ? 'failure' : 'error';
    const what = error.reason === 'not-ready' ? `slot ${slot.name} never became ready` : `deploy into slot ${slot.name} failed`;
    await recorder.stoppedBeforeTraffic(state, `${what}; no traffic moved: ${errorMessage(error)}`);
    throw new SlipwayError(`The rollout of ${artifact.ref} to ${environment} stopped before any traffic moved: ${errorMessage(error)}. The deployment is recorded ${state}; traffic stays on ${choice.firstRelease ? 'what it was' : `slot ${choice.stable.name}`}. Fix the deploy and run the rollout again.`);
  }
}
