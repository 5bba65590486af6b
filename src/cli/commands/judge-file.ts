import { judge, judgeEach, type JudgeReport } from '../../core/judge/index.js';

// `slipway judge` reads files of millions of values. Parsed whole, every metric is alive at once
// and the garbage collector copies them all again and again; read one metric at a time, each is
// judged and let go. The file is scanned once for where the items of its `metrics` array lie, and
// each item is parsed on its own (docs/judge.md, "How fast"). Anything the scan does not expect
// is parsed whole instead, so a malformed file gets JSON's own error.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Judges the JSON text of a judge input (docs/judge.md, "Input"), as judge() on the parsed text. */
export function judgeJsonText(text: string): JudgeReport {
  const split = metricsItems(text);
  if (split) {
    try {
      const head: unknown = JSON.parse(split.head);
      const { items } = split;
      // A later "metrics" key would replace the one scanned: the whole text decides then.
      if (isEmptyMetrics(head)) return judgeEach(head, items.length, (i) => JSON.parse(text.slice(items[i][0], items[i][1])));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return judge(JSON.parse(text) as Parameters<typeof judge>[0]);
}

function isEmptyMetrics(head: unknown): boolean {
  return typeof head === 'object' && head !== null && Array.isArray((head as { metrics?: unknown }).metrics) && (head as { metrics: unknown[] }).metrics.length === 0;
}

/**
 * Where the items of the top-level object's `metrics` array lie ([start, end) of each), and the
 * text with that array emptied; undefined when there is no such array.
 */
export function metricsItems(text: string): { head: string; items: [number, number][] } | undefined {
  const items: [number, number][] = [];
  let depth = 0;
  let arrayStart = -1;
  let itemStart = -1;
  // The last string seen directly in the top-level object: the key, when a value follows it.
  let keyStart = -1;
  let keyEnd = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const inArray = arrayStart >= 0 && depth === 2;
    if (inArray && itemStart < 0 && c !== COMMA && c !== CLOSE_BRACKET && !isSpace(c)) itemStart = i;
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      if (depth === 1) [keyStart, keyEnd] = [i, end + 1];
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === 0 && c !== OPEN_BRACE) return undefined;
      if (depth === 1 && c === OPEN_BRACKET && arrayStart < 0 && isMetricsKey(text, keyStart, keyEnd, i)) arrayStart = i;
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (arrayStart >= 0 && depth === 1 && c === CLOSE_BRACKET) {
        if (itemStart >= 0) items.push([itemStart, i]);
        // A comma with no item after it: not JSON.
        else if (items.length > 0) return undefined;
        return { head: text.slice(0, arrayStart + 1) + text.slice(i), items };
      }
    } else if (c === COMMA && inArray) {
      if (itemStart < 0) return undefined;
      items.push([itemStart, i]);
      itemStart = -1;
    }
  }
  return undefined;
}

/** Index of the quote that closes the string opening at `start`; −1 when it never closes. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** Whether the string at [keyStart, keyEnd) is the key "metrics" and only a colon stands between it and `valueStart`. */
function isMetricsKey(text: string, keyStart: number, keyEnd: number, valueStart: number): boolean {
  if (keyStart < 0) return false;
  let colon = false;
  for (let i = keyEnd; i < valueStart; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON && !colon) colon = true;
    else if (!isSpace(c)) return false;
  }
  return colon && JSON.parse(text.slice(keyStart, keyEnd)) === 'metrics';
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
