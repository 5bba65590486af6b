import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { cutDescription } from '../../../../src/core/ledger/index.js';
import { loadPlan, parseStepPosition, promotingDescription, stepDescription } from '../../../../src/core/plan/index.js';

// The resume point a later run reads is written by one formatter and read by its parser: every
// description the engine writes reads back to the position and weight it was written with.

const plan = (steps: number) => loadPlan(`router: {provider: double}\nsteps:\n${Array.from({ length: steps }, (_, i) => `  - setWeight: ${Math.min(100, (i + 1) * 10)}\n`).join('')}`);

describe('the resume point', () => {
  test('a step description reads back to its step, step count and weight, even cut to 140 characters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 100 }), fc.string({ maxLength: 200 }), fc.boolean(), (steps, weight, note, blueGreen) => {
        // A blue-green plan's descriptions say "new version" instead of "canary".
        const rollout = { ...plan(steps), strategy: blueGreen ? ('blue-green' as const) : ('canary' as const) };
        for (let index = 0; index < steps; index++) {
          const written = cutDescription(stepDescription(rollout, index, weight, note));
          expect(parseStepPosition(written)).toEqual({ step: index + 1, total: steps, canaryWeight: weight, paused: note.startsWith('paused') });
        }
      }),
    );
  });

  test('a run that stopped on purpose reads back as paused, so another run does not take it for a live one', () => {
    expect(parseStepPosition(stepDescription(plan(3), 1, 20, 'paused until the next run'))).toMatchObject({ step: 2, paused: true });
    expect(parseStepPosition(stepDescription(plan(3), 1, 20, 'paused: analysis inconclusive (score 50)'))).toMatchObject({ step: 2, paused: true });
    expect(parseStepPosition(stepDescription(plan(3), 1, 20, 'analysis 2m running'))).toMatchObject({ step: 2, paused: false });
  });

  test('the promotion reads back as the position after the last step', () => {
    expect(parseStepPosition(promotingDescription(plan(4)))).toEqual({ step: 5, total: 4 });
  });

  test('text the engine did not write is no resume point', () => {
    for (const text of ['', 'superseded by a rollout of x', 'stopped at step 3/4; traffic back on stable', 'promoted · canary · 4/4 steps', 'promoting · 4/5 steps passed']) {
      expect(parseStepPosition(text)).toBeUndefined();
    }
  });
});
