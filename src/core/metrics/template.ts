import { InputError, SlipwayError } from '../errors.js';
import type { QueryDialect } from './types.js';

// Query templates: `{{selector}}`, `{{canary}}`, `{{baseline}}`, `{{version}}` and `{{interval}}`
// are replaced by values that can never change the query's meaning. Selectors are parsed as
// Prometheus label matchers and re-rendered with their values escaped; each placeholder may only
// stand where its rendering is inert (matchers outside string literals, `{{version}}` inside a
// double-quoted one). Anything else is rejected before a single query is sent. A plan with slots
// may put `{{canarySlot}}` and `{{stableSlot}}` in its selectors' values; the rollout fills them
// once it knows which slot the new version goes into.

/** A Prometheus label matcher operator. */
export type MatchOperator = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector, e.g. `version="v2"`. */
export interface LabelMatcher {
  name: string;
  op: MatchOperator;
  value: string;
}

/** The placeholders a template may hold. */
export const PLACEHOLDERS = ['selector', 'canary', 'baseline', 'version', 'interval'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** What the placeholders of one query are replaced by. */
export interface TemplateValues {
  /** The matchers of the side being queried (`{{selector}}`). */
  selector: LabelMatcher[];
  canary: LabelMatcher[];
  baseline: LabelMatcher[];
  /** The analysis interval in seconds, rendered as a Prometheus duration (`{{interval}}`, e.g. `10s`). */
  intervalSeconds: number;
}

const SELECTOR_HELP = 'comma-separated Prometheus label matchers such as version="v2", app=~"web|api" (a label name, one of =, !=, =~, !~, and a quoted value)';
const SELECTOR_FIX = 'quote every value with " (escape a " or \\ inside it with a backslash) and leave out the surrounding braces or keep both';

/**
 * The placeholders a selector's values may hold in a plan with `slots:`: the slot the new version
 * goes into and the slot of the stable version. They swap every release, so a selector naming a
 * slot label must follow them (docs/analysis.md, "Selectors that follow the slots").
 */
export const SLOT_PLACEHOLDERS = ['canarySlot', 'stableSlot'] as const;
export type SlotPlaceholder = (typeof SLOT_PLACEHOLDERS)[number];

/** The slot names a rollout fills the slot placeholders with. */
export interface SlotNames {
  canarySlot: string;
  stableSlot: string;
}

/** Options of parseSelector. */
export interface SelectorOptions {
  /** Accept {{canarySlot}} and {{stableSlot}} in values (a plan with slots; default false). */
  slotPlaceholders?: boolean;
}

const SLOT_PLACEHOLDER = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;

/** Parses label matchers (`a="x", b!~"y.*"`, optionally inside `{…}`); throws an InputError naming `input` otherwise. */
export function parseSelector(text: string, input: string, options: SelectorOptions = {}): LabelMatcher[] {
  const fail = (at: number, what: string): never => {
    throw new InputError(input, text, `${SELECTOR_HELP}; at character ${at + 1}: ${what}`, SELECTOR_FIX);
  };
  let body = text.trim();
  let offset = text.indexOf(body);
  if (body.startsWith('{')) {
    if (!body.endsWith('}')) fail(offset, 'an opening { without its closing }');
    body = body.slice(1, -1);
    offset += 1;
  }
  const matchers: LabelMatcher[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < body.length && /\s/.test(body[i])) i++;
  };
  skipSpace();
  while (i < body.length) {
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(i))?.[0];
    if (!name) fail(offset + i, `expected a label name, found ${JSON.stringify(body[i])}`);
    i += name!.length;
    skipSpace();
    const op = /^(=~|!~|!=|=)/.exec(body.slice(i))?.[0] as MatchOperator | undefined;
    if (!op) fail(offset + i, `expected =, !=, =~ or !~ after ${name}`);
    i += op!.length;
    skipSpace();
    const quote = body[i];
    if (quote !== '"' && quote !== "'") fail(offset + i, `expected a quoted value after ${name}${op}`);
    const [value, end] = readQuoted(body, i) ?? fail(offset + i, `the value of ${name} has no closing ${quote}`);
    checkSlotPlaceholders(text, value, input, options);
    if (op === '=~' || op === '!~') checkRegex(value, (what) => fail(offset + i, what));
    matchers.push({ name: name!, op: op!, value });
    i = end;
    skipSpace();
    if (i < body.length) {
      if (body[i] !== ',') fail(offset + i, `unexpected ${JSON.stringify(body[i])} after ${name}${op}${JSON.stringify(value)}`);
      i++;
      skipSpace();
    }
  }
  if (matchers.length === 0) fail(offset, 'no label matcher');
  return matchers;
}

