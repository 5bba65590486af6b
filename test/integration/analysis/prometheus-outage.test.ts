import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runAnalysis } from '../../../src/core/analysis/loop.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { PrometheusSource } from '../../../src/core/metrics/prometheus.js';
import { parseSelector } from '../../../src/core/metrics/template.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { ERROR_RATE_QUERIES, startAnalysisBed, type AnalysisBed } from '../../support/analysis-bed.js';

// Prometheus stops in the middle of an analysis of two equal versions: whatever the data said
// before, the analysis must end in on-no-data's verdict, never in a pass, and it ends once the
// source has failed four intervals in a row instead of judging blind until the duration runs out.

const describeIf = serverAvailable('prometheus') ? describe : describe.skip;

const METRICS = parseMetricsYaml(
  `
- name: error-rate
  kind: rate
  allowedIncrease: 100%
  ${ERROR_RATE_QUERIES}
`,
  'test metrics',
);

describeIf('an analysis whose Prometheus stops mid-way', () => {
  let bed: AnalysisBed;

  beforeAll(async () => {
    bed = await startAnalysisBed([{ version: 'v1', errorRate: 0.05 }, { version: 'v2', errorRate: 0.05 }], 20);
  });

  afterAll(() => bed?.stop());

  test('gives inconclusive or fail as on-no-data says, never pass, naming the unreachable Prometheus', async () => {
    const { prometheus } = bed;
    const source = new PrometheusSource({ url: prometheus.url, retries: 1, retryDelayMs: 100, timeoutMs: 1000 });
    const analyse = (onNoData: 'fail' | 'inconclusive') =>
      runAnalysis({
        source,
        metrics: METRICS,
        canary: parseSelector('version="v2"', 'canary-selector'),
        baseline: parseSelector('version="v1"', 'baseline-selector'),
        durationSeconds: 10,
        intervalSeconds: 1,
        config: { onNoData },
        onProgress: async ({ interval }) => {
          if (interval === 3) await prometheus.stop();
        },
      });
    const [inconclusive, fail] = await Promise.all([analyse('inconclusive'), analyse('fail')]);

    expect(inconclusive.report.verdict).toBe('inconclusive');
    expect(fail.report.verdict).toBe('fail');
    for (const result of [inconclusive, fail]) {
      // Three good intervals, then four failed ones in a row: the consecutive error limit stops it.
      expect(result).toMatchObject({ intervals: 7, stoppedEarly: true, stopReason: expect.stringContaining("failed 4 intervals in a row") });
      expect(result.report.metrics[0]).toMatchObject({ class: 'error', reason: expect.stringContaining(`Prometheus at ${prometheus.url} is unreachable: ECONNREFUSED`) });
      // What was read before the outage stays in the series for the charts.
      expect(result.series[0].counts!.canary.requests.slice(0, 2).every((n) => n > 0)).toBe(true);
    }
  });
});
