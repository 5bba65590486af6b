import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAnalysisTemplate, readAnalysisTemplate, renderAnalysisTemplate } from '../../../../src/core/metrics/analysis-template.js';
import { parseMetricsYaml } from '../../../../src/core/metrics/metrics-config.js';
import { parseSelector, renderTemplate } from '../../../../src/core/metrics/template.js';

const TEMPLATE = `args:
  - name: service
  - name: window
    value: 5m
  - name: max-latency
    value: 0.5
metrics:
  - name: error-rate
    kind: rate
    errors: 'sum(http_requests_total{{{selector}}, service="{{args.service}}", code=~"5.."}) or vector(0)'
    requests: 'sum(http_requests_total{{{selector}}, service="{{args.service}}"})'
  - name: latency
    kind: threshold
    query: 'sum(rate(latency_sum{{{selector}}}[{{args.window}}])) / sum(rate(latency_count{{{selector}}}[{{args.window}}]))'
    thresholds: {max: '{{args.max-latency}}'}
`;

const render = (text: string, args: Record<string, unknown> = {}, source = 'http.yml') => renderAnalysisTemplate(parseAnalysisTemplate(text, source), args, 'analysis.args');
const refusal = (text: string, args: Record<string, unknown> = {}) => {
  try {
    render(text, args);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the template was accepted');
};

describe('analysis templates: arguments', () => {
  test('given args fill their placeholders and defaults fill the rest: the same metrics as written out by hand', () => {
    const metrics = render(TEMPLATE, { service: 'shop' });
    expect(metrics).toEqual(
      parseMetricsYaml(
        `- name: error-rate
  kind: rate
  errors: 'sum(http_requests_total{{{selector}}, service="shop", code=~"5.."}) or vector(0)'
  requests: 'sum(http_requests_total{{{selector}}, service="shop"})'
- name: latency
  kind: threshold
  query: 'sum(rate(latency_sum{{{selector}}}[5m])) / sum(rate(latency_count{{{selector}}}[5m]))'
  thresholds: {max: 0.5}
`,
        'by hand',
      ),
    );
  });

  test('a given arg wins over its default, and a number given for a whole field stays a number', () => {
    const [, latency] = render(TEMPLATE, { service: 'shop', window: '10m', 'max-latency': 0.25 });
    expect(latency).toMatchObject({ query: expect.stringContaining('[10m]'), max: 0.25 });
  });

  test('a required arg left out is an error naming the template, the arg and where to give it', () => {
    expect(refusal(TEMPLATE)).toBe('http.yml: argument service is required (it has no default value) and analysis.args does not give it. Fix: add service: <value> to analysis.args.');
  });

  test('an arg the template does not declare is an error listing the declared ones', () => {
    expect(refusal(TEMPLATE, { service: 'shop', sevrice: 'shop' })).toBe(
      'http.yml: argument sevrice (in analysis.args) is not declared; it declares service, window, max-latency. Fix: correct the name, or declare it under args: in the template.',
    );
  });

  test('declared args that no metric uses are fine', () => {
    expect(render(`args: [{name: unused}, {name: also-unused, value: x}]\nmetrics: [{name: up, kind: threshold, query: 'up{{{selector}}}', thresholds: {min: 1}}]`, { unused: 1 })).toHaveLength(1);
  });

  test('a placeholder naming no declared arg is an error at the metric\'s line, naming the field', () => {
    expect(refusal(TEMPLATE.replace('[{{args.window}}]))', '[{{args.windw}}]))'), { service: 'shop' })).toBe(
      'http.yml line 14: metrics[1] "latency": field query: {{args.windw}} names no argument (declared: service, window, max-latency). Fix: declare it under args: of a template file (docs/analysis.md, "Reusable analysis templates"), or correct the name.',
    );
  });

  test('a malformed arg placeholder is refused rather than sent to Prometheus', () => {
    expect(refusal(TEMPLATE.replace('{{args.window}}]))', '{{args.win dow}}]))'), { service: 'shop' })).toMatch(/^http\.yml line 14: metrics\[1\] "latency": field query: "\{\{args\.win dow\}\}\]\)\)[^"]*" is not an argument placeholder/);
  });

  test('an arg in the name of a metric is plain text, checked as any name is', () => {
    const text = `args: [{name: service}]\nmetrics: [{name: 'up-{{args.service}}', kind: threshold, query: 'up{{{selector}}}', thresholds: {min: 1}}]`;
    expect(render(text, { service: 'shop-eu' })[0].name).toBe('up-shop-eu');
    expect(refusal(text, { service: 'shop eu' })).toBe('http.yml line 2: metrics[0]: field name: expected a name of letters, digits, \'-\', \'_\', \'.\' or \':\', got "up-shop eu".');
  });

  test('a latency metric takes its histogram (a name, as a query token) and its threshold from args', () => {
    const text = 'args: [{name: histogram}, {name: slower-than, value: 300ms}]\nmetrics:\n  - {name: slow, kind: latency, histogram: \'{{args.histogram}}\', slowerThan: \'{{args.slower-than}}\'}\n';
    const [metric] = render(text, { histogram: 'http_request_duration_seconds', 'slower-than': '0.5s' });
    expect(metric).toEqual(parseMetricsYaml('- {name: slow, kind: latency, histogram: http_request_duration_seconds, slowerThan: 0.5s}', 'by hand')[0]);
    expect(() => render(text, { histogram: 'x{a="b"}' })).toThrow('field histogram: argument histogram has the value "x{a=\\"b\\"}", which cannot stand outside a string literal');
  });

  test.each([
    ['args: {service: shop}\nmetrics: []', 'http.yml line 1: args: expected a list such as [{name: service}, {name: window, value: 5m}] (value is the default), got {"service":"shop"}.'],
    ['args: [{name: a}, {name: a}]\nmetrics: []', 'http.yml line 1: args[1]: argument a is declared twice.'],
    ['args:\n  - {name: a, valueFrom: {secretKeyRef: x}}\nmetrics: []', 'http.yml line 2: args[0]: unknown field valueFrom; an argument has name and value (its default). valueFrom (secrets, fields) is not supported: pass the value as an argument.'],
    ['args: [{name: "a b"}]\nmetrics: []', 'http.yml line 1: args[0]: name: expected letters, digits, \'_\' and \'-\', starting with a letter or \'_\', got "a b".'],
    ['args: [{name: a, value: [1]}]\nmetrics: []', 'http.yml line 1: args[0] a: value: expected a string, a number or true/false as the default, got [1]. Fix: leave value out to make the argument required.'],
    ['arguments: []\nmetrics: []', 'http.yml line 1: unknown field arguments; a template has args: and metrics:.'],
  ])('a bad template %j is refused at its line', (text, message) => {
    expect(() => parseAnalysisTemplate(text, 'http.yml')).toThrow(message);
  });
});

describe('analysis templates: values stay inert in a query', () => {
  const queryTemplate = (query: string) => `args: [{name: v}]\nmetrics:\n  - {name: m, kind: continuous, query: '${query}'}\n`;
  const renderedQuery = (query: string, v: unknown) => {
    const [metric] = render(queryTemplate(query), { v });
    return renderTemplate((metric as { query: string }).query, { selector: parseSelector('version="v2"', 's'), canary: [], baseline: [], intervalSeconds: 30 }, 'test');
  };

  test('inside a double-quoted string any value is escaped and stays one label value', () => {
    expect(renderedQuery('sum(x{{{selector}}, service="{{args.v}}"})', 'shop"} or vector(1) or up{a="')).toBe('sum(x{version="v2", service="shop\\"} or vector(1) or up{a=\\""})');
  });

  test.each(['shop', 'http_requests_total', 'job:errors:rate5m', '0.99', '5m', '1h30m', 'true'])('outside strings the token %s is used as is', (value) => {
    expect(renderedQuery('sum(rate({{args.v}}{{{selector}}}[1m]))', value)).toBe(`sum(rate(${value}{version="v2"}[1m]))`);
  });

  test.each([
    ['shop-eu', 'a - would subtract'],
    ['x) or vector(1', 'brackets and spaces'],
    ['x{a="b"}', 'a selector'],
    ['or', 'a keyword'],
    ['OFFSET', 'a keyword in capitals'],
    ['', 'nothing at all'],
  ])('outside strings %j (%s) is refused, naming the arg, the metric and the fix', (value) => {
    expect(() => renderedQuery('sum({{args.v}})', value)).toThrow(
      `http.yml line 3: metrics[0] "m": field query: argument v has the value ${JSON.stringify(value)}, which cannot stand outside a string literal`,
    );
    expect(() => renderedQuery('sum({{args.v}})', value)).toThrow('Fix: pass such a token, or put {{args.v}} inside a double-quoted label value in the template (e.g. service="{{args.v}}"), where any value is escaped');
  });

  test("inside a single-quoted or backtick string an arg is refused, whatever its value", () => {
    expect(() => renderedQuery("x{a=''{{args.v}}''}", 'shop')).toThrow("field query: {{args.v}} stands inside a '…' string; an argument may stand inside a double-quoted string");
    expect(() => renderedQuery('x{a=`{{args.v}}`}', 'shop')).toThrow('{{args.v}} stands inside a `…` string');
  });

  test('a value cannot pick another placeholder with the braces around it', () => {
    expect(() => renderedQuery('sum(x{{{{args.v}}}})', 'selector')).toThrow("field query: an argument's value forms the placeholder {{selector}} with the text around it");
    expect(() => renderedQuery('sum(x{a="{{args.v}}"})', '{{version}}')).toThrow('forms the placeholder {{version}}');
  });

  test('a string value for a whole query field must still be an inert token', () => {
    expect(() => render(queryTemplate('{{args.v}}'), { v: 'vector(1)' })).toThrow('argument v has the value "vector(1)", which cannot stand outside a string literal');
    expect(() => render(queryTemplate('{{args.v}}'), { v: 5 })).toThrow('field query: expected a PromQL query template');
  });

  test('inline metrics (no args declared) naming an arg are refused', () => {
    expect(() => renderAnalysisTemplate(parseAnalysisTemplate(`- {name: m, kind: continuous, query: 'x{{{selector}}, a="{{args.v}}"}'}`, "Input 'metrics'", { lines: false }), {}, "input 'args'")).toThrow(
      `Input 'metrics': metrics[0] "m": field query: {{args.v}} names no argument (no args are declared).`,
    );
  });
});

describe('analysis templates: the files', () => {
  test('a bare metrics list (the file before templates) is still a valid template without args', () => {
    const text = `- {name: error-rate, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}`;
    expect(render(text)).toEqual(parseMetricsYaml(text, 'list'));
    expect(render(`metrics:\n  - {name: up, kind: threshold, query: 'up{{{selector}}}', thresholds: {min: 1}}`)).toHaveLength(1);
    expect(() => render(text, { service: 'shop' })).toThrow('http.yml: argument service (in analysis.args) is not declared; the template declares no args.');
  });

  test('a metric the usual validation refuses is reported at its line in the template file', () => {
    expect(refusal(TEMPLATE.replace('kind: threshold', 'kind: ratio'), { service: 'shop' })).toMatch(/^http\.yml line 13: metrics\[1\] "latency": field kind: expected rate, .*got "ratio"\.$/);
  });

  test('a file is read relative to the workspace and named as written; a missing one says where it was looked for', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'slipway-template-'));
    try {
      writeFileSync(join(workspace, 'http.yml'), TEMPLATE);
      const template = readAnalysisTemplate('http.yml', workspace);
      expect(template.args.map((a) => a.name)).toEqual(['service', 'window', 'max-latency']);
      expect(() => renderAnalysisTemplate(template, {}, 'analysis.args')).toThrow(/^http\.yml: argument service is required/);
      expect(() => readAnalysisTemplate('missing.yml', workspace)).toThrow(`missing.yml: cannot read the template (no file ${join(workspace, 'missing.yml')}). Fix: give its path relative to the workspace`);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
