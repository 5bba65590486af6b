import { describe, expect, test } from '@jest/globals';
import { routerSettingsInput } from '../../src/actions/common/router-input.js';
import { parseMetricsYaml } from '../../src/core/metrics/metrics-config.js';
import { loadPlan } from '../../src/core/plan/index.js';
import { loadYaml, MAX_YAML_BYTES } from '../../src/core/yaml.js';

// Issue 12, point 6: hostile YAML is cheap to refuse. A 450-byte alias bomb used to take 4 s and
// 750 MB in validation and messages before a RangeError.

/** A billion-laughs document: each level refers nine times to the one before. */
function aliasBomb(levels = 9, rootKey?: string): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  let previous = 'a';
  for (const name of 'bcdefghijklmnop'.slice(0, levels - 1)) {
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    previous = name;
  }
  if (rootKey) lines.push(`${rootKey}: *${previous}`);
  return lines.join('\n');
}

function measured<T>(run: () => T): { error: Error; ms: number; heapMb: number } {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  let error: Error | undefined;
  try {
    run();
  } catch (e) {
    error = e as Error;
  }
  return { error: error!, ms: Number(process.hrtime.bigint() - started) / 1e6, heapMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20 };
}

describe('hostile YAML', () => {
  test('the bomb is under 500 bytes and expands past the limit', () => {
    expect(aliasBomb().length).toBeLessThan(500);
    expect(() => loadYaml(aliasBomb())).toThrow(/alias bomb/);
  });

  test.each([
    ['a plan', (text: string) => loadPlan(text, 'plan.yml'), /plan\.yml/],
    ['the router input', (text: string) => routerSettingsInput('router', text), /Input 'router'/],
    ['the metrics input', (text: string) => parseMetricsYaml(text, "input 'metrics'"), /input 'metrics'/],
  ])('%s with an alias bomb is refused with an error naming the input, without the time or memory a walk would take', (_name, parse, where) => {
    const { error, ms, heapMb } = measured(() => parse(aliasBomb(9, 'steps')));
    expect(error).toBeDefined();
    expect(error.message).toMatch(where);
    expect(error.message).toMatch(/alias/);
    expect(error.message.length).toBeLessThan(1000);
    // Not timing assertions of speed: bounds a thousand times above what the refusal costs, far
    // below what the walk cost (4 s, 750 MB), so only the removed guard can break them.
    expect(ms).toBeLessThan(1000);
    expect(heapMb).toBeLessThan(100);
  });

  test('a recursive alias is refused', () => {
    expect(() => loadYaml('a: &a [*a]')).toThrow(/recursive alias/);
  });

  test('text over the size limit is refused before it is parsed', () => {
    expect(() => loadYaml(`a: "${'x'.repeat(MAX_YAML_BYTES)}"`)).toThrow(/more than the 1048576 accepted/);
  });

  test('ordinary aliases still work', () => {
    expect(loadYaml('base: &b {interval: 1m}\nfirst: *b\nsecond: *b')).toEqual({ base: { interval: '1m' }, first: { interval: '1m' }, second: { interval: '1m' } });
  });
});
