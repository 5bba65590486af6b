import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getInputs } from '../../../../src/actions/analyze/inputs.js';
import { loadPlan } from '../../../../src/core/plan/index.js';

// The analyze action's `metrics` may name an analysis template and `args` fill it: the
// same file a plan's `analysis.template` names, giving the same metrics.

const EXAMPLE = 'examples/analysis/http-service.yml';

function withInputs(inputs: Record<string, string>) {
  const required = { prometheus: 'http://prometheus:9090', 'canary-selector': 'version="v2"', 'baseline-selector': 'version="v1"' };
  for (const [name, value] of Object.entries({ ...required, ...inputs })) process.env[`INPUT_${name.toUpperCase()}`] = value;
}
afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slipway-analyze-template-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const planWith = (analysis: string) => `router: {provider: haproxy, socket: /run/haproxy/admin.sock, backend: app, stable: v1, canary: v2}
analysis:
  prometheus: http://127.0.0.1:9090
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
${analysis}
steps: [{setWeight: 5}, {analysis: {duration: 2m}}]
`;

describe('analyze action: an analysis template as metrics', () => {
  test('the example template with args gives the metrics a plan naming the same file gets', () => {
    withInputs({ metrics: EXAMPLE, args: 'service: shop\nallowed-increase: 50' });
    const fromAction = getInputs().metrics;
    const fromPlan = loadPlan(planWith(`  template: ${EXAMPLE}\n  args: {service: shop, allowed-increase: 50}`), 'rollout.yml').analysis!.metrics;
    expect(fromAction).toEqual(fromPlan);
    expect(fromAction.map((m) => m.name)).toEqual(['error-rate', 'latency-p99']);
    expect(fromAction[0]).toMatchObject({ allowedRatio: 1.5, requests: 'sum(http_requests_total{{{selector}}, service="shop"})' });
    expect(fromAction[1]).toMatchObject({ allowedIncrease: 10, query: expect.stringContaining('service="shop"}[{{interval}}]') });
  });

  test('args as a flow mapping works the same', () => {
    withInputs({ metrics: EXAMPLE, args: '{service: shop}' });
    expect(getInputs().metrics[0]).toMatchObject({ allowedRatio: 1.2, errors: expect.stringContaining('service="shop"') });
  });

  test('a required arg missing names the file, the arg and the args input', () => {
    withInputs({ metrics: EXAMPLE });
    expect(() => getInputs()).toThrow(
      `Input 'metrics': ${EXAMPLE}: argument service is required (it has no default value) and input 'args' does not give it. Fix: add service: <value> to input 'args'.`,
    );
  });

  test('an undeclared arg is refused, listing the declared ones', () => {
    withInputs({ metrics: EXAMPLE, args: 'service: shop\nregion: eu' });
    expect(() => getInputs()).toThrow(`Input 'metrics': ${EXAMPLE}: argument region (in input 'args') is not declared; it declares service, allowed-increase, latency-increase.`);
  });

  test('args that are not a YAML mapping are refused, naming the input', () => {
    withInputs({ metrics: EXAMPLE, args: 'service=shop' });
    expect(() => getInputs()).toThrow("Input 'args' has the value \"service=shop\": expected a YAML mapping of template arguments, one `name: value` a line, e.g. `service: shop`.");
    withInputs({ metrics: EXAMPLE, args: 'service: [shop' });
    expect(() => getInputs()).toThrow(/^Input 'args' has the value "service: \[shop": expected a YAML mapping of template arguments/);
  });

  test('a problem in a template file names the input, the file and the line of the field', () => {
    const file = join(dir, 'typo.yml');
    writeFileSync(file, "args: [{name: service}]\nmetrics:\n  - name: up\n    kind: threshold\n    thresholds: {min: 1}\n    query: 'up{{{selector}}, service=\"{{args.srvice}}\"}'\n");
    withInputs({ metrics: file, args: 'service: shop' });
    expect(() => getInputs()).toThrow(`Input 'metrics': ${file} line 6: metrics[0] "up": field query: {{args.srvice}} names no argument (declared: service).`);
  });

  test('a hostile value in args cannot reach the query unescaped', () => {
    const file = join(dir, 'unquoted.yml');
    writeFileSync(file, "args: [{name: metric}]\nmetrics:\n  - {name: m, kind: threshold, query: 'sum({{args.metric}}{{{selector}}})', thresholds: {min: 1}}\n");
    withInputs({ metrics: file, args: 'metric: up) or vector(1' });
    expect(() => getInputs()).toThrow('argument metric has the value "up) or vector(1", which cannot stand outside a string literal');
  });

  test('inline metrics are read as before, their errors without lines', () => {
    withInputs({ metrics: "- {name: m, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}" });
    expect(getInputs().metrics).toHaveLength(1);
    withInputs({ metrics: '- {name: m, kind: rate}' });
    expect(() => getInputs()).toThrow('Input \'metrics\': metrics[0] "m": field errors: expected a PromQL query template');
  });
});
