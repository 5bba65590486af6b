import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/core/analysis/clock.js';
import { RecordingLogger } from '../../../src/core/log.js';
import { loadPlan, loopAnalysisRunner, planDigest, runRollout } from '../../../src/core/plan/index.js';
import { PrometheusSource } from '../../../src/core/metrics/prometheus.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { shareBetween } from '../../../testkit/bed/load.js';
import { HistoryBuilder } from '../../support/ledger-history.js';
import { clearStepEnvironment, runRolloutMain } from '../../faults/helpers/rollout-action.js';
import { artifact, ERROR_RATE_METRIC, SHA, useRolloutBed, type RolloutBed } from './environment.js';

// Real plans end to end: HAProxy moves the traffic, Prometheus scrapes both versions every second,
// the judge decides, and the GitHub simulator is the ledger. Each test uses its own environment.
const describeIf = serverAvailable('haproxy') && serverAvailable('prometheus') ? describe : describe.skip;

let bed: RolloutBed;
let environmentCount = 0;

/** The four-step canary of the tests: 20% → analysis → 50% → analysis (then promote). */
function fourStepPlan(overrides = ''): string {
  return `strategy: canary
router: ${bed.routerYaml}
analysis:
  prometheus: ${bed.prometheus!.url}
  interval: 1s
  # The good canary is a null with two analyses: at the default α = 1% it would roll back in about
  # one run of fifty (CI saw it once). At 0.1% the 5× canary is still caught at once.
  alpha: 0.001
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
  metrics:${ERROR_RATE_METRIC}
steps:
  - setWeight: 20
  - analysis: {duration: 40s}
  - setWeight: 50
  - analysis: {duration: 40s}
${overrides}`;
}

async function rollout(text: string, environment: string, logger = new RecordingLogger()) {
  const plan = loadPlan(text, 'plan.yml');
  const source = new PrometheusSource({ url: bed.prometheus!.url });
  return runRollout(
    { plan, planDigest: planDigest(text), environment, artifact: artifact(2), ref: SHA },
    { ledger: bed.ledger(logger), router: bed.router(), analysis: loopAnalysisRunner({ source, logger }), logger },
  );
}

/** An environment whose active version is v1 (deployed and good). */
function environmentWithV1(): { environment: string; v1: number } {
  const environment = `production-${++environmentCount}`;
  const [v1] = new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
  return { environment, v1 };
}