/** The slot placeholders the matchers' values hold. */
export function slotPlaceholdersIn(matchers: LabelMatcher[]): Set<SlotPlaceholder> {
  const used = new Set<SlotPlaceholder>();
  for (const matcher of matchers) for (const [, name] of matcher.value.matchAll(SLOT_PLACEHOLDER)) used.add(name as SlotPlaceholder);
  return used;
}

/** The matchers with {{canarySlot}} and {{stableSlot}} replaced by the slots' names (plain lower-case words, inert in a regex too). */
export function fillSlotPlaceholders(matchers: LabelMatcher[], slots: SlotNames): LabelMatcher[] {
  return matchers.map((m) => ({ ...m, value: m.value.replace(SLOT_PLACEHOLDER, (_, name: string) => slots[name as SlotPlaceholder]) }));
}

function checkSlotPlaceholders(text: string, value: string, input: string, options: SelectorOptions): void {
  for (const [placeholder, name] of value.matchAll(SLOT_PLACEHOLDER)) {
    if (!(SLOT_PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new InputError(input, text, `label matchers whose values hold no placeholder but {{canarySlot}} and {{stableSlot}} (found ${placeholder})`, 'write e.g. slot="{{canarySlot}}" for the slot of the new version');
    }
    if (!options.slotPlaceholders) {
      throw new InputError(input, text, `label matchers without ${placeholder}: it names a slot, and only a plan with \`slots:\` has slots (docs/rollout.md)`, 'name the version\'s own labels, e.g. version="v2", or give the plan `slots:`');
    }
  }
}

/** Renders matchers back as PromQL (`a="x", b=~"y"`), every value escaped as a double-quoted string. */
export function renderSelector(matchers: LabelMatcher[]): string {
  return matchers.map((m) => `${m.name}${m.op}"${escapeString(m.value)}"`).join(', ');
}

/** Escapes text for the inside of a PromQL double-quoted string: backslash, quote and control characters. */
export function escapeString(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  return value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    if (c === '\\' || c === '"') return `\\${c}`;
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** The value of the `version` equality matcher of a selector, if it has one. */
export function versionOf(matchers: LabelMatcher[]): string | undefined {
  return matchers.find((m) => m.name === 'version' && m.op === '=')?.value;
}

/**
 * What a query language makes of the placeholders: how a selector is written outside any string
 * literal, how `{{version}}` is escaped inside the literal it must stand in, and how `{{interval}}`
 * is written. A dialect (types.ts QueryDialect) is built from these by makeDialect.
 */
export interface DialectParts {
  language: string;
  example: string;
  /** The matchers as this language filters by them (values escaped). */
  selector(matchers: LabelMatcher[]): string;
  /** The quote character of the string literal `{{version}}` must stand in ('' where it stands outside any, e.g. in a URL). */
  versionQuote: string;
  /** The version escaped for the inside of that literal. */
  version(value: string): string;
  /** The interval as this language writes a duration. */
  interval(seconds: number): string;
  /** Throws a SlipwayError naming `where` for matchers the language cannot express. */
  checkSelector(matchers: LabelMatcher[], where: string): void;
}

/** A query dialect from its parts: placement checked by one scan, values rendered by the parts. */
export function makeDialect(parts: DialectParts): QueryDialect {
  const check = (template: string, where: string): Set<Placeholder> => {
    const used = new Set<Placeholder>();
    scan(template, (name, inString) => {
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        // The slots reach a query through the selectors, which hold them.
        const slotHint = (SLOT_PLACEHOLDERS as readonly string[]).includes(name) ? ` Put {{${name}}} in canarySelector or baselineSelector (e.g. slot="{{${name}}}") and write {{canary}}, {{baseline}} or {{selector}} here.` : '';
        throw new SlipwayError(`${where}: unknown placeholder {{${name}}}; supported: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}.${slotHint}`);
      }
      if (name === 'version' && inString !== parts.versionQuote) {
        const place = { '"': 'inside a double-quoted string', "'": 'inside a single-quoted string', '': 'outside any string literal' }[parts.versionQuote] ?? `inside a ${parts.versionQuote}-quoted string`;
        throw new SlipwayError(`${where}: {{version}} must stand ${place}, e.g. ${parts.versionQuote}{{version}}${parts.versionQuote}.`);
      }
      if (name !== 'version' && inString) {
        throw new SlipwayError(`${where}: {{${name}}} must not stand inside a string literal; write e.g. ${parts.example}.`);
      }
      used.add(name as Placeholder);
    });
    return used;
  };
  const placeholder = (name: Placeholder, values: TemplateValues, where: string): string => {
    switch (name) {
      case 'selector':
        return parts.selector(values.selector);
      case 'canary':
        return parts.selector(values.canary);
      case 'baseline':
        return parts.selector(values.baseline);
      case 'interval':
        return parts.interval(Math.max(1, Math.round(values.intervalSeconds)));
      case 'version': {
        const version = versionOf(values.selector);
        if (version === undefined) throw new SlipwayError(`${where}: {{version}} needs a version="…" matcher in the selector ${JSON.stringify(renderSelector(values.selector))}.`);
        return parts.version(version);
      }
    }
  };
  return {
    language: parts.language,
    example: parts.example,
    check,
    checkSelector: parts.checkSelector,
    render(template, values, where) {
      check(template, where);
      const rendered: string[] = [];
      let last = 0;
      scan(template, (name, _inString, start, end) => {
        rendered.push(template.slice(last, start), placeholder(name as Placeholder, values, where));
        last = end;
      });
      rendered.push(template.slice(last));
      return rendered.join('');
    },
  };
}

/** PromQL: Prometheus and every service that speaks its HTTP API. Any matcher parseSelector accepts is PromQL. */
export const promqlDialect = makeDialect({
  language: 'PromQL',
  example: 'http_requests_total{{{selector}}}',
  selector: renderSelector,
  versionQuote: '"',
  version: escapeString,
  interval: (seconds) => `${seconds}s`,
  checkSelector: () => undefined,
});

/**
 * Checks where the placeholders of a PromQL template stand, throwing a SlipwayError that names
 * `where` (e.g. `metric "error-rate" field errors`) for an unknown placeholder or one in an unsafe place.
 * Returns the placeholders used.
 */
export function checkTemplate(template: string, where: string): Set<string> {
  return promqlDialect.check(template, where);
}

/** Fills a checked PromQL template; `{{version}}` needs a `version="…"` matcher in the side's selector. */
export function renderTemplate(template: string, values: TemplateValues, where: string): string {
  return promqlDialect.render(template, values, where);
}

/** A query placeholder, `{{name}}`, at the start of the text: its name is the first group. */
const QUERY_PLACEHOLDER = /^\{\{\s*([A-Za-z_]+)\s*\}\}/;

/**
 * Calls `visit` for every placeholder `pattern` finds (anchored at the start, its name the first
 * group; default `{{name}}`) with the PromQL string literal it stands in (the quote char, or '').
 */
export function scan(template: string, visit: (name: string, inString: string, start: number, end: number) => void, pattern: RegExp = QUERY_PLACEHOLDER): void {
  let quote = '';
  for (let i = 0; i < template.length; i++) {
    const placeholder = pattern.exec(template.slice(i));
    if (placeholder) {
      visit(placeholder[1], quote, i, i + placeholder[0].length);
      i += placeholder[0].length - 1;
      continue;
    }
    const c = template[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    }
  }
}

/** Reads a quoted PromQL string starting at `start`; returns its value and the index after it. */
function readQuoted(text: string, start: number): [string, number] | undefined {
  const quote = text[start];
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote) return [value, i + 1];
    if (c === '\\') {
      const next = text[++i];
      if (next === undefined) return undefined;
      value += escapes[next] ?? `\\${next}`;
    } else {
      value += c;
    }
  }
  return undefined;
}

/** Prometheus regexes are RE2, fully anchored; a pattern JavaScript cannot parse is surely bad. */
function checkRegex(value: string, fail: (what: string) => never): void {
  try {
    new RegExp(value);
  } catch (error) {
    fail(`${JSON.stringify(value)} is not a valid regular expression (${(error as Error).message})`);
  }
}
