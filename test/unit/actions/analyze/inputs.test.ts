import { afterEach, describe, expect, test } from '@jest/globals';
import { getInputs } from '../../../../src/actions/analyze/inputs.js';

const METRICS = `- {name: error-rate, kind: rate, errors: 'sum(errors{{{selector}}})', requests: 'sum(requests{{{selector}}})'}`;

function withInputs(inputs: Record<string, string>) {
  const required = { prometheus: 'http://prometheus:9090', metrics: METRICS, 'canary-selector': 'version="v2"', 'baseline-selector': 'version="v1"' };
  for (const [name, value] of Object.entries({ ...required, ...inputs })) process.env[`INPUT_${name.toUpperCase()}`] = value;
}
afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
});

describe('analyze inputs: history', () => {
  test("reads the baseline's last 30 minutes by default", () => {
    withInputs({});
    expect(getInputs().historySeconds).toBe(1800);
  });

  test.each([
    ['0', 0],
    ['0s', 0],
    ['45m', 2700],
    ['1h30m', 5400],
    ['90', 90],
  ])('history %s reads %d seconds (0: none)', (value, seconds) => {
    withInputs({ history: value });
    expect(getInputs().historySeconds).toBe(seconds);
  });

  test('history-selector, when given, is parsed like the other selectors; by default the baseline\'s is used', () => {
    withInputs({});
    expect(getInputs().historySelector).toBeUndefined();
    withInputs({ 'history-selector': 'version="v1", track="primary"' });
    expect(getInputs().historySelector).toEqual([
      { name: 'version', op: '=', value: 'v1' },
      { name: 'track', op: '=', value: 'primary' },
    ]);
    withInputs({ 'history-selector': 'version=v1' });
    expect(() => getInputs()).toThrow(/history-selector/);
  });

  test.each(['-5m', 'half an hour', '0.5s', '30 minutes'])('history %s is refused, naming the input, the value and the fix', (value) => {
    withInputs({ history: value });
    expect(() => getInputs()).toThrow(
      `Input 'history' has the value ${JSON.stringify(value)}: expected a duration such as 90, 90s, 2m, 1h or 1m30s (whole seconds).`,
    );
  });
});

describe('analyze inputs: the metric source', () => {
  test('prometheus alone is a Prometheus source with the prometheus-headers', () => {
    withInputs({ 'prometheus-headers': 'X-Scope-OrgID: shop' });
    expect(getInputs().source).toEqual({ type: 'prometheus', delaySeconds: 0, url: 'http://prometheus:9090', headers: { 'X-Scope-OrgID': 'shop' } });
  });

  test('source names any other source; its metrics are checked in that source\'s query language', () => {
    withInputs({ prometheus: '', source: 'web: {url: "http://stats.internal/api/", jsonPath: $.value}', metrics: `- {name: errors, kind: rate, errors: 'stats?{{selector}}#$.errors', requests: 'stats?{{selector}}#$.requests'}` });
    const inputs = getInputs();
    expect(inputs.source).toMatchObject({ type: 'web', url: 'http://stats.internal/api/' });
    // A selector the language cannot express is refused before anything runs.
    withInputs({ prometheus: '', source: 'web: {url: "http://stats.internal/api/"}', 'canary-selector': 'version=~"v2.*"', metrics: `- {name: errors, kind: rate, errors: 'stats?{{selector}}#$.errors', requests: 'stats?{{selector}}#$.requests'}` });
    expect(() => getInputs()).toThrow(/canary-selector/);
  });

  test('both, neither, or a source that is not a mapping: refused naming the input and the fix', () => {
    withInputs({ source: 'cloudwatch: {region: eu-west-1}' });
    expect(() => getInputs()).toThrow("Input 'source' has the value \"cloudwatch: {region: eu-west-1}\": expected one metric source: `source` or `prometheus`, not both.");
    withInputs({ prometheus: '', source: '' });
    expect(() => getInputs()).toThrow("Input 'prometheus' is missing: expected a value. Fix: set `prometheus:` to your Prometheus, e.g. http://prometheus:9090, or `source:` to another metric source");
    withInputs({ prometheus: '', source: 'influxdb' });
    expect(() => getInputs()).toThrow("Input 'source': expected a mapping with one key, the source type");
    withInputs({ prometheus: '', source: 'datadog: {}', 'prometheus-headers': 'Authorization: Bearer x' });
    expect(() => getInputs()).toThrow("Input 'prometheus-headers' sets headers of a Prometheus source, and the metric source is datadog");
  });
});
