import { SlipwayError } from '../errors.js';
import type { Ledger, LedgerDeployment } from '../ledger/types.js';
import { silentLogger, type Logger } from '../log.js';
import type { TrafficRouter } from '../traffic/types.js';
import { ensureArtifactExists, type RegistryAccess } from './artifact.js';
import type { CommandRunner } from './command.js';
import { restoreInSlots, type SlotRollbackEffects } from './slots.js';
import type { RollbackDecision } from './target.js';

/** What the rollback changes outside the ledger: traffic, a redeploy, or both. */
export interface RollbackEffects {
  /** Traffic goes back to the stable version with `abort()`, then is read back to check it. */
  router?: TrafficRouter;
  /** Run with SLIPWAY_IMAGE_REF = the target's artifact (platforms where rolling back means redeploying). */
  deployCommand?: string;
  commandRunner?: CommandRunner;
  /**
   * Given, the target's artifact is first checked to still exist in its registry (read with these
   * credentials, else anonymously): a 404 refuses before traffic moves or anything is recorded.
   */
  registry?: RegistryAccess;
  /**
   * With a plan's slots: traffic goes back to the slot that still runs the target, or the target is
   * deployed again into the idle slot first (restoreInSlots); `router` and `deployCommand` are then unused.
   */
  slots?: SlotRollbackEffects;
}

/** What a rollback did. */
export interface RollbackOutcome {
  /** The artifact running again; undefined when there was no good version (traffic only). */
  imageRef?: string;
  /** The `deploy:rollback` deployment recorded; undefined when there was no good version. */
  deploymentId?: number;
  rolledBackDeploymentId: number;
  target: LedgerDeployment | null;
  /** With slots: the slot that serves the restored version. */
  slot?: string;
}

const OUTPUT_TAIL = 2000;

/**
 * Carries out a decided rollback, effects first so the ledger only ever records what happened:
 * the target's artifact checked in its registry (with `effects.registry`), traffic back to stable (checked by reading it back) and/or the deploy command; then the bad
 * deployment is marked `failure` with the reason, and a `deploy:rollback` deployment of the target
 * with `rollbackOf` is recorded and set `success`, so the environment shows the good version active.
 */
export async function executeRollback(
  ledger: Ledger,
  decision: RollbackDecision,
  request: { environment: string; reason: string; environmentUrl?: string; slot?: string },
  effects: RollbackEffects,
  logger: Logger = silentLogger,
): Promise<RollbackOutcome> {
  const { bad, target } = decision;
  const imageRef = target?.payload?.artifact?.ref;
  if (imageRef && effects.registry) await ensureArtifactExists(imageRef, request.environment, effects.registry, logger);
  let slot = request.slot;
  if (effects.slots && target) {
    slot = (await restoreInSlots(decision, effects.slots, request.environment, logger)).name;
  } else if (effects.router) {
    const state = await effects.router.abort();
    if (state.canaryWeight !== 0) {
      throw new SlipwayError(`The ${effects.router.type} router still sends ${state.canaryWeight}% to the canary after abort; the rollback stopped before recording anything.`);
    }
    logger.info(`Traffic is back on the stable version (${effects.router.type}: stable ${state.stableWeight}%, canary 0%).`);
  }
  if (effects.deployCommand && !effects.slots) {
    if (!imageRef || !effects.commandRunner) throw new SlipwayError('The deploy command needs a good version to redeploy, and there is none.');
    logger.info(`Running the deploy command with SLIPWAY_IMAGE_REF=${imageRef}.`);
    const result = await effects.commandRunner.run(effects.deployCommand, {
      SLIPWAY_IMAGE_REF: imageRef,
      SLIPWAY_ENVIRONMENT: request.environment,
      SLIPWAY_ROLLBACK_OF: String(bad.id),
    });
    if (result.output.trim()) logger.info(result.output.trimEnd());
    if (result.exitCode !== 0) {
      throw new SlipwayError(`The deploy command exited with ${result.exitCode}; nothing was recorded in the ledger. Its output ended with:\n${result.output.slice(-OUTPUT_TAIL)}`);
    }
  }
  if (bad.latestStatus?.state !== 'failure') {
    await ledger.setStatus(bad.id, { state: 'failure', description: `rolled back: ${request.reason}` });
  }
  if (!target?.payload?.artifact) return { rolledBackDeploymentId: bad.id, target: null };

  const rollback = await ledger.createDeployment({
    environment: request.environment,
    ref: target.sha,
    task: 'deploy:rollback',
    artifact: target.payload.artifact,
    strategy: 'rollback',
    rollbackOf: bad.id,
    // The target is the last good version again, and `bad` the newest deployment: saves the
    // ledger its own look-up of both pointers.
    previousGood: target.id,
    // With slots: where the restored version serves from, so the next rollout picks the other one.
    slot,
    lastIrreversible: bad.payload?.irreversible ? bad.id : bad.payload?.lastIrreversible,
    description: `Roll back #${bad.id} to #${target.id}`,
    productionEnvironment: target.productionEnvironment,
  });
  await ledger.setStatus(rollback.id, {
    state: 'success',
    description: `rolled back #${bad.id} to #${target.id}: ${request.reason}`,
    environmentUrl: request.environmentUrl ?? (target.latestStatus?.environmentUrl || undefined),
  });
  logger.info(`Recorded rollback deployment #${rollback.id}: ${request.environment} runs ${target.payload.artifact.ref} again (#${bad.id} marked failure).`);
  return { imageRef: target.payload.artifact.ref, deploymentId: rollback.id, rolledBackDeploymentId: bad.id, target, slot };
}
