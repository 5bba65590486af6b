import { describe, expect, test } from '@jest/globals';
import { dryRun } from '../../../../src/core/plan/dry-run.js';
import { loadPlan } from '../../../../src/core/plan/index.js';
import { problemsOf } from './problems.js';

// A plan's metric source: `analysis.source: {<type>: {…}}`, or `prometheus: <URL>` for short.

const plan = (source: string, metrics = `- {name: error-rate, kind: rate, errors: 'sum(errors{{{selector}}})', requests: 'sum(requests{{{selector}}})'}`, selector = 'version="v2"') => `router: {provider: haproxy, socket: /run/haproxy/admin.sock, backend: app, stable: v1, canary: v2}
analysis:
${source}
  canarySelector: '${selector}'
  baselineSelector: 'version="v1"'
  metrics:
    ${metrics}
steps:
  - setWeight: 5
  - analysis: {duration: 2m}
`;

describe('a plan names its metric source', () => {
  test('`prometheus:` is the short form of a Prometheus source', () => {
    expect(loadPlan(plan('  prometheus: http://127.0.0.1:9090'), 'plan.yml').analysis!.source).toEqual({ type: 'prometheus', delaySeconds: 0, url: 'http://127.0.0.1:9090', headers: {} });
  });

  test('`source:` names any source type with its settings', () => {
    const parsed = loadPlan(plan('  source: {prometheus: {url: http://127.0.0.1:9090, headers: {X-Scope-OrgID: shop}}}'), 'plan.yml');
    expect(parsed.analysis!.source).toEqual({ type: 'prometheus', delaySeconds: 0, url: 'http://127.0.0.1:9090', headers: { 'X-Scope-OrgID': 'shop' } });
    expect(dryRun(parsed).join('\n')).toContain('Analysis: prometheus at http://127.0.0.1:9090, every 1m');
  });

  test('the dry run says when a source is read later than the interval ends', () => {
    const nrql = `- {name: errors, kind: rate, errors: "SELECT count(*) FROM Transaction WHERE {{selector}} AND error IS true", requests: "SELECT count(*) FROM Transaction WHERE {{selector}}"}`;
    expect(dryRun(loadPlan(plan('  source: {newrelic: {accountId: 42, region: eu}}', nrql), 'plan.yml')).join('\n')).toContain('Analysis: newrelic account 42 (eu), every 1m (each read 1m after it ends),');
  });

  test('a bad source is reported at its line with the field and the fix', () => {
    expect(problemsOf(plan('  source: {newrelic: {accountId: abc}}'))).toContain('plan.yml line 3: analysis.source: newrelic: field accountId: expected your New Relic account id');
    expect(problemsOf(plan('  source: {influxdb: {url: http://x}}'))).toContain('expected a mapping with one key, the source type (prometheus, web, datadog, cloudwatch, newrelic)');
  });

  test('one source: both forms at once are refused, and neither names where to read', () => {
    expect(problemsOf(plan('  prometheus: http://127.0.0.1:9090\n  source: {cloudwatch: {region: eu-west-1}}'))).toContain('give the metric source once: `source:` or `prometheus:`');
    expect(problemsOf(plan('  interval: 1m'))).toContain('analysis.prometheus: name the metric source: `prometheus: <URL>`, or `source:` with one of prometheus, web, datadog, cloudwatch, newrelic');
  });

  test("the action's prometheus input replaces the plan's source, whatever its type", () => {
    const parsed = loadPlan(plan('  source: {cloudwatch: {region: eu-west-1}}'), 'plan.yml', { prometheus: 'http://127.0.0.1:9999' });
    expect(parsed.analysis!.source).toEqual({ type: 'prometheus', delaySeconds: 0, url: 'http://127.0.0.1:9999', headers: {} });
  });

  test("metrics and selectors are checked in the source's query language before anything runs", () => {
    const nrql = `- {name: errors, kind: rate, errors: "SELECT count(*) FROM Transaction WHERE {{selector}} AND error IS true", requests: "SELECT count(*) FROM Transaction WHERE {{selector}}"}`;
    expect(loadPlan(plan('  source: {newrelic: {accountId: 42}}', nrql), 'plan.yml').analysis!.metrics[0]).toMatchObject({ kind: 'rate' });
    // A PromQL-only placement: {{version}} in double quotes is not an NRQL string.
    expect(problemsOf(plan('  source: {newrelic: {accountId: 42}}', `- {name: cpu, kind: threshold, query: 'SELECT max(cpu) FROM Sample WHERE v = "{{version}}"', thresholds: {max: 1}}`))).toContain('{{version}} must stand inside a single-quoted string');
    // Datadog filters by tags: a regex matcher cannot be written.
    const datadog = `- {name: errors, kind: rate, errors: 'sum:trace.http.request.errors{{{selector}}}.as_count()', requests: 'sum:trace.http.request.hits{{{selector}}}.as_count()'}`;
    expect(problemsOf(plan('  source: {datadog: {}}', datadog, 'version=~"v2.*"'))).toMatch(/analysis\.canarySelector: .*=~/);
    // A latency metric counts a Prometheus histogram's buckets.
    expect(problemsOf(plan('  source: {datadog: {}}', '- {name: slow, kind: latency, histogram: http_request_duration_seconds, slowerThan: 300ms}'))).toContain('kind latency counts a Prometheus histogram\'s buckets, and this source speaks');
  });
});
