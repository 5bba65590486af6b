import { describe, expect, test } from '@jest/globals';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { useCanaryStepBed } from './canary-step-bed.js';

// The bundled canary-step action driving a real nginx (test, graceful reload): blue-green with a
// smoke check, abort-on-failure, and a dark launch seen by the canary.

const describeIf = serverAvailable('nginx') ? describe : describe.skip;

describeIf('canary-step with nginx', () => {
  const bed = useCanaryStepBed('nginx', { runId: '43', sha: 'b'.repeat(40) });
  const { latestStatus, share } = bed;
  const step = (inputs: Record<string, string>) => bed.step({ 'deployment-id': String(bed.deploymentId), ...inputs });

  test('switch moves 100% after the smoke check passes, switch-back returns it', async () => {
    const switched = await step({ action: 'switch', 'smoke-url': bed.stack.apps.green.url });
    expect(switched.exitCode).toBe(0);
    expect(switched.outputs).toMatchObject({ weight: '100', 'previous-weight': '0' });
    expect(latestStatus()).toMatchObject({ state: 'in_progress', description: 'blue-green switch: 100% on the new version' });
    expect(await share()).toBe(100);
    const back = await step({ action: 'switch-back' });
    expect(back.outputs).toMatchObject({ weight: '0', 'previous-weight': '100' });
    expect(await share()).toBe(0);
  });

  test('a failed smoke check fails the step and, with abort-on-failure, sends the canary share back to stable', async () => {
    expect((await step({ weight: '25' })).exitCode).toBe(0);
    expect(Math.abs((await share()) - 25)).toBeLessThanOrEqual(1.5);
    const failed = await step({ action: 'switch', 'smoke-url': 'http://127.0.0.1:1/healthz' });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toContain('::error::Smoke check failed: GET http://127.0.0.1:1/healthz failed: fetch failed (bad port); traffic was not switched.');
    expect(await share()).toBe(0);
    expect(latestStatus()).toMatchObject({ state: 'error', description: expect.stringContaining('canary step failed at 25%; traffic back on stable: Smoke check') });
  });

  test('with abort-on-failure false a failed step leaves traffic where it was', async () => {
    await step({ weight: '25' });
    const failed = await step({ action: 'switch', 'smoke-url': 'http://127.0.0.1:1/healthz', 'abort-on-failure': 'false' });
    expect(failed.exitCode).toBe(1);
    expect(Math.abs((await share()) - 25)).toBeLessThanOrEqual(1.5);
    expect(latestStatus()).toMatchObject({ state: 'in_progress', description: 'canary 25%' });
  });

  test('mirror-percentage copies requests to the canary while users are answered by stable', async () => {
    const result = await step({ weight: '0', 'mirror-percentage': '100' });
    expect(result.exitCode).toBe(0);
    expect(latestStatus()).toMatchObject({ description: 'canary 0% · mirroring 100%' });
    bed.stack.apps.green.resetSeen();
    expect(await share()).toBe(0);
    const deadline = Date.now() + 3000;
    while (bed.stack.apps.green.seen.mirrored < 1000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bed.stack.apps.green.seen).toMatchObject({ requests: 1000, mirrored: 1000 });
  });
});
