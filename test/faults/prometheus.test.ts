import { describe, expect, test } from '@jest/globals';
import { RecordingLogger } from '../../src/core/log.js';
import { PrometheusSource } from '../../src/core/metrics/prometheus.js';
import type { MetricSource } from '../../src/core/metrics/types.js';
import { loadPlan, loopAnalysisRunner, planDigest, runRollout, type RolloutOutcome } from '../../src/core/plan/index.js';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { startPrometheus, type RunningPrometheus } from '../../testkit/bed/prometheus.js';
import { HistoryBuilder } from '../support/ledger-history.js';
import { artifact, ERROR_RATE_METRIC, SHA, useRolloutBed, type RolloutBed } from '../integration/rollout/environment.js';
import { measure } from '../integration/traffic/stack.js';
import { startStandInPrometheus, type StandInPrometheus } from './helpers/stand-in-prometheus.js';

// Fault injection, Prometheus side (issue 13.8): the metrics source fails while a rollout judges
// its canary — stopped, slower than the request timeout, or on another clock. Whatever happens,
// the analysis never passes blind, the rollout does not promote, and traffic (measured through
// HAProxy) stands where the deployment's last status says.
const describeIf = serverAvailable('haproxy') && serverAvailable('prometheus') ? describe : describe.skip;

let bed: RolloutBed;
let environments = 0;

/** 20% → analysis → 50% → analysis, judged every second against `prometheus`. */
function plan(prometheus: string, options: { onInconclusive?: 'pause' | 'rollback'; duration?: string } = {}): string {
  const duration = options.duration ?? '60s';
  return `strategy: canary
router: ${bed.routerYaml}
analysis:
  prometheus: ${prometheus}
  interval: 1s
  history: 0
  consecutiveErrorLimit: 3
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
  metrics:${ERROR_RATE_METRIC}
steps:
  - setWeight: 20
  - analysis: {duration: ${duration}}
  - setWeight: 50
  - analysis: {duration: ${duration}}
onInconclusive: ${options.onInconclusive ?? 'pause'}
`;
}

/** An environment whose active version is v1. */
function environmentWithV1(): string {
  const environment = `prometheus-fault-${++environments}`;
  new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
  return environment;
}

async function rollout(text: string, environment: string, source: MetricSource): Promise<RolloutOutcome> {
  const logger = new RecordingLogger();
  return runRollout(
    { plan: loadPlan(text, 'plan.yml'), planDigest: planDigest(text), environment, artifact: artifact(2), ref: SHA },
    { ledger: bed.ledger(logger), router: bed.router(), analysis: loopAnalysisRunner({ source, logger }), logger },
  );
}

/** The canary's share measured through HAProxy over 1,000 requests. */
async function measuredCanaryShare(): Promise<number> {
  return (await measure(bed.haproxy.url, 'v2', 1000)).share;
}

/** Every state the deployment ever had, oldest first, and its latest status. */
function ledgerOf(id: number) {
  const deployment = bed.sim.state.deployments.get(id)!;
  const states = deployment.statuses.map((s) => s.state);
  return { states, latest: deployment.statuses.at(-1)! };
}

/** A PrometheusSource that stops the real server once the first analysis interval has been read. */
function stoppingAfterFirstInterval(prometheus: RunningPrometheus): MetricSource & { stopped: boolean } {
  const real = new PrometheusSource({ url: prometheus.url, retries: 1, retryDelayMs: 50, timeoutMs: 1000 });
  let answered = 0;
  const source = {
    type: 'prometheus',
    stopped: false,
    queryInstant: (query: string, time?: Date) => real.queryInstant(query, time),
    async queryRange(query: string, window: Parameters<MetricSource['queryRange']>[1]) {
      const samples = await real.queryRange(query, window);
      // The first interval reads four counters (errors and requests, canary and baseline).
      if (++answered === 4) {
        await prometheus.stop();
        source.stopped = true;
      }
      return samples;
    },
  };
  return source as MetricSource & { stopped: boolean };
}

