import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { shareBetween, startLoad } from '../../../testkit/bed/load.js';
import type { TrafficState } from '../../../src/core/traffic/types.js';
import { httpSmokeCheck } from '../../../src/core/plan/smoke-check.js';
import { blueGreenSwitch, blueGreenSwitchBack } from '../../../src/core/traffic/strategies.js';
import { startStack, type TrafficStack } from './stack.js';

/** One measured step of the scenario. */
interface Step {
  label: string;
  /** Canary weight expected in force, and the version that is the canary. */
  target: number;
  canaryVersion: string;
  /** Timeline window: from the change's return to the next change's start. */
  from: number;
  to: number;
}

const RATE = 400;
/** Requests each step holds for: a count, not a time, so a loaded machine only makes the steps longer. */
const HOLD_REQUESTS = 2100;
const MAX_HOLD_MS = 60_000;

/**
 * The acceptance run of issue 4 against one proxy, under a steady 400 req/s stream: a rollout
 * 0 → 5 → 25 → 50 → 100 and promote; a second version deployed into the idle slot, rolled out to
 * 25 and aborted; then a blue-green switch and switch back. Returns the per-step shares measured.
 */
export async function runAcceptanceScenario(stack: TrafficStack): Promise<{ steps: (Step & { count: number; share: number })[]; retries: number }> {
  const first = stack.router({ stable: 'blue', canary: 'green' });
  const second = stack.router({ stable: 'green', canary: 'blue' });
  const load = startLoad({ url: stack.url, rate: RATE });
  const steps: Step[] = [];
  const hold = async (fromMs: number) => {
    const until = Date.now() + MAX_HOLD_MS;
    while (load.answeredSince(fromMs) < HOLD_REQUESTS && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const step = async (label: string, canaryVersion: string, change: () => Promise<TrafficState>, target: number) => {
    const before = load.now();
    if (steps.length > 0) steps[steps.length - 1].to = before;
    const state = await change();
    expect(state.canaryWeight).toBe(target);
    const from = load.now();
    steps.push({ label, target, canaryVersion, from, to: Infinity });
    await hold(from);
  };
  try {
    for (const weight of [0, 5, 25, 50]) await step(`rollout ${weight}%`, 'v2', () => first.setCanaryWeight(weight), weight);
    await step('rollout 100% (promote)', 'v2', () => first.promote(), 100);
    // Deploy v3 into the idle blue slot (weight 0, no traffic), then roll it out from v2.
    await stack.redeploy('blue', 'v3');
    for (const weight of [5, 25]) await step(`second rollout ${weight}%`, 'v3', () => second.setCanaryWeight(weight), weight);
    await step('aborted at 25%', 'v3', () => second.abort(), 0);
    await step('blue-green switch', 'v3', () => blueGreenSwitch(second, () => httpSmokeCheck({ url: stack.apps.blue.url })), 100);
    await step('switch back', 'v3', () => blueGreenSwitchBack(second), 0);
  } finally {
    steps[steps.length - 1].to = load.now();
    await load.stop();
  }
  const report = await load.done;
  expect(report.failures).toEqual([]);
  return {
    retries: report.connectionRetries,
    steps: steps.map((s) => ({ ...s, ...shareBetween(report.samples, s.canaryVersion, s.from, s.to) })),
  };
}

/**
 * The acceptance suite for one proxy. Each proxy has its own test file calling this, so Jest runs
 * the two (about a minute each) on its two workers side by side.
 */
export function zeroDowntimeSuite(provider: 'haproxy' | 'nginx'): void {
  const describeIf = serverAvailable(provider) ? describe : describe.skip;
  describeIf(`${provider} under a steady ${RATE} req/s stream`, () => {
    let stack: TrafficStack;
    beforeAll(async () => {
      stack = await startStack(provider);
    });
    afterAll(async () => {
      await stack?.stop();
    });

    test('a rollout, an aborted rollout and a blue-green switch and back lose no request and split within 2 points at every step', async () => {
      const { steps, retries } = await runAcceptanceScenario(stack);
      console.log(`${provider}: ${steps.map((s) => `${s.label}: ${s.share.toFixed(2)}% of ${s.count}`).join('; ')}; connection retries ${retries}`);
      for (const step of steps) {
        expect(step.count).toBeGreaterThanOrEqual(2000);
        expect(Math.abs(step.share - step.target)).toBeLessThanOrEqual(2);
      }
    });
  });
}
