import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan, PlanError } from '../../src/core/plan/index.js';
import { startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';
import { RouterDouble } from '../unit/core/plan/doubles.js';
import { clearStepEnvironment, runRolloutMain } from './helpers/rollout-action.js';
import { createRouter } from '../../src/core/traffic/index.js';
import type { TrafficRouter } from '../../src/core/traffic/types.js';

// Plan values (issue 13.1): a plan that passes validation never fails later for a value it
// accepted. Each plan below used to pass validation and fail once its deployment existed (a
// fractional weight at the router, alpha 0.5 or an all-muted list at the judge, a window Prometheus
// will not answer, a 600 h pause overflowing the timer and promoting at once). Each is refused at
// validation, naming the plan line, before any request to GitHub or the router: through the root
// rollout action, and through loadPlan, the entry of runRollout.

const ANALYSIS = `analysis:
  prometheus: http://127.0.0.1:9
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
  metrics:
    - {name: error-rate, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}
`;
const plan = (body: string) => `strategy: canary\nrouter: {provider: double}\n${body}`;

let sim: GitHubSimulator;
let dir: string;
let count = 0;

/** Runs the root rollout action in this process against the simulator with `router`; the error it fails with, if any. */
async function runAction(planText: string, environment: string, router: TrafficRouter): Promise<Error | undefined> {
  return (await runRolloutMain(sim, dir, planText, environment, { makeRouter: () => router })).error;
}

const deploymentsOf = (environment: string) => [...sim.state.deployments.values()].filter((d) => d.environment === environment);

beforeAll(async () => {
  sim = await startGitHubSimulator();
  dir = mkdtempSync(join(tmpdir(), 'slipway-plan-values-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(clearStepEnvironment);

describe('values a plan accepts are values every later stage accepts', () => {
  test.each([
    ['fractional weight: `setWeight: 12.5`, which every router refuses,', plan('steps:\n  - setWeight: 12.5\n'), "input 'plan' line 4: steps[0].setWeight: 12.5 is not a whole number from 0 to 100. Fix: routers take whole percents: use 12 or 13"],
    ['fractional weight: `setMirrorRoute: {percentage: 2.5}`, which every mirroring router refuses,', plan('steps:\n  - setWeight: 10\n  - setMirrorRoute: {name: mirror, percentage: 2.5}\n'), "input 'plan' line 5: steps[1].setMirrorRoute.percentage: 2.5 is not a whole number from 0 to 100. Fix: routers take whole percents: use 2 or 3"],
    [
      'timer overflow: `pause: {duration: 600h}`, which overflowed the timer and promoted within seconds,',
      plan('steps:\n  - setWeight: 10\n  - pause: {duration: 600h}\n  - setWeight: 100\n'),
      "input 'plan' line 5: steps[1].pause.duration: 600h is not a duration of at most 6h. Fix: a GitHub-hosted job runs at most 6 hours (jobs.<id>.timeout-minutes, 360 minutes); use an open-ended `pause: {}` and resume with a later run",
    ],
    [
      'alpha at its bound: `alpha: 0.5`, which the judge refuses at the first interval,',
      plan(`${ANALYSIS.replace('analysis:\n', 'analysis:\n  alpha: 0.5\n')}steps:\n  - setWeight: 10\n  - analysis: {duration: 2m}\n`),
      "input 'plan' line 4: analysis.alpha: 0.5 is not a false-alarm rate above 0 and below 0.5. Fix: use e.g. 0.01 for a 1% false-alarm rate (the default), 0.05 for 5%",
    ],
    [
      'analysis past Prometheus resolution: `{duration: 6h, interval: 1s}`, a window Prometheus refuses after 11,000 intervals,',
      plan(`${ANALYSIS}steps:\n  - setWeight: 10\n  - analysis: {duration: 6h, interval: 1s}\n`),
      "input 'plan' line 11: steps[1].analysis: interval 1s is not at least 2s for a 6h analysis. Fix: Prometheus answers at most 11,000 points per query: lengthen the interval or shorten the duration",
    ],
    [
      'every metric muted: a list the judge refuses at the first interval,',
      plan(`${ANALYSIS.replace("requests: 'sum(r{{{selector}}})'}", "requests: 'sum(r{{{selector}}})', muted: true}")}steps:\n  - setWeight: 10\n  - analysis: {duration: 2m}\n`),
      "input 'plan' line 7: analysis.metrics: every metric is muted, and a muted metric never decides. Fix: unmute one, or add one that gates the rollout.",
    ],
  ])('%s is refused at validation naming the plan line, and no deployment is created', async (_scenario, planText, message) => {
    const environment = `production-${++count}`;
    expect(() => loadPlan(planText, "input 'plan'")).toThrow(message);

    sim.resetCounts();
    const router = new RouterDouble();
    const error = await runAction(planText, environment, router);
    expect(error).toBeInstanceOf(PlanError);
    expect(error?.message).toBe(message);
    expect(sim.requests()).toBe(0);
    expect(deploymentsOf(environment)).toEqual([]);
    expect(router.calls).toEqual([]);
  });

  test('timer overflow: at the bound, a 6 h pause is accepted and the rollout runs through it to promotion (on a virtual clock)', async () => {
    const environment = `production-${++count}`;
    const router = new RouterDouble();
    const error = await runAction(plan('steps:\n  - setWeight: 12\n  - pause: {duration: 6h}\n  - setWeight: 100\n'), environment, router);
    expect(error).toBeUndefined();
    expect(deploymentsOf(environment)).toHaveLength(1);
    expect(router.calls).toEqual(expect.arrayContaining(['setCanaryWeight 12', 'setCanaryWeight 100', 'promote']));
  });

  test('header route the router cannot express: HAProxy routes on the header its ACL reads (x-canary), the plan on x-user: refused before any request, naming the plan line', async () => {
    const environment = `production-${++count}`;
    sim.resetCounts();
    // A real HAProxy router; its socket is never reached.
    const router = createRouter('haproxy', { socket: join(dir, 'no-such.sock'), backend: 'app', stable: 'v1', canary: 'v2', routeAcl: '/etc/haproxy/canary.acl' });
    const error = await runAction(plan('steps:\n  - setWeight: 10\n  - setHeaderRoute: {name: canary-header, match: [{headerName: x-user, headerValue: {exact: beta}}]}\n  - setWeight: 100\n'), environment, router);
    expect(error?.message).toBe(
      "The plan does not fit the haproxy router; nothing was changed.\nplan line 5: steps[1].setHeaderRoute: The HAProxy route ACL matches the header 'x-canary', not header 'x-user'. Fix: route on 'x-canary', or set router.routeHeader to the header your haproxy.cfg ACL reads.",
    );
    expect(sim.requests()).toBe(0);
    expect(deploymentsOf(environment)).toEqual([]);
  });
});
