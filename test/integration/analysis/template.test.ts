import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runAnalysis } from '../../../src/core/analysis/loop.js';
import { parseAnalysisTemplate, renderAnalysisTemplate } from '../../../src/core/metrics/analysis-template.js';
import { PrometheusSource } from '../../../src/core/metrics/prometheus.js';
import { parseSelector, renderTemplate } from '../../../src/core/metrics/template.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startAnalysisBed, type AnalysisBed } from '../../support/analysis-bed.js';

// An analysis run from a template against the real Prometheus: the arguments reach the queries
// Prometheus answers, and a hostile argument value stays one label value there.

const describeIf = serverAvailable('prometheus') ? describe : describe.skip;

const TEMPLATE = parseAnalysisTemplate(
  `args:
  - name: counter
  - name: error-codes
    value: 5..
metrics:
  - name: error-rate
    kind: rate
    critical: true
    allowedIncrease: 100%
    errors: 'sum({{args.counter}}{{{selector}}, code=~"{{args.error-codes}}"}) or vector(0)'
    requests: 'sum({{args.counter}}{{{selector}}})'
`,
  'http.yml',
);

describeIf('an analysis from a template against the real Prometheus', () => {
  let bed: AnalysisBed;
  let source: PrometheusSource;

  beforeAll(async () => {
    bed = await startAnalysisBed([{ version: 'tpl-v1', errorRate: 0.02 }, { version: 'tpl-v2', errorRate: 0.1 }], 100);
    source = new PrometheusSource({ url: bed.prometheus.url, retries: 1, retryDelayMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 3000));
  });

  afterAll(() => bed?.stop());

  test('the filled template judges a canary with 5x the errors: it fails early', async () => {
    const result = await runAnalysis({
      source,
      metrics: renderAnalysisTemplate(TEMPLATE, { counter: 'http_requests_total' }, 'test args'),
      canary: parseSelector('version="tpl-v2"', 'canary-selector'),
      baseline: parseSelector('version="tpl-v1"', 'baseline-selector'),
      durationSeconds: 25,
      intervalSeconds: 1,
      config: { alpha: 0.001 },
    });
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'fail' });
    expect(result.report.metrics[0]).toMatchObject({ name: 'error-rate', class: 'high' });
    expect(result.stoppedEarly).toBe(true);
  });

  test('a quote and a } in an argument stay inside the label value: Prometheus matches no series rather than adding "or vector(1)"', async () => {
    const [metric] = renderAnalysisTemplate(TEMPLATE, { counter: 'http_requests_total', 'error-codes': '5.."} or vector(1) or up{a="' }, 'test args');
    const selector = parseSelector('version="tpl-v2"', 'canary-selector');
    const errors = renderTemplate(metric.kind === 'rate' ? metric.errors : '', { selector, canary: selector, baseline: selector, intervalSeconds: 1 }, 'test');
    expect(errors).toBe('sum(http_requests_total{version="tpl-v2", code=~"5..\\"} or vector(1) or up{a=\\""}) or vector(0)');
    // Spliced in naively, this would be 1 (vector(1)); escaped, no series matches and `or vector(0)` answers.
    expect(await source.queryInstant(errors)).toBe(0);
    const honest = renderTemplate(metric.kind === 'rate' ? metric.requests : '', { selector, canary: selector, baseline: selector, intervalSeconds: 1 }, 'test');
    expect(await source.queryInstant(honest)).toBeGreaterThan(0);
  });
});
