import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan, planDigest } from '../../../../src/core/plan/index.js';
import { runSlipway } from '../../../support/cli.js';
import { problemsOf as planProblems } from './problems.js';

// A plan's `analysis.template` + `analysis.args`: the metrics come from a template file in the
// workspace, read and checked when the plan is loaded — before a rollout creates or moves anything.

const TEMPLATE = `# HTTP canary metrics of one service
args:
  - name: service
  - name: allowed
    value: 20
metrics:
  - name: error-rate
    kind: rate
    critical: true
    allowedIncrease: '{{args.allowed}}'
    errors: 'sum(http_requests_total{{{selector}}, service="{{args.service}}", code=~"5.."}) or vector(0)'
    requests: 'sum(http_requests_total{{{selector}}, service="{{args.service}}"})'
`;

const planWith = (analysis: string) => `strategy: canary
router: {provider: haproxy, socket: /run/haproxy/admin.sock, backend: app, stable: v1, canary: v2}
analysis:
  prometheus: http://127.0.0.1:9090
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
${analysis}
steps:
  - setWeight: 5
  - analysis: {duration: 2m}
`;

const INLINE = planWith(`  metrics:
    - name: error-rate
      kind: rate
      critical: true
      allowedIncrease: 20
      errors: 'sum(http_requests_total{{{selector}}, service="shop", code=~"5.."}) or vector(0)'
      requests: 'sum(http_requests_total{{{selector}}, service="shop"})'`);

let workspace: string;
beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'slipway-plan-template-'));
  mkdirSync(join(workspace, '.github', 'analysis'), { recursive: true });
  writeFileSync(join(workspace, '.github', 'analysis', 'http.yml'), TEMPLATE);
  writeFileSync(join(workspace, '.github', 'analysis', 'broken.yml'), TEMPLATE.replace('kind: rate', 'kind: rate\n    errros: x'));
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const load = (text: string) => loadPlan(text, 'rollout.yml', {}, { workspace });
const problemsOf = (text: string) => planProblems(text, 'rollout.yml', {}, { workspace });

