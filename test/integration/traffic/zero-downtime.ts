import { expect } from '@jest/globals';
import { shareBetween, startLoad } from '../../../src/testbed/load.js';
import type { TrafficState } from '../../../src/core/traffic/types.js';
import { blueGreenSwitch, blueGreenSwitchBack, httpSmokeCheck } from '../../../src/core/traffic/strategies.js';
import type { TrafficStack } from './stack.js';

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
const HOLD_MS = 5400;

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
  const hold = () => new Promise((resolve) => setTimeout(resolve, HOLD_MS));
  const step = async (label: string, canaryVersion: string, change: () => Promise<TrafficState>, target: number) => {
    const before = load.now();
    if (steps.length > 0) steps[steps.length - 1].to = before;
    const state = await change();
    expect(state.canaryWeight).toBe(target);
    steps.push({ label, target, canaryVersion, from: load.now(), to: Infinity });
    await hold();
  };
  try {
    for (const weight of [0, 5, 25, 50]) await step(`rollout ${weight}%`, 'v2', () => first.setCanaryWeight(weight), weight);
    await step('rollout 100% (promote)', 'v2', () => first.promote(), 100);
    // Deploy v3 into the idle blue slot (weight 0, no traffic), then roll it out from v2.
    await stack.redeploy('blue', 'v3');
    for (const weight of [5, 25]) await step(`second rollout ${weight}%`, 'v3', () => second.setCanaryWeight(weight), weight);
    await step('aborted at 25%', 'v3', () => second.abort(), 0);
    await step('blue-green switch', 'v3', () => blueGreenSwitch(second, httpSmokeCheck(stack.apps.blue.url)), 100);
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
