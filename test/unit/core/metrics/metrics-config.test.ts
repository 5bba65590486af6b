import { describe, expect, test } from '@jest/globals';
import { parseMetricsYaml, validateMetrics } from '../../../../src/core/metrics/metrics-config.js';

const YAML = `
- name: error-rate
  kind: rate
  errors: 'sum(http_requests_total{{{selector}}, code=~"5.."}) or vector(0)'
  requests: 'sum(http_requests_total{{{selector}}})'
  critical: true
  allowedIncrease: 50%
  negligibleErrorRate: 0.05%
- name: latency
  kind: continuous
  query: 'sum(rate(http_request_duration_seconds_sum{{{selector}}}[{{interval}}])) / sum(rate(http_request_duration_seconds_count{{{selector}}}[{{interval}}]))'
  allowedIncrease: 10%
  criticalIncrease: 50
  weight: 2
- name: error-slo
  kind: threshold
  query: 'up{{{selector}}}'
  thresholds: {min: 1}
  failureLimit: 2
`;

describe('metric definitions', () => {
  test('parses the three kinds with their defaults', () => {
    expect(parseMetricsYaml(YAML, "input 'metrics'")).toEqual([
      {
        name: 'error-rate',
        kind: 'rate',
        direction: 'increase',
        critical: true,
        weight: 1,
        muted: false,
        errors: 'sum(http_requests_total{{{selector}}, code=~"5.."}) or vector(0)',
        requests: 'sum(http_requests_total{{{selector}}})',
        allowedRatio: 1.5,
        negligibleRate: 0.0005,
      },
      {
        name: 'latency',
        kind: 'continuous',
        direction: 'increase',
        critical: false,
        weight: 2,
        muted: false,
        query: 'sum(rate(http_request_duration_seconds_sum{{{selector}}}[{{interval}}])) / sum(rate(http_request_duration_seconds_count{{{selector}}}[{{interval}}]))',
        allowedIncrease: 10,
        criticalIncrease: 50,
      },
      { name: 'error-slo', kind: 'threshold', direction: 'increase', critical: false, weight: 1, muted: false, query: 'up{{{selector}}}', min: 1, failureLimit: 2 },
    ]);
  });

  test('a metric can be muted: judged and shown, never counted', () => {
    const text = '- {name: errors, kind: threshold, query: "x{{{selector}}}", thresholds: {max: 1}}\n- {name: new-latency, kind: continuous, query: "x{{{selector}}}", muted: true}';
    expect(parseMetricsYaml(text, "input 'metrics'")[1]).toMatchObject({ name: 'new-latency', muted: true });
  });

  test('a list where every metric is muted is refused, as the judge would refuse it mid-analysis', () => {
    expect(() => parseMetricsYaml('- {name: new-latency, kind: continuous, query: "x{{{selector}}}", muted: true}', "input 'metrics'")).toThrow(
      "input 'metrics': every metric is muted, and a muted metric never decides. Fix: unmute one, or add one that gates the rollout.",
    );
  });

  test('accepts a mapping with a metrics list (the rollout plan shape)', () => {
    expect(validateMetrics({ metrics: [{ name: 'm', kind: 'continuous', query: 'x{{{selector}}}' }] }, 'plan analysis')).toHaveLength(1);
  });

  test.each([
    ['', "input 'metrics': expected a non-empty list of metrics"],
    ['a: [', "input 'metrics': not valid YAML"],
    ['- {kind: rate}', "input 'metrics': metrics[0]: field name: expected a name"],
    ['- {name: m, kind: ratio}', 'metrics[0] "m": field kind: expected rate, latency, continuous or threshold, got "ratio".'],
    ['- {name: m, kind: rate, errors: "x{{{selector}}}"}', 'metrics[0] "m": field requests: expected a PromQL query template'],
    ['- {name: m, kind: rate, errors: "x", requests: "y", query: "z"}', 'metrics[0] "m": unknown field query; a rate metric has name, kind, direction, critical, weight, muted, errors, requests, allowedIncrease, negligibleErrorRate, detect.'],
    ['- {name: m, kind: continuous, query: x, allowedIncrease: ten}', 'metrics[0] "m": field allowedIncrease: expected a percentage ≥ 0 such as 10%, got "ten".'],
    ['- {name: m, kind: rate, errors: x, requests: y, allowedIncrease: 0%}', 'metrics[0] "m": field allowedIncrease: expected a percentage above 0 such as 10%, got "0%".'],
    ['- {name: m, kind: continuous, query: x, direction: up}', 'metrics[0] "m": field direction: expected one of increase, decrease, either, got "up".'],
    ['- {name: m, kind: continuous, query: x, critical: "yes"}', 'metrics[0] "m": field critical: expected true or false'],
    ['- {name: m, kind: continuous, query: x, weight: -1}', 'metrics[0] "m": field weight: expected a number ≥ 0, got -1.'],
    ['- {name: m, kind: continuous, query: x, minSamples: 2.5}', 'field minSamples: expected a whole number ≥ 1'],
    ['- {name: m, kind: continuous, query: "x{{{canry}}}"}', 'metrics[0] "m": field query: unknown placeholder {{canry}}'],
    ['- {name: m, kind: threshold, query: x}', 'metrics[0] "m": field thresholds: expected {min: <number>} and/or {max: <number>}, got undefined.'],
    ['- {name: m, kind: threshold, query: x, thresholds: {min: 2, max: 1}}', 'field thresholds: min 2 is above max 1.'],
    ['- {name: m, kind: threshold, query: x, thresholds: {max: "1%"}}', 'metrics[0] "m": thresholds: field max: expected a number'],
    ['- {name: m, kind: continuous, query: x}\n- {name: m, kind: continuous, query: y}', 'metric name "m" is used twice'],
  ])('rejects %j naming the metric and the field', (yaml, message) => {
    expect(() => parseMetricsYaml(yaml, "input 'metrics'")).toThrow(message);
  });
});
