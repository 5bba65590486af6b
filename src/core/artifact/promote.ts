import { InputError, SlipwayError } from '../errors.js';
import type { Ledger, LedgerDeployment } from '../ledger/types.js';
import { silentLogger, type Logger } from '../log.js';
import type { RegistryClient } from './client.js';
import { copyImage, emptyStats, unreachableRegistry, type TransferStats } from './push.js';
import { formatReference, parsePinnedReference, type ImageName, type PinnedReference } from './reference.js';
import { planTags, writeTags } from './tags.js';

// promote-artifact's logic: send the very image a source environment ran successfully to the next
// environment. Everything is checked before anything is written (environments, protection,
// lineage in the ledger, the image in the registry, the target tags); then blobs and manifests
// are copied by digest (mounted within a registry), a `deploy:promote` deployment records where
// the image came from, and the pointer tags move last. Never rebuilds.

/** What `promote` needs. */
export interface PromoteRequest {
  ledger: Ledger;
  fromEnvironment: string;
  toEnvironment: string;
  /** The `image-ref` input; default: the artifact of the last good deployment in `fromEnvironment`. */
  imageRef?: string;
  /** Another repository or registry to copy to (default: the source repository). */
  targetImage?: ImageName;
  targetTags: string[];
  /** Refuse a target environment without a protection rule. */
  requireProtection: boolean;
  /** The state the new deployment gets (default success; `queued` when a canary step will finish it). */
  state?: 'success' | 'queued' | 'in_progress';
  /**
   * A client for a registry; `role` tells which credentials to use. `sourceRegistry` is the
   * source's host[:port]: whether a target is that very registry decides whether the source
   * credentials may go there too.
   */
  clientFor(registry: string, role: 'source' | 'target', sourceRegistry: string): RegistryClient;
  /** Called once the deployment exists, before its tags move (the action saves it for its post step). */
  onDeployment?: (deploymentId: number) => void;
  logger?: Logger;
}

/** What `promote` did. */
export interface PromoteResult {
  /** `registry/repo@sha256:…` at the target. */
  imageRef: string;
  digest: string;
  deploymentId: number;
  /** True when the target environment already ran this digest (nothing new recorded). */
  alreadyCurrent: boolean;
  stats: TransferStats;
}

/** Promotes an image from one environment to the next; see the module comment for the order. */
export async function promote(request: PromoteRequest): Promise<PromoteResult> {
  const logger = request.logger ?? silentLogger;
  const { ledger, fromEnvironment: from, toEnvironment: to } = request;
  if ((await ledger.getEnvironment(from)) === null) throw unknownEnvironment('from-environment', from);
  const target = await ledger.getEnvironment(to);
  if (target === null) throw unknownEnvironment('to-environment', to);
  if (request.requireProtection && target.protectionRules.length === 0) {
    throw new InputError(
      'to-environment',
      to,
      'an environment with a protection rule (required reviewers, a wait timer or a branch policy), because require-protection is on',
      `add a rule under Settings → Environments → ${to}, or set \`require-protection: false\` if skipping the approval gate is intended`,
    );
  }
  const source = await sourceReference(ledger, from, request.imageRef);
  const lineage = await ledger.findSuccessfulByDigest(from, source.digest);
  if (!lineage) {
    throw new SlipwayError(
      `${source.digest} was never deployed successfully to ${from}; promote-artifact only sends on what ${from} ran successfully. ` +
        `Fix: deploy it to ${from} first, or leave \`image-ref\` empty to promote the last good deployment of ${from}.`,
    );
  }
  const sourceHandle = { client: request.clientFor(source.registry, 'source', source.registry), repository: source.repository };
  if ((await sourceHandle.client.manifests.resolve(source.repository, source.digest)) === null) {
    throw new InputError('image-ref', formatReference(source), 'an image present in its registry', `the ledger shows it ran in ${from}, but ${source.registry}/${source.repository} no longer has it: restore it or promote another build`);
  }
  const targetName = request.targetImage ?? source;
  const targetHandle = { client: request.clientFor(targetName.registry, 'target', source.registry), repository: targetName.repository };
  const toTag = await planTags(targetHandle, request.targetTags, source.digest, 'target-tags');

  const stats = emptyStats();
  let manifest: { bytes: Buffer; mediaType: string };
  let stored: { digest: string } | null;
  try {
    manifest = await copyImage(sourceHandle, targetHandle, source.digest, stats, logger);
    stored = await targetHandle.client.manifests.resolve(targetHandle.repository, source.digest);
  } catch (error) {
    throw unreachableRegistry(error, `Copying ${formatReference(source)} to ${targetName.registry}/${targetName.repository}`);
  }
  if (stored?.digest !== source.digest) throw new SlipwayError(`After the copy, ${targetName.registry}/${targetName.repository} does not serve ${source.digest}.`);
  const imageRef = formatReference({ ...targetName, digest: source.digest });
  logger.info(`Copied ${imageRef} (${stats.mountedBlobs} blobs mounted, ${stats.uploadedBlobs} copied, ${stats.presentBlobs} already there)`);

  const current = await ledger.current(to);
  if (current?.payload?.artifact?.digest === source.digest && current.payload.artifact.ref === imageRef) {
    await writeTags(targetHandle, toTag, manifest.bytes, manifest.mediaType, 'target-tags');
    logger.info(`${to} already runs ${imageRef} (deployment ${current.id}); nothing new recorded`);
    return { imageRef, digest: source.digest, deploymentId: current.id, alreadyCurrent: true, stats };
  }
  // The deployment is recorded before the tags move: if GitHub refuses it (a missing permission),
  // no pointer tag names an image the ledger does not know; the copy by digest alone is harmless.
  const deployment = await ledger.createDeployment({
    environment: to,
    ref: lineage.sha,
    task: 'deploy:promote',
    artifact: { ref: imageRef, digest: source.digest, tags: request.targetTags },
    promotedFrom: { environment: from, deploymentId: lineage.id },
    description: `Promote ${source.digest.slice(0, 19)} from ${from}`,
  });
  request.onDeployment?.(deployment.id);
  try {
    await writeTags(targetHandle, toTag, manifest.bytes, manifest.mediaType, 'target-tags');
  } catch (error) {
    await ledger.setStatus(deployment.id, { state: 'error', description: `Moving the tags ${toTag.join(', ')} failed` });
    throw error;
  }
  await ledger.setStatus(deployment.id, { state: request.state ?? 'success', description: `Promoted from ${from} (deployment ${lineage.id})` });
  return { imageRef, digest: source.digest, deploymentId: deployment.id, alreadyCurrent: false, stats };
}

async function sourceReference(ledger: Ledger, from: string, imageRef: string | undefined): Promise<PinnedReference> {
  if (imageRef !== undefined) return parsePinnedReference('image-ref', imageRef);
  const lastGood: LedgerDeployment | null = await ledger.lastGood(from);
  const ref = lastGood?.payload?.artifact?.ref;
  if (!ref) {
    throw new InputError('image-ref', undefined, 'a reference pinned by digest', `nothing has been deployed successfully to ${from} yet, so there is no last good image to default to; deploy to ${from} first or set \`image-ref\``);
  }
  return parsePinnedReference('image-ref', ref);
}

function unknownEnvironment(input: string, name: string): InputError {
  return new InputError(input, name, 'an environment that exists in the repository', `create it under Settings → Environments, or correct the name (environment names are case-insensitive on GitHub but must exist)`);
}
