import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { checkTemplate, escapeString, parseSelector, renderSelector, renderTemplate, type LabelMatcher } from '../../../../src/core/metrics/template.js';

const v2: LabelMatcher[] = [{ name: 'version', op: '=', value: 'v2' }];
const v1: LabelMatcher[] = [{ name: 'version', op: '=', value: 'v1' }];
const values = (selector: LabelMatcher[] = v2) => ({ selector, canary: v2, baseline: v1, intervalSeconds: 10 });

describe('parseSelector', () => {
  test.each([
    ['version="v2"', [{ name: 'version', op: '=', value: 'v2' }]],
    ['{version="v2"}', [{ name: 'version', op: '=', value: 'v2' }]],
    [" app=~'web|api' , version!=\"v1\", zone!~\"eu-.*\" ", [
      { name: 'app', op: '=~', value: 'web|api' },
      { name: 'version', op: '!=', value: 'v1' },
      { name: 'zone', op: '!~', value: 'eu-.*' },
    ]],
    ['version="a\\"b"', [{ name: 'version', op: '=', value: 'a"b' }]],
    ['version="a}b"', [{ name: 'version', op: '=', value: 'a}b' }]],
  ])('reads %s as label matchers', (text, expected) => {
    expect(parseSelector(text, 'canary-selector')).toEqual(expected);
  });

  test.each([
    ['version="v2"}, job=~".+', "unexpected \"}\""],
    ['version="v2"} or vector(1) or up{a="', "unexpected \"}\""],
    ['version=v2', 'expected a quoted value'],
    ['version="v2', 'has no closing "'],
    ['version=="v2"', 'expected a quoted value'],
    ['version="v2" job="x"', 'unexpected "j"'],
    ['1version="v2"', 'expected a label name'],
    ['', 'no label matcher'],
    ['{version="v2"', 'without its closing }'],
    ['app=~"("', 'not a valid regular expression'],
    ['version="v2"\nor vector(1)', 'unexpected "o"'],
  ])('rejects %j naming the input, the value and what is wrong', (text, why) => {
    expect(() => parseSelector(text, 'canary-selector')).toThrow(/Input 'canary-selector' (has the value .*|is missing): expected comma-separated Prometheus label matchers/);
    expect(() => parseSelector(text, 'canary-selector')).toThrow(why);
  });
});

describe('renderSelector', () => {
  test('escapes quotes, backslashes and line breaks inside the value', () => {
    expect(renderSelector([{ name: 'version', op: '=', value: 'a"b\\c\nd}' }])).toBe('version="a\\"b\\\\c\\nd}"');
  });

  test('any value survives a render and parse round trip unchanged', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('=', '!=', '=~', '!~'), (value, op) => {
        fc.pre(op === '=' || op === '!=' || isRegex(value));
        const matchers = [{ name: 'version', op, value } as LabelMatcher];
        expect(parseSelector(renderSelector(matchers), 'x')).toEqual(matchers);
      }),
    );
  });

  test('an escaped value never closes its string: the rendered query has exactly one string literal per matcher', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const query = renderTemplate('sum(up{{{selector}}})', values([{ name: 'version', op: '=', value }]), 'q');
        expect(unquotedText(query)).toBe('sum(up{version=})');
      }),
    );
  });
});

describe('renderTemplate', () => {
  test('fills the selector of the side being queried, both sides, the version and the interval', () => {
    const template = 'sum(increase(x{{{selector}}, code=~"5.."}[{{interval}}])) / sum(y{{{canary}}}) + sum(z{{{baseline}}}) + w{v="{{version}}"}';
    expect(renderTemplate(template, values(), 'q')).toBe(
      'sum(increase(x{version="v2", code=~"5.."}[10s])) / sum(y{version="v2"}) + sum(z{version="v1"}) + w{v="v2"}',
    );
  });

  test('escapes the version inside its string', () => {
    expect(renderTemplate('x{v="{{version}}"}', values([{ name: 'version', op: '=', value: 'v"2' }]), 'q')).toBe('x{v="v\\"2"}');
  });

  test('{{version}} without a version matcher is an error naming the selector', () => {
    expect(() => renderTemplate('x{v="{{version}}"}', values([{ name: 'app', op: '=', value: 'web' }]), 'metric "m" field query')).toThrow(
      'metric "m" field query: {{version}} needs a version="…" matcher in the selector "app=\\"web\\"".',
    );
  });
});

describe('checkTemplate', () => {
  test('lists the placeholders used', () => {
    expect([...checkTemplate('a{{{selector}}} / b{{{baseline}}}[{{interval}}]', 'q')]).toEqual(['selector', 'baseline', 'interval']);
  });

  test.each([
    ['x{{{canry}}}', 'unknown placeholder {{canry}}; supported: {{selector}}, {{canary}}, {{baseline}}, {{version}}, {{interval}}'],
    ['x{v={{version}}}', '{{version}} must stand inside a double-quoted string'],
    ["x{v='{{version}}'}", '{{version}} must stand inside a double-quoted string'],
    ['x{v="{{selector}}"}', '{{selector}} must not stand inside a string literal'],
    ['label_replace(x, "a", "{{canary}}", "b", "c")', '{{canary}} must not stand inside a string literal'],
  ])('rejects %s', (template, message) => {
    expect(() => checkTemplate(template, 'metric "m" field query')).toThrow(`metric "m" field query: ${message}`);
  });

  test('a quote escaped inside a string does not end it', () => {
    expect(() => checkTemplate('x{a="\\"{{selector}}"}', 'q')).toThrow('must not stand inside a string literal');
  });
});

describe('escapeString', () => {
  test('turns control characters into escapes', () => {
    expect(escapeString('a\u0000b\tc\u007f')).toBe('a\\u0000b\\tc\\u007f');
  });
});

function isRegex(value: string): boolean {
  try {
    new RegExp(value);
    return true;
  } catch {
    return false;
  }
}

/** The query with the contents of every double-quoted string removed (escapes honoured). */
function unquotedText(query: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else {
      out += c;
    }
  }
  return out;
}