describeIf('rollout plans against HAProxy, Prometheus and the GitHub simulator', () => {
  useRolloutBed({ prometheus: true }, async (started) => {
    bed = started;
    // One direct request makes the canary's series exist before it takes traffic.
    await (await fetch(bed.green.url)).arrayBuffer();
    await bed.underLoad(100, async () => bed.prometheus!.waitForSeries('http_requests_total{version="v2"}'));
  });
  afterEach(() => {
    bed.green.configure({ errorRate: 0.02 });
  });

  test('the rollout action says before any traffic moves what each analysis can detect with the traffic v1 served, and warns where 2× is out of reach', async () => {
    const { environment } = environmentWithV1();
    const dir = mkdtempSync(join(tmpdir(), 'slipway-forecast-'));
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      const plan = fourStepPlan().replace('interval: 1s', 'interval: 1s\n  history: 10s').replace('analysis: {duration: 40s}', 'analysis: {duration: 2s}');
      await bed.underLoad(100, async () => {
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        return runRolloutMain(bed.sim, dir, plan.replace(/\n {2}- setWeight: 50[\s\S]*$/, '\n  - pause: {}\n'), environment, { makeRouter: () => bed.router(), ledger: bed.ledger(), clock: systemClock });
      });
    } finally {
      write.mockRestore();
      clearStepEnvironment();
      rmSync(dir, { recursive: true, force: true });
      await bed.router().abort();
    }
    const log = printed.join('');
    const forecast = log.slice(log.indexOf('::group::Forecast: what each analysis can detect'), log.indexOf('::endgroup::', log.indexOf('::group::Forecast')));
    // Two seconds at 20% of 100 req/s with 2% errors see under one canary error.
    expect(forecast).toMatch(/step 2, analysis 2s at canary 20%: metric 'error-rate' can catch nothing \(detect 2×\) with \d+(\.\d+)? req\/s at \d+(\.\d+)?% errors/);
    // (A workflow command escapes % as %25.)
    expect(forecast).toMatch(/::warning::step 2 \(line 21\), analysis 2s at canary 20%25: .*metric 'error-rate' can catch no regression up to 64× \(too few canary requests or errors\), not its detect 2×/);
    // Said before the first step moved traffic.
    expect(log.indexOf('::group::Forecast')).toBeLessThan(log.indexOf('Step 1/3'));
  });

  test('a good canary goes 20% → 50% → 100% and is promoted, within 25 GitHub requests', async () => {
    const { environment, v1 } = environmentWithV1();
    bed.sim.resetCounts();
    const { result: outcome, report } = await bed.underLoad(200, () => rollout(fourStepPlan(), environment));
    expect(outcome.result).toBe('promoted');
    expect(outcome.steps.map((s) => s.verdict)).toEqual([undefined, 'pass', undefined, 'pass']);
    expect(bed.sim.requests()).toBeLessThanOrEqual(25);
    const deployment = bed.sim.state.deployments.get(outcome.deploymentId)!;
    expect(deployment.payload).toMatchObject({ previousGood: v1, artifact: artifact(2) });
    expect(await bed.router().describe()).toMatchObject({ canaryWeight: 100, stableWeight: 0 });
    expect(report.failures.filter((f) => f.status !== 500)).toEqual([]);
  });

  test('a canary with 5× the errors is rolled back by itself: traffic back on v1, v2 marked failure, v1 active again', async () => {
    const { environment, v1 } = environmentWithV1();
    bed.green.configure({ errorRate: 0.1 });
    bed.sim.resetCounts();
    const { result: outcome, report } = await bed.underLoad(200, async (load) => {
      const outcome = await rollout(fourStepPlan(), environment);
      const backAt = load.now();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return { ...outcome, backAt };
    });
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.reason).toMatch(/^analysis fail/);
    expect(bed.sim.requests()).toBeLessThanOrEqual(25);
    // Measured: after the rollback no request reaches v2.
    expect(shareBetween(report.samples, 'v2', outcome.backAt + 200, report.durationMs)).toMatchObject({ share: 0 });
    expect(shareBetween(report.samples, 'v1', outcome.backAt + 200, report.durationMs).count).toBeGreaterThan(100);
    const ledger = bed.ledger();
    expect((await ledger.getDeployment(outcome.deploymentId))?.latestStatus).toMatchObject({ state: 'failure' });
    const rollback = await ledger.getDeployment(outcome.rollbackDeploymentId!);
    expect(rollback).toMatchObject({ task: 'deploy:rollback', payload: { rollbackOf: outcome.deploymentId, artifact: artifact(1) }, latestStatus: { state: 'success' } });
    expect((await ledger.lastGood(environment))?.id).toBe(rollback!.id);
    expect(v1).toBeLessThan(rollback!.id);
  });

  test('an inconclusive analysis (no traffic, so no data) pauses the rollout where it stands', async () => {
    const { environment } = environmentWithV1();
    const outcome = await rollout(fourStepPlan().replace('{duration: 40s}', '{duration: 4s}'), environment);
    expect(outcome.result).toBe('paused');
    expect(outcome.reason).toContain('analysis inconclusive');
    expect((await bed.router().describe()).canaryWeight).toBe(20);
    const deployment = await bed.ledger().getDeployment(outcome.deploymentId);
    expect(deployment?.latestStatus).toMatchObject({ state: 'in_progress', description: expect.stringMatching(/^canary 20% · step 2\/4 · paused: analysis inconclusive/) });
  });
});
