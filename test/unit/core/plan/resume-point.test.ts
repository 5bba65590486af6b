import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { cutDescription } from '../../../../src/core/ledger/index.js';
import { formatResumePoint, parseResumePoint, type ResumePoint, type StepResumePoint } from '../../../../src/core/plan/index.js';

// The resume point a later run reads is written by one formatter and read by its parser: every
// description the engine writes reads back to the point it was written with, even cut to the 140
// characters GitHub keeps, and no other text reads as one.

const stepPoint: fc.Arbitrary<StepResumePoint> = fc
  .record({ strategy: fc.constantFrom('canary' as const, 'blue-green' as const), total: fc.integer({ min: 1, max: 10_000 }), canaryWeight: fc.integer({ min: 0, max: 100 }), paused: fc.boolean() })
  .chain((point) => fc.integer({ min: 1, max: point.total }).map((step) => ({ phase: 'step' as const, ...point, step })));
const promotingPoint = fc.integer({ min: 1, max: 10_000 }).map((total): ResumePoint => ({ phase: 'promoting', total }));
const point = fc.oneof(stepPoint, promotingPoint);

/** Notes with what could confuse a parser: the separator, digits, `%`, `paused`, combining marks, emoji, any length. */
const note = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom(' · ', 'step 3/6', '25%', 'paused', 'paused: ', 'canary ', '\u0301', '\u200d', '👩‍👩‍👧', 'é', '…', '\n', 'x'), { maxLength: 60 }).map((parts) => parts.join('')),
  // One grapheme longer than the room left: the space before it joins it, and the cut drops both.
  fc.tuple(fc.constantFrom('\u0301', '\u200d', '\u{1F3FB}'), fc.integer({ min: 100, max: 200 }), fc.string({ maxLength: 20 })).map(([mark, count, rest]) => mark.repeat(count) + rest),
);

const written = (at: ResumePoint, text: string) => cutDescription(formatResumePoint(at, text));

describe('the resume point', () => {
  test('any point reads back from its description, whatever the note, even cut to 140 characters', () => {
    fc.assert(
      fc.property(point, note, (at, text) => {
        expect([...written(at, text)].length).toBeLessThanOrEqual(140);
        expect(parseResumePoint(written(at, text))).toEqual(at);
      }),
      { numRuns: 2000 },
    );
  });

  test('the descriptions read as they always did, so deployments left open by earlier versions still resume', () => {
    const at = (step: number, total: number, canaryWeight: number, paused = false, strategy: 'canary' | 'blue-green' = 'canary'): ResumePoint => ({ phase: 'step', strategy, step, total, canaryWeight, paused });
    expect(formatResumePoint(at(3, 6, 25), 'analysis 2m')).toBe('canary 25% · step 3/6 · analysis 2m');
    expect(formatResumePoint(at(1, 3, 100, false, 'blue-green'), 'switch')).toBe('new version 100% · step 1/3 · switch');
    expect(formatResumePoint(at(2, 3, 20, true))).toBe('canary 20% · step 2/3 · paused until the next run');
    expect(formatResumePoint(at(2, 4, 10, true), 'analysis inconclusive (score 0)')).toBe('canary 10% · step 2/4 · paused: analysis inconclusive (score 0)');
    expect(formatResumePoint({ phase: 'promoting', total: 6 })).toBe('promoting · 6/6 steps passed');
    expect(parseResumePoint('canary 25% · step 2/4 · paused until the next run')).toEqual(at(2, 4, 25, true));
    expect(parseResumePoint('canary 10% · step 2/4 · paused: analysis inconclusive (score 0): the canary looks fine')).toEqual(at(2, 4, 10, true));
    expect(parseResumePoint('new version 0% · step 2/3 · smoke check passed')).toEqual(at(2, 3, 0, false, 'blue-green'));
    expect(parseResumePoint('promoting · 4/4 steps passed')).toEqual({ phase: 'promoting', total: 4 });
  });

  test('a cut that takes the space after the last separator with the note still reads back', () => {
    const at: ResumePoint = { phase: 'step', strategy: 'canary', step: 3, total: 6, canaryWeight: 25, paused: false };
    expect(written(at, '\u0301'.repeat(150))).toBe('canary 25% · step 3/6 ·…');
    expect(parseResumePoint('canary 25% · step 3/6 ·…')).toEqual(at);
  });

  test('a running step whose note starts with "paused" is not taken for a pause', () => {
    const running: ResumePoint = { phase: 'step', strategy: 'canary', step: 1, total: 2, canaryWeight: 5, paused: false };
    expect(formatResumePoint(running, 'paused traffic resumed')).toBe('canary 5% · step 1/2 · Paused traffic resumed');
    expect(parseResumePoint(formatResumePoint(running, 'paused traffic resumed'))).toEqual(running);
  });

  test('text the formatter did not write is no resume point', () => {
    for (const text of [
      '',
      'superseded by a rollout of x',
      'stopped at step 3/4; traffic back on stable',
      'promoted · canary · 4/4 steps',
      'promoting · 4/5 steps passed',
      'promoting · 4/4 steps passed, then more',
      'canary 25% · step 7/6 · analysis 2m',
      'canary 101% · step 1/6 · setWeight 101%',
      'canary 025% · step 1/6 · x',
      'canary 25% · step 0/6 · x',
      'canary 25% · step 1/6',
      'canary 25% · step 1/6 ·x',
      'Canary 25% · step 1/6 · x',
      'blue-green 25% · step 1/6 · x',
    ]) {
      expect(parseResumePoint(text)).toBeUndefined();
    }
  });

  test('whatever text parses is a point the formatter writes that way', () => {
    const mutated = fc.tuple(point, note, fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([at, text, where, insert]) => {
      const description = formatResumePoint(at, text);
      const cut = where % (description.length + 1);
      return description.slice(0, cut) + insert + description.slice(cut + insert.length);
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), mutated), (text) => {
        const parsed = parseResumePoint(text);
        if (parsed === undefined) return;
        if (parsed.phase === 'promoting') expect(text).toBe(formatResumePoint(parsed));
        else expect(text.startsWith(formatResumePoint({ ...parsed, paused: false }).trimEnd())).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
