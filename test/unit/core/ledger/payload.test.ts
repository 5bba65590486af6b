import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { artifactFromRef, buildPayload, cutDescription, parsePayload, succeededAndStood } from '../../../../src/core/ledger/index.js';
import type { SourceInfo } from '../../../../src/core/ledger/index.js';

const source: SourceInfo = { sha: 'a'.repeat(40), ref: 'refs/heads/main', runId: 7, runAttempt: 1, actor: 'octocat', workflow: 'deploy' };
const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('artifact references', () => {
  test.each([
    [`app@${digest}`, true],
    [`ghcr.io/octo/app@${digest}`, true],
    [`localhost:5000/app@${digest}`, true],
    ['app:1.2.3', false],
    [`app@sha256:${'a'.repeat(63)}`, false],
    [`app@sha256:${'A'.repeat(64)}`, false],
    [`@${digest}`, false],
  ])('%s is a pinned reference: %s', (ref, valid) => {
    expect(artifactFromRef(ref) !== null).toBe(valid);
  });

  test('the digest is taken from the reference', () => {
    expect(artifactFromRef(`app@${digest}`)).toEqual({ ref: `app@${digest}`, digest });
  });
});

describe('payloads', () => {
  test('a built payload parses back to itself, as an object or as the JSON string GitHub may return', () => {
    const payload = buildPayload({ environment: 'staging', ref: 'main', artifact: artifactFromRef(`app@${digest}`)!, strategy: 'canary', rollbackOf: 12 }, source, 11, 'n-1');
    expect(parsePayload(payload)).toEqual(payload);
    expect(parsePayload(JSON.stringify(payload))).toEqual(payload);
    expect(payload).toMatchObject({ schema: 'slipway/v1', previousGood: 11, rollbackOf: 12, nonce: 'n-1', source });
  });

  test('an unknown previousGood is left out, a known absence is null', () => {
    expect('previousGood' in buildPayload({ environment: 'e', ref: 'r' }, source, undefined, 'n')).toBe(false);
    expect(buildPayload({ environment: 'e', ref: 'r' }, source, null, 'n').previousGood).toBeNull();
  });

  test('a deployment records its slot, and a payload from before slots (none) still parses', () => {
    const withSlot = buildPayload({ environment: 'e', ref: 'r', artifact: artifactFromRef(`app@${digest}`)!, slot: 'green' }, source, 11, 'n');
    expect(parsePayload(JSON.stringify(withSlot))).toMatchObject({ slot: 'green', previousGood: 11 });
    const before = { schema: 'slipway/v1', source, artifact: artifactFromRef(`app@${digest}`), previousGood: 3 };
    expect(parsePayload(before)).toEqual(before);
    expect(parsePayload(before)?.slot).toBeUndefined();
  });

  test.each([
    ['a slot that is not a slot name', { schema: 'slipway/v1', source, slot: 'Blue Slot' }],
    ['an empty object', {}],
    ['another schema', { schema: 'other/v1', source }],
    ['a slipway payload without source', { schema: 'slipway/v1' }],
    ['a malformed previousGood', { schema: 'slipway/v1', source, previousGood: 'abc' }],
    ['a malformed rollbackOf', { schema: 'slipway/v1', source, rollbackOf: -1 }],
    ['text that is not JSON', 'deploy please'],
    ['an array', [1, 2]],
    ['null', null],
  ])('%s is foreign (null)', (_what, raw) => {
    expect(parsePayload(raw)).toBeNull();
  });
});

describe('descriptions', () => {
  test('text up to 140 characters is kept as is', () => {
    expect(cutDescription('canary 25% · step 3/6')).toBe('canary 25% · step 3/6');
    expect(cutDescription('x'.repeat(140))).toBe('x'.repeat(140));
  });

  test('longer text is cut to 140 characters ending with …', () => {
    const cut = cutDescription('y'.repeat(200));
    expect(cut).toBe(`${'y'.repeat(139)}…`);
  });

  test('a cut never splits an emoji or a surrogate pair', () => {
    const cut = cutDescription(`${'a'.repeat(138)}👩‍👩‍👧 done`);
    expect(cut).toBe(`${'a'.repeat(138)}…`);
  });

  test('any text is cut to at most 140 code points, a prefix of the original plus …', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const cut = cutDescription(text);
        expect([...cut].length).toBeLessThanOrEqual(140);
        if (cut !== text) {
          expect(cut.endsWith('…')).toBe(true);
          expect(text.startsWith(cut.slice(0, -1))).toBe(true);
        }
      }),
    );
  });
});

describe('reaching success and standing', () => {
  const statuses = (...states: string[]) => states.reverse().map((state) => ({ state })); // newest first, as GitHub lists them
  test.each([
    [['in_progress', 'success'], true],
    [['queued', 'in_progress', 'success', 'inactive'], true],
    [['in_progress', 'failure'], false],
    [['in_progress', 'success', 'failure'], false],
    [['in_progress', 'success', 'error', 'inactive'], false],
    [['in_progress'], false],
    [[], false],
  ])('%j stood: %s', (states, expected) => {
    expect(succeededAndStood(statuses(...states))).toBe(expected);
  });
});