describeIf('fault injection: Prometheus', () => {
  useRolloutBed({ prometheus: false }, (started) => {
    bed = started;
  });

  /** A real Prometheus scraping both versions, with the canary's series already there. */
  async function realPrometheus(): Promise<RunningPrometheus> {
    const prometheus = await startPrometheus({ targets: [bed.blue.address, bed.green.address] });
    await (await fetch(bed.green.url)).arrayBuffer();
    await bed.underLoad(50, () => prometheus.waitForSeries('http_requests_total{version="v2"}'));
    return prometheus;
  }

  test('Prometheus down: stopped mid-analysis, the analysis ends inconclusive at its consecutive-error limit, the rollout pauses at 20% as the ledger says, nothing promoted', async () => {
    const prometheus = await realPrometheus();
    try {
      const environment = environmentWithV1();
      const source = stoppingAfterFirstInterval(prometheus);
      const { result: outcome } = await bed.underLoad(100, () => rollout(plan(prometheus.url), environment, source));
      expect(source.stopped).toBe(true);

      expect(outcome.result).toBe('paused');
      expect(outcome.reports).toHaveLength(1);
      const report = outcome.reports[0].report;
      expect(report.verdict).toBe('inconclusive');
      expect(report.reasons.join('\n')).toContain('failed 3 intervals in a row (consecutive error limit 3)');
      expect(report.metrics[0]).toMatchObject({ class: 'error', reason: expect.stringContaining(`Prometheus at ${prometheus.url} is unreachable`) });

      const { states, latest } = ledgerOf(outcome.deploymentId);
      expect(states).not.toContain('success');
      expect(latest).toMatchObject({ state: 'in_progress', description: expect.stringMatching(/^canary 20% · step 2\/4 · paused: analysis inconclusive/) });
      expect((await bed.router().describe()).canaryWeight).toBe(20);
      expect(Math.abs((await measuredCanaryShare()) - 20)).toBeLessThanOrEqual(3);
    } finally {
      await prometheus.stop();
    }
  });

  test('Prometheus down: with onInconclusive: rollback, traffic is back on stable (measured), the deployment marked failure and v1 recorded active again', async () => {
    const prometheus = await realPrometheus();
    try {
      const environment = environmentWithV1();
      const source = stoppingAfterFirstInterval(prometheus);
      const { result: outcome } = await bed.underLoad(100, () => rollout(plan(prometheus.url, { onInconclusive: 'rollback' }), environment, source));

      expect(outcome.result).toBe('rolled-back');
      expect(outcome.reason).toMatch(/^analysis inconclusive/);
      const { states, latest } = ledgerOf(outcome.deploymentId);
      expect(states).not.toContain('success');
      expect(latest).toMatchObject({ state: 'failure', description: expect.stringMatching(/^rolled back: analysis inconclusive/) });
      const rollback = await bed.ledger().getDeployment(outcome.rollbackDeploymentId!);
      expect(rollback).toMatchObject({ task: 'deploy:rollback', payload: { artifact: artifact(1) }, latestStatus: { state: 'success' } });
      expect((await bed.router().describe()).canaryWeight).toBe(0);
      expect(await measuredCanaryShare()).toBe(0);
    } finally {
      await prometheus.stop();
    }
  });

  describe('with a stand-in Prometheus', () => {
    let stand: StandInPrometheus | undefined;
    afterEach(async () => {
      await stand?.close();
      stand = undefined;
    });

    /** Both versions serving 100 req/s at 2% errors for the last hour and on. */
    const equalTraffic = () => {
      const since = Date.now() - 3_600_000;
      return { v1: [{ from: since, to: Infinity, rps: 100, errorRatio: 0.02 }], v2: [{ from: since, to: Infinity, rps: 100, errorRatio: 0.02 }] };
    };

    test('Prometheus slow: answers slower than the request timeout are errors, never a pass; the rollout rolls back and traffic is measured on stable', async () => {
      stand = await startStandInPrometheus({ traffic: equalTraffic() });
      const slow = stand;
      // The first interval is answered at once; from then on every answer takes 3 s.
      slow.onRangeQuery = (count) => void (count > 4 && (slow.delayMs = 3000));
      const source = new PrometheusSource({ url: slow.url, timeoutMs: 400, retries: 1, retryDelayMs: 50 });
      const outcome = await rollout(plan(slow.url, { onInconclusive: 'rollback' }), environmentWithV1(), source);

      expect(outcome.result).toBe('rolled-back');
      const report = outcome.reports[0].report;
      expect(report.verdict).toBe('inconclusive');
      expect(report.metrics[0]).toMatchObject({ class: 'error', reason: expect.stringContaining('no answer within 400 ms') });
      expect(report.reasons.join('\n')).toContain('consecutive error limit 3');
      const { states, latest } = ledgerOf(outcome.deploymentId);
      expect(states).not.toContain('success');
      expect(latest).toMatchObject({ state: 'failure', description: expect.stringMatching(/^rolled back: analysis inconclusive/) });
      expect((await bed.ledger().getDeployment(outcome.rollbackDeploymentId!))?.latestStatus?.state).toBe('success');
      expect(await measuredCanaryShare()).toBe(0);
    });

    test.each([
      ['behind', -10],
      ['ahead', 10],
    ])('clock skew between runner and Prometheus: a server 10 minutes %s is refused before the analysis judges anything; traffic back on stable (measured), the deployment error, nothing promoted', async (_way, minutes) => {
      const now = Date.now();
      stand = await startStandInPrometheus({
        skewMs: minutes * 60_000,
        traffic: {
          v1: [{ from: now - 3_600_000, to: Infinity, rps: 200, errorRatio: 0.02 }],
          // An earlier look at v2 went well; since now it errs 5× more. A window read on the wrong
          // clock would judge the earlier samples.
          v2: [
            { from: now - 12 * 60_000, to: now - 8 * 60_000, rps: 200, errorRatio: 0.02 },
            { from: now, to: Infinity, rps: 200, errorRatio: 0.1 },
          ],
        },
      });
      const source = new PrometheusSource({ url: stand.url, retries: 0 });
      const environment = environmentWithV1();
      await expect(rollout(plan(stand.url, { duration: '30s' }), environment, source)).rejects.toThrow(/server's clock is \d+ s (ahead of|behind) the runner's.*Fix: synchronise both clocks/);

      const deployment = [...bed.sim.state.deployments.values()].filter((d) => d.environment === environment).at(-1)!;
      const { states, latest } = ledgerOf(deployment.id);
      expect(states).not.toContain('success');
      expect(latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 2\/4; traffic back on stable: The prometheus server's clock/) });
      expect((await bed.router().describe()).canaryWeight).toBe(0);
      expect(await measuredCanaryShare()).toBe(0);
    });
  });
});
