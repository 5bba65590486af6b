import * as core from '@actions/core';
import type { RegistryClient } from '../../core/artifact/client.js';
import { promote } from '../../core/artifact/promote.js';
import { closeIfOpen } from '../../core/ledger/index.js';
import { readRunContext } from '../common/context.js';
import { ledgerFromInputs } from '../common/ledger.js';
import { registryClientFor } from '../common/registry.js';
import { actionsLogger } from '../common/run.js';
import { Outputs, State } from './constants.js';
import { getInputs, sourceRegistryAccess, targetRegistryAccess } from './inputs.js';
import { group, info, setOutput, writeSummary } from '../common/output.js';

/**
 * Promotes the image the source environment ran successfully: checks, copies (mounts within a
 * registry), moves the pointer tags and records a `deploy:promote` deployment.
 */
export async function main(): Promise<void> {
  const context = readRunContext();
  const inputs = getInputs();
  const ledger = ledgerFromInputs(inputs.token, context, actionsLogger);
  const clients = new Map<string, RegistryClient>();
  const clientFor = (registry: string, role: 'source' | 'target', sourceRegistry: string) => {
    const key = `${role} ${registry} from ${sourceRegistry}`;
    if (!clients.has(key)) {
      const access = role === 'source' ? sourceRegistryAccess(inputs) : targetRegistryAccess(inputs, registry, sourceRegistry);
      clients.set(key, registryClientFor(registry, access.credentials, access.credentialsFix, actionsLogger));
    }
    return clients.get(key)!;
  };
  const result = await group(`Promoting from ${inputs.fromEnvironment} to ${inputs.toEnvironment}`, () =>
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
      onDeployment: (id) => core.saveState(State.DeploymentId, String(id)),
      logger: actionsLogger,
    }),
  );
  setOutput(Outputs.ImageRef, result.imageRef);
  setOutput(Outputs.Digest, result.digest);
  setOutput(Outputs.DeploymentId, String(result.deploymentId));
  const copied = `${result.stats.mountedBlobs} mounted, ${result.stats.uploadedBlobs} copied (${result.stats.uploadedBytes} bytes), ${result.stats.presentBlobs} already there`;
  await writeSummary((summary) =>
    summary.addHeading(`Promoted ${inputs.fromEnvironment} → ${inputs.toEnvironment}`, 3)
      .addTable([
        [{ data: 'image', header: true }, { data: 'deployment', header: true }, { data: 'blobs', header: true }, { data: 'tags', header: true }],
        [`\`${result.imageRef}\``, result.alreadyCurrent ? `${result.deploymentId} (already current)` : String(result.deploymentId), copied, inputs.targetTags.join(', ') || '–'],
      ]),
  );
}

/**
 * The post step, for a job that failed or was cancelled: a deployment this step created that is
 * still open (no status yet while its tags moved, or `queued` for a canary that never came) is
 * marked `error`, so none is left in flight.
 */
export async function post(): Promise<void> {
  const deploymentId = Number(core.getState(State.DeploymentId));
  if (!deploymentId) return;
  const inputs = getInputs();
  const ledger = ledgerFromInputs(inputs.token, readRunContext(), actionsLogger);
  const closed = await closeIfOpen(ledger, deploymentId, { state: 'error', description: `the job ended (failed or cancelled) before the promotion to ${inputs.toEnvironment} was finished` });
  info(closed.closed ? `Deployment #${deploymentId} was still open when the job ended: marked error.` : `Deployment #${deploymentId} ended ${closed.found}; nothing to close.`);
}
