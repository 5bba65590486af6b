import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DeployError, KubernetesDeployer, type DeployTarget } from '../../../src/core/deploy/index.js';
import { runCommand } from '../../../src/core/process/index.js';

// Against a real cluster, only when KUBECONFIG is set (no cluster runs on the CI machines; the
// command lines are checked with a recording kubectl in test/unit/core/deploy). A slot Deployment
// is made for the test, the deploy sets its image and waits for the rollout, and a deploy to an
// image that cannot be pulled fails as not ready within its timeout.

const describeIf = process.env.KUBECONFIG ? describe : describe.skip;
const namespace = process.env.SLIPWAY_TEST_NAMESPACE ?? 'default';
const name = `slipway-deploy-${process.pid}`;
const kubectl = (...args: string[]) => runCommand(['kubectl', '--namespace', namespace, ...args], { passEnv: ['KUBECONFIG'], timeoutMs: 120_000 });
const target = (image: string): DeployTarget => ({ slot: { name: 'blue' }, imageRef: image, digest: `sha256:${'0'.repeat(64)}`, environment: 'test' });

describeIf('kubernetes deploy on the cluster of KUBECONFIG', () => {
  beforeAll(async () => {
    const created = await kubectl('create', 'deployment', `${name}-blue`, '--image=registry.k8s.io/pause:3.9');
    expect(created.code).toBe(0);
    expect((await kubectl('rollout', 'status', `deployment/${name}-blue`, '--timeout=120s')).code).toBe(0);
  }, 150_000);

  afterAll(async () => {
    await kubectl('delete', 'deployment', `${name}-blue`, '--ignore-not-found');
  });

  test('sets the slot Deployment\'s image and returns once its rollout is done', async () => {
    const deployer = new KubernetesDeployer({ provider: 'kubernetes', deployment: `${name}-{slot}`, container: 'pause', namespace, timeoutSeconds: 120 });
    await deployer.deploy(target('registry.k8s.io/pause:3.10'));
    const image = await kubectl('get', 'deployment', `${name}-blue`, '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
    expect(image.stdout).toBe('registry.k8s.io/pause:3.10');
  }, 150_000);

  test('an image that never runs fails as not ready once the timeout passes', async () => {
    const deployer = new KubernetesDeployer({ provider: 'kubernetes', deployment: `${name}-{slot}`, container: 'pause', namespace, timeoutSeconds: 10 });
    const error = await deployer.deploy(target('registry.invalid/none:0')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).reason).toBe('not-ready');
    expect((error as DeployError).message).toMatch(/rollout status .* exited with/);
  }, 150_000);
});
