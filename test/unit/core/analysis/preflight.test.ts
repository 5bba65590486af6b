import { describe, expect, test } from '@jest/globals';
import { preflightQueries } from '../../../../src/core/analysis/preflight.js';
import { parseMetricsYaml } from '../../../../src/core/metrics/metrics-config.js';
import { parseSelector } from '../../../../src/core/metrics/template.js';
import type { MetricSource } from '../../../../src/core/metrics/types.js';

const metrics = parseMetricsYaml(
  `- {name: errors, kind: rate, errors: 'sum(errors{{{selector}}})', requests: 'sum(requests{{{selector}}})'}
- {name: cpu, kind: threshold, query: 'max(cpu{{{selector}}})', thresholds: {max: 1}}`,
  'test',
);
const analysis = { metrics, canary: parseSelector('version="v2"', 'c'), baseline: parseSelector('version="v1"', 'b'), intervalSeconds: 60 };

describe('the preflight', () => {
  test('asks every query once for the baseline; no data is fine', async () => {
    const asked: string[] = [];
    const source: MetricSource = { type: 'test', queryRange: async () => [], queryInstant: async (q) => (asked.push(q), NaN) };
    await expect(preflightQueries(source, analysis)).resolves.toBe(3);
    expect(asked.sort()).toEqual(['max(cpu{version="v1"})', 'sum(errors{version="v1"})', 'sum(requests{version="v1"})']);
  });

  test('a query the source cannot answer fails it, naming the source, the metric, the field and the query', async () => {
    const source: MetricSource = {
      type: 'datadog',
      queryRange: async () => [],
      queryInstant: async (q) => {
        if (q.startsWith('max(cpu')) throw new Error('HTTP 400: unknown function max');
        return 0;
      },
    };
    await expect(preflightQueries(source, analysis)).rejects.toThrow('The datadog source cannot answer metric "cpu" field query (max(cpu{version="v1"})): HTTP 400: unknown function max');
  });
});
