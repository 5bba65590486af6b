import { CommandDeployer } from './command.js';
import { KubernetesDeployer } from './kubernetes.js';
import { readyUrlFor, waitUntilReady } from './ready.js';
import { DeployError, type Deployer, type DeploySpec, type DeployTarget, type PlanDeploy } from './types.js';

export * from './types.js';
export * from './command.js';
export * from './kubernetes.js';
export * from './ready.js';

/** The deployer of a plan's `deploy:` provider. */
export function createDeployer(spec: DeploySpec): Deployer {
  switch (spec.provider) {
    case 'command':
      return new CommandDeployer(spec);
    case 'kubernetes':
      return new KubernetesDeployer(spec);
  }
}

/**
 * The whole deploy step: the provider starts the version in the slot, then the ready URL (if any)
 * must answer 2xx in time. Throws DeployError ('failed' or 'not-ready'); resolves with what the
 * readiness check saw. Nothing here touches traffic.
 */
export async function deployAndWait(deploy: PlanDeploy, target: DeployTarget, deployer: Deployer = createDeployer(deploy.spec)): Promise<string> {
  await deployer.deploy(target);
  if (!deploy.ready) return `${deployer.type} deploy finished`;
  const url = readyUrlFor(deploy.ready.url, target.slot);
  const result = await waitUntilReady(url, deploy.ready.timeoutSeconds);
  if (!result.ready) throw new DeployError('not-ready', `slot ${target.slot.name} never became ready: ${result.detail}`);
  return result.detail;
}
