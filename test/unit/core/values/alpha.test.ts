import { afterEach, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { getInputs } from '../../../../src/actions/analyze/inputs.js';
import { validateJudgeInput } from '../../../../src/core/judge/index.js';
import { loadPlan, PlanError } from '../../../../src/core/plan/index.js';
import { DEFAULT_ALPHA, parseAlpha, ValueError } from '../../../../src/core/values/index.js';

const PLAN = (alpha: string) => `router: {provider: haproxy}
analysis:
  prometheus: http://127.0.0.1:9090
  alpha: ${alpha}
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
  metrics: [{name: errors, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}]
steps:
  - setWeight: 5
`;

const JUDGE_METRIC = { name: 'errors', kind: 'rate', direction: 'increase', canary: { errors: [0], requests: [10] }, baseline: { errors: [0], requests: [10] } };

/** Where each front end stands on one alpha: the number it would judge at, or 'refused'. */
function verdicts(alpha: number): { plan: number | string; judge: number | string; action: number | string; parser: number | string } {
  const attempt = (read: () => number | undefined) => {
    try {
      return read() ?? 'missing';
    } catch (error) {
      if (error instanceof PlanError || error instanceof ValueError || (error as Error).name === 'InputError') return 'refused';
      throw error;
    }
  };
  process.env.INPUT_ALPHA = String(alpha);
  return {
    plan: attempt(() => loadPlan(PLAN(String(alpha))).analysis?.alpha),
    judge: attempt(() => validateJudgeInput({ config: { alpha }, metrics: [JUDGE_METRIC] }).config.alpha),
    action: attempt(() => getInputs().alpha),
    parser: attempt(() => parseAlpha(alpha)),
  };
}

const ACTION_INPUTS = {
  prometheus: 'http://prometheus:9090',
  metrics: "- {name: errors, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}",
  'canary-selector': 'version="v2"',
  'baseline-selector': 'version="v1"',
};
afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
});

describe('alpha', () => {
  test.each([
    [0.01, 0.01],
    ['0.05', 0.05],
    [0.4999, 0.4999],
    ['1e-3', 0.001],
  ])('%p is the false-alarm rate %p', (value, alpha) => {
    expect(parseAlpha(value)).toBe(alpha);
  });

  test.each([0.5, 0, -0.01, 1, '', 'often', '1%', null, Number.NaN])('%p is refused: above 0 and below 0.5', (value) => {
    expect(() => parseAlpha(value)).toThrow(ValueError);
  });

  test('the default is 0.01, in the judge as in the parser', () => {
    expect(DEFAULT_ALPHA).toBe(0.01);
    expect(validateJudgeInput({ metrics: [JUDGE_METRIC] }).config.alpha).toBe(0.01);
  });

  test('alpha 0.5 is refused by the plan (at its line), the judge and the analyze action alike', () => {
    for (const [name, value] of Object.entries(ACTION_INPUTS)) process.env[`INPUT_${name.toUpperCase()}`] = value;
    expect(verdicts(0.5)).toEqual({ plan: 'refused', judge: 'refused', action: 'refused', parser: 'refused' });
    expect(() => loadPlan(PLAN('0.5'), 'plan.yml')).toThrow(
      'plan.yml line 4: analysis.alpha: 0.5 is not a false-alarm rate above 0 and below 0.5. Fix: use e.g. 0.01 for a 1% false-alarm rate (the default), 0.05 for 5%',
    );
    expect(() => getInputs()).toThrow(`Input 'alpha' has the value "0.5": expected a false-alarm rate above 0 and below 0.5.`);
  });

  test('the plan, the judge and the analyze action accept exactly the same alphas', () => {
    for (const [name, value] of Object.entries(ACTION_INPUTS)) process.env[`INPUT_${name.toUpperCase()}`] = value;
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(0, 0.5, 0.49999, 1e-9)), (alpha) => {
        const seen = verdicts(alpha);
        expect(new Set(Object.values(seen)).size).toBe(1);
      }),
    );
  });
});