describe('plan analysis.template', () => {
  test('a template with args gives the same metrics as the plan that writes them inline', () => {
    const templated = load(planWith('  template: .github/analysis/http.yml\n  args: {service: shop}'));
    expect(templated.analysis!.metrics).toEqual(load(INLINE).analysis!.metrics);
    expect(templated.analysis!.metrics[0]).toMatchObject({ allowedRatio: 1.2, requests: 'sum(http_requests_total{{{selector}}, service="shop"})' });
  });

  test('the digest a paused rollout resumes by changes when the template file does, the plan text unchanged', () => {
    const text = planWith('  template: .github/analysis/digest.yml\n  args: {service: shop}');
    const file = join(workspace, '.github', 'analysis', 'digest.yml');
    writeFileSync(file, TEMPLATE);
    const before = planDigest(text, load(text));
    expect(planDigest(text, load(text))).toBe(before);
    writeFileSync(file, TEMPLATE.replace('value: 20', 'value: 50'));
    expect(planDigest(text, load(text))).not.toBe(before);
  });

  test('an arg given overrides the default, a number staying a number', () => {
    const plan = load(planWith('  template: .github/analysis/http.yml\n  args:\n    service: shop\n    allowed: 50'));
    expect(plan.analysis!.metrics[0]).toMatchObject({ allowedRatio: 1.5 });
  });

  test('an undeclared arg is reported at its line in the plan, listing the declared ones', () => {
    expect(problemsOf(planWith('  template: .github/analysis/http.yml\n  args:\n    service: shop\n    servce: shop'))).toBe(
      'rollout.yml line 10: analysis.args.servce: .github/analysis/http.yml: argument servce (in analysis.args) is not declared; it declares service, allowed. Fix: correct the name, or declare it under args: in the template.',
    );
  });

  test('a required arg left out is reported at analysis.args, or at analysis.template when there are no args', () => {
    expect(problemsOf(planWith('  template: .github/analysis/http.yml\n  args:\n    allowed: 10'))).toBe(
      'rollout.yml line 8: analysis.args: .github/analysis/http.yml: argument service is required (it has no default value) and analysis.args does not give it. Fix: add service: <value> to analysis.args.',
    );
    expect(problemsOf(planWith('  template: .github/analysis/http.yml'))).toMatch(/^rollout\.yml line 7: analysis\.template: \.github\/analysis\/http\.yml: argument service is required/);
  });

  test('a value that would change a query is reported at the arg, naming the template\'s metric', () => {
    const hostile = planWith(`  template: .github/analysis/unquoted.yml\n  args: {metric: 'up) or vector(1'}`);
    writeFileSync(join(workspace, '.github', 'analysis', 'unquoted.yml'), "args: [{name: metric}]\nmetrics:\n  - {name: m, kind: threshold, query: 'sum({{args.metric}}{{{selector}}})', thresholds: {min: 1}}\n");
    expect(problemsOf(hostile)).toMatch(
      /^rollout\.yml line 8: analysis\.args\.metric: \.github\/analysis\/unquoted\.yml line 3: metrics\[0\] "m": field query: argument metric has the value "up\) or vector\(1", which cannot stand outside a string literal/,
    );
  });

  test('a problem inside the template file names the plan\'s line, the file and the line in the file', () => {
    expect(problemsOf(planWith('  template: .github/analysis/broken.yml\n  args: {service: shop}'))).toMatch(
      /^rollout\.yml line 7: analysis\.template: \.github\/analysis\/broken\.yml line 7: metrics\[0\] "error-rate": unknown field errros; a rate metric has /,
    );
  });

  test('a missing file says where it was looked for, along with every other problem of the plan', () => {
    const problems = problemsOf(planWith('  template: .github/analysis/nope.yml\n  args: {service: shop}').replace('setWeight: 5', 'setWeight: 500'));
    expect(problems.split('\n')).toEqual([
      `rollout.yml line 7: analysis.template: .github/analysis/nope.yml: cannot read the template (no file ${join(workspace, '.github/analysis/nope.yml')}). Fix: give its path relative to the workspace (the repository's root), e.g. .github/analysis/http.yml.`,
      expect.stringMatching(/^rollout\.yml line 10: steps\[0\]\.setWeight: 500 is not/),
    ]);
  });

  test.each([
    ['  template: .github/analysis/http.yml\n  args: {service: shop}\n  metrics: [{name: m, kind: threshold, query: x, thresholds: {min: 1}}]', 'rollout.yml line 7: analysis.template: give the metrics inline (`metrics:`) or from a file (`template:`), not both'],
    ['  metrics: [{name: m, kind: threshold, query: x, thresholds: {min: 1}}]\n  args: {service: shop}', 'rollout.yml line 8: analysis.args: args fill the {{args.<name>}} of a template file; inline metrics take none. Fix: move the metrics into a file named by `template:`, or remove args'],
    ['  template: .github/analysis/http.yml\n  args: [service, shop]', 'rollout.yml line 8: analysis.args: ["service","shop"] is not a mapping of argument names to values, e.g. `args: {service: shop}`'],
    ['  template: {path: x}', 'rollout.yml line 7: analysis.template: {"path":"x"} is not a file path: name a template file relative to the workspace, e.g. `template: .github/analysis/http.yml`'],
    ["  metrics: [{name: m, kind: threshold, query: 'up{a=\"{{args.a}}\"}', thresholds: {min: 1}}]", 'rollout.yml line 7: analysis.metrics[0]: "m": field query: {{args.a}} names no argument (no args are declared).'],
    ['  interval: 30s', 'rollout.yml line 3: analysis.metrics: expected at least one metric definition, or `template:` naming a template file (docs/analysis.md)'],
  ])('%j is refused at its line', (analysis, message) => {
    expect(problemsOf(planWith(analysis))).toContain(message);
  });

  test('nothing outside the plan is needed to load a plan without a template', () => {
    expect(loadPlan(INLINE, 'rollout.yml', {}, { workspace: join(workspace, 'no-such-dir') }).analysis!.metrics).toHaveLength(1);
  });
});

describe('slipway plan check with a template', () => {
  test('validates the template and its args, naming the plan and the file', async () => {
    const good = join(workspace, 'good.yml');
    const bad = join(workspace, 'bad.yml');
    const template = join(workspace, '.github', 'analysis', 'http.yml');
    writeFileSync(good, planWith(`  template: ${template}\n  args: {service: shop}`));
    writeFileSync(bad, planWith(`  template: ${template}\n  args: {}`));
    const ok = await runSlipway(['plan', 'check', good]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('The plan is valid: canary, 2 steps, router haproxy.\n');
    expect(ok.stdout).toContain('metrics error-rate (rate, critical)');
    const refused = await runSlipway(['plan', 'check', bad]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`${bad} line 8: analysis.args: ${template}: argument service is required (it has no default value)`);
  });
});
