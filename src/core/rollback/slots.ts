import { deployAndWait, type Deployer, type Slot } from '../deploy/index.js';
import { SlipwayError } from '../errors.js';
import type { LedgerDeployment } from '../ledger/types.js';
import type { Logger } from '../log.js';
import type { RolloutPlan } from '../plan/plan.js';
import { otherSlot, slotNamed, slotRouterSettings } from '../plan/slots.js';
import { createRouter } from '../traffic/registry.js';
import type { TrafficRouter } from '../traffic/types.js';
import type { RollbackDecision } from './target.js';

// A rollback with slots (docs/rollout.md, "Rolling back to a slot"): when the previous version's
// slot still runs it, traffic goes back there at once, with no deploy; otherwise the version is
// deployed again into the slot that serves nothing, checked ready, and then takes all traffic.

/** What a rollback with slots uses: the plan's slots, router and deploy. */
export interface SlotRollbackEffects {
  plan: Pick<RolloutPlan, 'slots' | 'router' | 'deploy'>;
  /** Default: the traffic registry's createRouter. */
  makeRouter?: (provider: string, settings: Record<string, unknown>) => TrafficRouter;
  /** Default: the plan's `deploy:` provider. */
  deployer?: Deployer;
}

/** How the target comes back: traffic to the slot that still runs it, or a deploy into an idle slot first. */
export type SlotRestore = { kind: 'instant'; slot: Slot } | { kind: 'redeploy' };

/**
 * Whether the target's slot still runs the target, by the ledger alone: it records a slot, and no
 * deployment after it put another artifact there (nor one that records no slot, which may have).
 * When the decision did not read every deployment in between, the answer is no.
 */
export function slotRestore(plan: Pick<RolloutPlan, 'slots'>, decision: RollbackDecision): SlotRestore {
  const { target } = decision;
  const slot = target?.payload?.slot;
  if (!target || !slot || decision.complete === false) return { kind: 'redeploy' };
  const digest = target.payload?.artifact?.digest;
  const overwritten = [decision.bad, ...decision.passed].some(
    (later) => later.id > target.id && later.payload?.artifact?.digest !== digest && (later.payload?.slot === slot || later.payload?.slot === undefined),
  );
  return overwritten ? { kind: 'redeploy' } : { kind: 'instant', slot: slotNamed(plan, slot, `Deployment #${target.id}`) };
}

/**
 * Puts the target back in service (see slotRestore) and returns the slot that serves it. A
 * redeploy goes into the slot that takes no traffic now; when traffic is split (a canary of the
 * bad version), it is first all sent to the slot the bad version is not in.
 */
export async function restoreInSlots(decision: RollbackDecision, effects: SlotRollbackEffects, environment: string, logger: Logger): Promise<Slot> {
  const { plan } = effects;
  const make = effects.makeRouter ?? createRouter;
  const routerServing = (slot: Slot) => make(plan.router.provider, slotRouterSettings(plan, otherSlot(plan, slot).name));
  const sendAllTo = async (slot: Slot) => {
    const router = routerServing(slot);
    const state = await router.abort();
    if (state.canaryWeight !== 0) throw new SlipwayError(`The ${router.type} router still sends ${state.canaryWeight}% away from slot ${slot.name} after the switch; the rollback stopped before recording anything.`);
  };
  const restore = slotRestore(plan, decision);
  if (restore.kind === 'instant') {
    await sendAllTo(restore.slot);
    logger.info(`Slot ${restore.slot.name} still runs deployment #${decision.target?.id}: all traffic is back there, nothing was deployed.`);
    return restore.slot;
  }
  const target = decision.target;
  const artifact = target?.payload?.artifact;
  if (!target || !artifact) throw new SlipwayError('The rollback needs a good version to deploy again, and there is none.');
  if (!plan.deploy) throw new SlipwayError(`Deployment #${target.id}'s slot no longer runs it, and the plan has no \`deploy:\` to start it again.`);
  const serving = await servingSlot(plan, routerServing(plan.slots![0]), decision.bad, sendAllTo);
  const idle = otherSlot(plan, serving);
  logger.info(`No slot still runs deployment #${target.id}: deploying ${artifact.ref} again into slot ${idle.name} (slot ${serving.name} keeps the traffic meanwhile).`);
  await deployAndWait(plan.deploy, { imageRef: artifact.ref, digest: artifact.digest, slot: idle, environment }, effects.deployer);
  await sendAllTo(idle);
  logger.info(`All traffic is on slot ${idle.name}, which runs ${artifact.ref} again.`);
  return idle;
}

/** The slot taking all traffic now; a split is first ended by sending all traffic off the bad deployment's slot. */
async function servingSlot(plan: Pick<RolloutPlan, 'slots'>, firstStable: TrafficRouter, bad: LedgerDeployment, sendAllTo: (slot: Slot) => Promise<void>): Promise<Slot> {
  const [first, second] = plan.slots!;
  const state = await firstStable.describe();
  if (!state.reachable) throw new SlipwayError(`The ${firstStable.type} router cannot be reached; the rollback changed nothing.`);
  if (state.canaryWeight === 0) return first;
  if (state.canaryWeight === 100) return second;
  if (!bad.payload?.slot) throw new SlipwayError(`Traffic is split between slots ${first.name} and ${second.name}, and deployment #${bad.id} records no slot; the rollback changed nothing. Fix: send all traffic to one slot first.`);
  const away = otherSlot(plan, slotNamed(plan, bad.payload.slot, `Deployment #${bad.id}`));
  await sendAllTo(away);
  return away;
}
