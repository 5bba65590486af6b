import { afterAll, describe, expect, test } from '@jest/globals';
import { runCommand } from '../../../src/core/process/index.js';
import { createRouter } from '../../../src/core/traffic/registry.js';

// Against a real cluster, only when KUBECONFIG is set (no cluster runs on the CI machines). The
// ingress-nginx provider is used because an Ingress needs no CRD: the API server stores it even
// without a controller, so the server-side apply and the read-back are real.

const describeIf = process.env.KUBECONFIG ? describe : describe.skip;
const namespace = process.env.SLIPWAY_TEST_NAMESPACE ?? 'default';
const name = `slipway-test-${process.pid}`;

describeIf('ingress-nginx canary Ingress on the cluster of KUBECONFIG', () => {
  afterAll(async () => {
    await runCommand(['kubectl', '--namespace', namespace, 'delete', 'ingress', name, '--ignore-not-found']);
  });

  test('server-side apply sets the weight and header route, and describe reads them back', async () => {
    const router = createRouter('ingress-nginx', { name, namespace, host: 'slipway-test.example.com', canaryService: 'slipway-test-canary' });
    await router.setCanaryWeight(25);
    await router.setHeaderRoute?.({ name: 'x-canary', value: 'always' });
    expect(await router.describe()).toMatchObject({ canaryWeight: 25, headerRoutes: [{ name: 'x-canary', value: 'always' }] });
    const managers = await runCommand(['kubectl', '--namespace', namespace, 'get', 'ingress', name, '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}']);
    expect(managers.stdout).toContain('slipway');
    expect((await router.abort()).canaryWeight).toBe(0);
    expect((await router.describe()).canaryWeight).toBe(0);
  });
});
