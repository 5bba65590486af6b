import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource } from '../../../../src/core/metrics/file.js';

const dir = mkdtempSync(join(tmpdir(), 'slipway-file-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const document = { series: { 'up{version="v2"}': [[30, 1], [10, '2'], [20, null], [40, 'NaN']] } };
const window = (start: number, end: number) => ({ start: new Date(start * 1000), end: new Date(end * 1000), stepSeconds: 10 });

describe('file metric source', () => {
  test('returns the saved samples inside the window in time order, null and "NaN" as NaN', async () => {
    const source = new FileSource({ document });
    expect(await source.queryRange('up{version="v2"}', window(10, 30))).toEqual([
      { time: 10, value: 2 },
      { time: 20, value: NaN },
      { time: 30, value: 1 },
    ]);
  });

  test('a query the file does not hold has no data: an empty series and a NaN instant value, never zero', async () => {
    const source = new FileSource({ document });
    expect(await source.queryRange('up{version="v3"}', window(0, 100))).toEqual([]);
    expect(await source.queryInstant('up{version="v3"}')).toBeNaN();
  });

  test('an instant query returns the latest value at or before the time', async () => {
    const source = new FileSource({ document });
    expect(await source.queryInstant('up{version="v2"}', new Date(35_000))).toBe(1);
    expect(await source.queryInstant('up{version="v2"}', new Date(5_000))).toBeNaN();
  });

  test('reads the series from a JSON file named by `path`', async () => {
    const path = join(dir, 'series.json');
    writeFileSync(path, JSON.stringify(document));
    const source = new FileSource({ path });
    expect(source.type).toBe('file');
    expect(await source.queryInstant('up{version="v2"}', new Date(10_000))).toBe(2);
  });

  test.each([
    [{ series: [] }, 'expected {"series": {"<query>": [[<unix seconds>, <value>], …]}}'],
    [{ series: { q: [[1]] } }, 'series "q" must be a list of [<unix seconds>, <value>] pairs'],
  ])('rejects a malformed document %j', (bad, message) => {
    expect(() => new FileSource({ document: bad })).toThrow(message);
  });

  test('names the file that is not JSON', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{');
    expect(() => new FileSource({ path })).toThrow(`metrics file ${path}: cannot read it as JSON`);
  });
});
