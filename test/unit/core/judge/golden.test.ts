import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { GOLDEN_FIXTURE, goldenCases, goldenRecord } from '../../../../bench/judge/golden.js';

// The judge's decisions on seeded benchmark streams (null and regression scenarios at every
// traffic level, with and without the baseline's history), recorded by bench/judge/golden.ts
// before the sequential rate test was split into its parts: decisions and intervals must match
// exactly, figures to 1e-9 relative (the record keeps 12 significant digits).

const recorded = JSON.parse(readFileSync(GOLDEN_FIXTURE, 'utf8')) as unknown[];
const cases = goldenCases();

/** Where two records differ: exact for text, null and integers' place, 1e-9 relative for numbers. */
function differences(actual: unknown, expected: unknown, path = ''): string[] {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(expected)) ? [] : [`${path}: ${actual} ≠ ${expected}`];
  }
  if (Array.isArray(expected) || (expected && typeof expected === 'object')) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual) !== Array.isArray(expected)) return [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    return [...keys].flatMap((k) => differences((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return actual === expected ? [] : [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
}

describe('the judge on the golden streams', () => {
  test('the record covers every case, and decisions of every kind', () => {
    expect(recorded).toHaveLength(cases.length);
    const decisions = new Set(recorded.map((r) => ((r as { end: unknown[] }).end[0])));
    expect([...decisions].sort()).toEqual(['continue', 'not-worse', 'worse']);
  });

  test('decides as recorded: same decisions at the same intervals, same p-values, bounds and overdispersion', () => {
    const failures = cases.flatMap((c, i) => differences(JSON.parse(JSON.stringify(goldenRecord(c))), recorded[i]).map((d) => `${c.id} → ${d}`));
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
