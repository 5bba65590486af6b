import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { serverAvailable } from '../../../src/testbed/binaries.js';
import { startStack, type TrafficStack } from './stack.js';
import { runAcceptanceScenario } from './zero-downtime.js';

const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

describeIf('haproxy under a steady 400 req/s stream', () => {
  let stack: TrafficStack;
  beforeAll(async () => {
    stack = await startStack('haproxy');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('a rollout, an aborted rollout and a blue-green switch and back lose no request and split within 2 points at every step', async () => {
    const { steps, retries } = await runAcceptanceScenario(stack);
    console.log(`haproxy: ${steps.map((s) => `${s.label}: ${s.share.toFixed(2)}% of ${s.count}`).join('; ')}; connection retries ${retries}`);
    for (const step of steps) {
      expect(step.count).toBeGreaterThanOrEqual(2000);
      expect(Math.abs(step.share - step.target)).toBeLessThanOrEqual(2);
    }
  });
});
