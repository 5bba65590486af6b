import * as core from '@actions/core';
import type { RegistryClient } from '../../core/artifact/client.js';
import { promote } from '../../core/artifact/promote.js';
import type { Ledger } from '../../core/ledger/types.js';
import type { Logger } from '../../core/log.js';
import { readRunContext, type RunContext } from '../common/context.js';
import { ledgerFromInputs } from '../common/ledger.js';
import { registryClientFor } from '../common/registry.js';
import { actionsLogger } from '../common/run.js';
import { Inputs, Outputs } from './constants.js';
import { getInputs } from './inputs.js';

/** How the action gets its ledger (tests hand in their own). */
export type LedgerFactory = (token: string, context: RunContext, logger: Logger) => Ledger;

/**
 * Promotes the image the source environment ran successfully: checks, copies (mounts within a
 * registry), moves the pointer tags and records a `deploy:promote` deployment.
 */
export async function main(makeLedger: LedgerFactory = ledgerFromInputs): Promise<void> {
  const context = readRunContext();
  const inputs = getInputs();
  const ledger = makeLedger(inputs.token, context, actionsLogger);
  const clients = new Map<string, RegistryClient>();
  const clientFor = (registry: string, role: 'source' | 'target') => {
    const key = `${role}:${registry}`;
    if (!clients.has(key)) {
      const names = role === 'source' ? { username: Inputs.RegistryUsername, password: Inputs.RegistryPassword } : { username: Inputs.TargetRegistryUsername, password: Inputs.TargetRegistryPassword };
      clients.set(key, registryClientFor(registry, role === 'source' ? inputs.sourceCredentials : inputs.targetCredentials, names, actionsLogger));
    }
    return clients.get(key)!;
  };
  const result = await core.group(`Promoting from ${inputs.fromEnvironment} to ${inputs.toEnvironment}`, () =>
    promote({
      ledger,
      fromEnvironment: inputs.fromEnvironment,
      toEnvironment: inputs.toEnvironment,
      imageRef: inputs.imageRef,
      targetImage: inputs.targetImage,
      targetTags: inputs.targetTags,
      requireProtection: inputs.requireProtection,
      state: inputs.state,
      clientFor,
      logger: actionsLogger,
    }),
  );
  core.setOutput(Outputs.ImageRef, result.imageRef);
  core.setOutput(Outputs.Digest, result.digest);
  core.setOutput(Outputs.DeploymentId, String(result.deploymentId));
  const copied = `${result.stats.mountedBlobs} mounted, ${result.stats.uploadedBlobs} copied (${result.stats.uploadedBytes} bytes), ${result.stats.presentBlobs} already there`;
  await core.summary
    .addHeading(`Promoted ${inputs.fromEnvironment} → ${inputs.toEnvironment}`, 3)
    .addTable([
      [{ data: 'image', header: true }, { data: 'deployment', header: true }, { data: 'blobs', header: true }, { data: 'tags', header: true }],
      [`\`${result.imageRef}\``, result.alreadyCurrent ? `${result.deploymentId} (already current)` : String(result.deploymentId), copied, inputs.targetTags.join(', ') || '–'],
    ])
    .write();
}
