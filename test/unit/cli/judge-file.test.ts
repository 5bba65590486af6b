import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { judge } from '../../../src/core/judge/index.js';
import { judgeJsonText, metricsItems } from '../../../src/cli/commands/judge-file.js';

// `slipway judge` reads its file one metric at a time; what it reports must be what judge() says
// of the file parsed whole, whatever the file's layout, and a bad file must get the same error.

const examples = fileURLToPath(new URL('../../../examples/judge/', import.meta.url));

/** What judge() makes of the text parsed whole: its report, or its error's message. */
function whole(text: string): unknown {
  try {
    return judge(JSON.parse(text) as Parameters<typeof judge>[0]);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function oneByOne(text: string): unknown {
  try {
    return judgeJsonText(text);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const rate = (name: string, canaryErrors = [1, 2, 0, 3]) => ({
  name,
  kind: 'rate',
  direction: 'increase',
  canary: { errors: canaryErrors, requests: [100, 100, 100, 100] },
  baseline: { errors: [10, 12, 9, 11], requests: [1000, 1000, 1000, 1000] },
});

describe('slipway judge reads a file one metric at a time', () => {
  test.each(readdirSync(examples).filter((f) => f.endsWith('.json')))('%s: the same report as the file parsed whole', (file) => {
    const text = readFileSync(`${examples}${file}`, 'utf8');
    expect(metricsItems(text)).toBeDefined();
    expect(oneByOne(text)).toEqual(whole(text));
  });

  test.each([
    ['metrics before the config, no whitespace', JSON.stringify({ metrics: [rate('a'), rate('b', [9, 9, 9, 9])], config: { alpha: 0.05 } })],
    ['names holding brackets, braces, commas, quotes and escapes', JSON.stringify({ config: { alpha: 0.01 }, metrics: [rate('x]},{"['), rate('tab\t"q"\\\\'), rate('\u00e9\u4e2d')] })],
    ['pretty-printed with CRLF line ends', JSON.stringify({ metrics: [rate('a'), rate('b')] }, null, 2).replace(/\n/g, '\r\n')],
    ['a key that only looks like metrics', JSON.stringify({ config: { metrics: [1] }, note: 'metrics', metrics: [rate('a')] })],
    ['"metrics" given twice (the last counts, as in JSON.parse)', `{"metrics": [${JSON.stringify(rate('first'))}], "metrics": [${JSON.stringify(rate('second'))}]}`],
    ['an escaped key', `{"m\\u0065trics": [${JSON.stringify(rate('a'))}]}`],
  ])('%s: the same report', (_name, text) => {
    const report = oneByOne(text);
    expect(report).toEqual(whole(text));
    expect(report).toHaveProperty('verdict');
  });

  test.each([
    ['a metric that is no object', JSON.stringify({ metrics: [rate('a'), 7] })],
    ['two metrics with one name', JSON.stringify({ metrics: [rate('a'), rate('a')] })],
    ['errors above requests in the last metric', JSON.stringify({ metrics: [rate('a'), rate('b', [1, 2, 3, 400])] })],
    ['every metric muted', JSON.stringify({ metrics: [{ ...rate('a'), muted: true }] })],
    ['no metrics', JSON.stringify({ metrics: [] })],
    ['metrics that are no list', JSON.stringify({ metrics: { a: 1 } })],
    ['a bad config', JSON.stringify({ config: { alpha: 2 }, metrics: [rate('a')] })],
    ['a top-level list', JSON.stringify([rate('a')])],
    ['a missing comma inside a metric', `{"metrics": [{"name": "a" "kind": "rate"}]}`],
    ['a missing bracket at the end', `{"metrics": [${JSON.stringify(rate('a'))}`],
    ['a trailing comma', `{"metrics": [${JSON.stringify(rate('a'))},]}`],
    ['a comma with no metric before it', `{"metrics": [ , ${JSON.stringify(rate('a'))}]}`],
    ['two commas in a row', `{"metrics": [${JSON.stringify(rate('a'))},,${JSON.stringify(rate('b'))}]}`],
    ['text after the object', `{"metrics": [${JSON.stringify(rate('a'))}]} x`],
  ])('%s: the same error as the file parsed whole', (_name, text) => {
    const result = oneByOne(text);
    expect(result).toEqual(whole(text));
    expect(result).toHaveProperty('error');
  });

  test('the items found are the metrics, each parsable on its own', () => {
    const metrics = [rate('a'), rate('b')];
    const text = JSON.stringify({ config: {}, metrics }, null, 1);
    const split = metricsItems(text)!;
    expect(split.items.map(([start, end]) => JSON.parse(text.slice(start, end)) as unknown)).toEqual(metrics);
    expect(JSON.parse(split.head)).toEqual({ config: {}, metrics: [] });
  });
});
