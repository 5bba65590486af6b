import { runCommand, tail } from '../process/index.js';
import { DeployError, type Deployer, type DeployTarget, type KubernetesDeploySpec } from './types.js';

/** Variables kubectl needs to find its cluster, passed through besides the allow-list. */
const KUBECTL_ENV = ['KUBECONFIG'];

/** The Deployment a slot's version runs in: `{slot}` in the plan's name replaced by the slot's name. */
export function slotDeploymentName(spec: Pick<KubernetesDeploySpec, 'deployment'>, slot: string): string {
  return spec.deployment.replaceAll('{slot}', slot);
}

/** The two kubectl command lines of a Kubernetes deploy into `target.slot`: set the image, wait for the rollout. */
export function kubectlDeployCommands(spec: KubernetesDeploySpec, target: DeployTarget): string[][] {
  const deployment = `deployment/${slotDeploymentName(spec, target.slot.name)}`;
  const scope = [...(spec.context ? ['--context', spec.context] : []), ...(spec.namespace ? ['-n', spec.namespace] : [])];
  return [
    ['kubectl', 'set', 'image', deployment, `${spec.container}=${target.imageRef}`, ...scope],
    ['kubectl', 'rollout', 'status', deployment, `--timeout=${spec.timeoutSeconds}s`, ...scope],
  ];
}

/**
 * `deploy: {kubernetes: {deployment, container, namespace, timeout}}`: `kubectl set image` (a
 * no-op when the image is already set, so a re-run converges), then `kubectl rollout status`,
 * which waits until the new pods are ready or the timeout passes.
 */
export class KubernetesDeployer implements Deployer {
  readonly type = 'kubernetes';

  constructor(private readonly spec: KubernetesDeploySpec) {}

  async deploy(target: DeployTarget): Promise<void> {
    const [setImage, rolloutStatus] = kubectlDeployCommands(this.spec, target);
    const set = await runCommand(setImage, { passEnv: KUBECTL_ENV });
    if (set.code !== 0) throw new DeployError('failed', `${setImage.join(' ')} exited with ${set.code}: ${tail(set.stderr || set.stdout)}`);
    // kubectl's own --timeout bounds the wait; the runner's only catches a kubectl that hangs past it.
    const status = await runCommand(rolloutStatus, { passEnv: KUBECTL_ENV, timeoutMs: (this.spec.timeoutSeconds + 30) * 1000 });
    if (status.code !== 0) {
      throw new DeployError('not-ready', `${rolloutStatus.join(' ')} exited with ${status.code}: ${tail(status.stderr || status.stdout)}`);
    }
  }
}
