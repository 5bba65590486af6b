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
