import { describe, expect, test } from '@jest/globals';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { measure } from '../integration/traffic/stack.js';
import { useCanaryStepBed } from './canary-step-bed.js';

// The bundled canary-step action, main and post step, run as the runner runs them, against a real
// HAProxy in front of v1 (blue) and v2 (green) and the GitHub simulator.

const STATUS = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

describeIf('canary-step with HAProxy', () => {
  const bed = useCanaryStepBed('haproxy', { runId: '42', sha: 'a'.repeat(40), inputs: { 'abort-on-failure': 'true', action: 'set-weight' } });
  const { step, latestStatus, share } = bed;

  test('set-weight 25 moves a measured 25% to the canary, records "canary 25%" and outputs the weights and state', async () => {
    const result = await step({ weight: '25', 'deployment-id': String(bed.deploymentId) });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ weight: '25', 'previous-weight': '0' });
    expect(JSON.parse(result.outputs['traffic-state'])).toMatchObject({ provider: 'haproxy', canaryWeight: 25, stableWeight: 75, reachable: true });
    expect(latestStatus()).toMatchObject({ state: 'in_progress', description: 'canary 25%' });
    expect(Math.abs((await share()) - 25)).toBeLessThanOrEqual(1.5);
    expect(result.state.moved).toBe('true');
  });

  test('repeating a step converges: same weight, previous-weight equal to it, traffic unchanged', async () => {
    await step({ weight: '25' });
    const again = await step({ weight: '25' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ weight: '25', 'previous-weight': '25' });
    expect(Math.abs((await share()) - 25)).toBeLessThanOrEqual(1.5);
  });

  test('the post step after a failed job at 25% brings the canary back to 0% and marks the deployment error', async () => {
    const moved = await step({ weight: '25', 'deployment-id': String(bed.deploymentId) });
    expect(moved.exitCode).toBe(0);
    expect(Math.abs((await share()) - 25)).toBeLessThanOrEqual(1.5);
    // The runner starts the post step only for a failed or cancelled job (post-if).
    const post = await step({ weight: '25', 'deployment-id': String(bed.deploymentId) }, { state: moved.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('The job failed or was cancelled with the canary at 25%: traffic is back on stable (haproxy: canary 0%).');
    expect(await share()).toBe(0);
    expect(latestStatus()).toMatchObject({ state: 'error', description: 'job failed or was cancelled at canary 25%; traffic back on stable' });
  });

  test('when several steps moved traffic, the first post step reverts and the others leave it', async () => {
    const at5 = await step({ weight: '5', 'deployment-id': String(bed.deploymentId) });
    const at25 = await step({ weight: '25', 'deployment-id': String(bed.deploymentId) });
    // The runner runs post steps in reverse order.
    const first = await step({ weight: '25', 'deployment-id': String(bed.deploymentId) }, { state: at25.state });
    expect(first.stdout).toContain('The job failed or was cancelled with the canary at 25%');
    bed.sim.resetCounts();
    const second = await step({ weight: '5', 'deployment-id': String(bed.deploymentId) }, { state: at5.state });
    expect(second.stdout).toContain('A later step finished the rollout (reverted); traffic is left as it is.');
    expect(bed.sim.requests(STATUS)).toBe(0);
    expect(await share()).toBe(0);
  });

  test('a job that promoted after moving traffic is not reverted by the post step', async () => {
    const moved = await step({ weight: '25', 'deployment-id': String(bed.deploymentId) });
    const promoted = await step({ action: 'promote', 'deployment-id': String(bed.deploymentId) });
    expect(promoted.outputs).toMatchObject({ weight: '100', 'previous-weight': '25' });
    expect(latestStatus()).toMatchObject({ state: 'in_progress', description: 'canary promoted: 100%' });
    const post = await step({ weight: '25', 'deployment-id': String(bed.deploymentId) }, { state: moved.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('A later step finished the rollout (promote); traffic is left as it is.');
    expect(await share()).toBe(100);
    expect(latestStatus()?.state).toBe('in_progress');
  });

  test('abort sends everything back to stable and records failure with the weight it left', async () => {
    await step({ weight: '50' });
    const aborted = await step({ action: 'abort', 'deployment-id': String(bed.deploymentId) });
    expect(aborted.outputs).toMatchObject({ weight: '0', 'previous-weight': '50' });
    expect(latestStatus()).toMatchObject({ state: 'failure', description: 'canary aborted at 50%; traffic back on stable' });
    expect(await share()).toBe(0);
  });

  test('a header route reaches the canary at weight 0', async () => {
    const result = await step({ weight: '0', 'header-route': 'x-canary: always' });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['traffic-state']).headerRoutes).toEqual([{ name: 'x-canary', value: 'always' }]);
    expect((await measure(bed.stack.url, 'v2', 200, { 'x-canary': 'always' })).share).toBe(100);
    expect(await share()).toBe(0);
  });

  test.each([
    [{ weight: '150' }, "Input 'weight' has the value \"150\": expected a whole number from 0 to 100."],
    [{ weight: '-1' }, "Input 'weight' has the value \"-1\": expected a whole number from 0 to 100."],
    [{ provider: 'traefik', weight: '5' }, "Input 'provider' has the value \"traefik\": expected one of haproxy, nginx, gateway-api, istio, smi, ingress-nginx, command."],
    [{ weight: '5', 'mirror-percentage': '10' }, "Input 'mirror-percentage' has the value \"10\": expected no mirroring: the haproxy router cannot mirror (HAProxy mirrors only through an SPOE agent)."],
  ])('bad input %p fails with a clear message, records nothing and leaves traffic where it was', async (inputs, message) => {
    await step({ weight: '5' });
    bed.sim.resetCounts();
    const result = await step({ ...inputs, 'deployment-id': String(bed.deploymentId) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`::error::${message}`);
    expect(bed.sim.requests(STATUS)).toBe(0);
    expect(Math.abs((await share()) - 5)).toBeLessThanOrEqual(1);
  });

  test('an unreachable HAProxy fails the step with the fix, writes no status and changes nothing', async () => {
    const result = await step({ weight: '50', 'deployment-id': String(bed.deploymentId), router: JSON.stringify({ ...JSON.parse(bed.router), socket: '/nonexistent/admin.sock' }) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('Cannot reach the HAProxy runtime API at /nonexistent/admin.sock (ENOENT)');
    expect(bed.sim.requests(STATUS)).toBe(0);
    expect(await share()).toBe(0);
  });
});
