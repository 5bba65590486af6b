// A small NRQL engine for the NerdGraph simulator: the part of the language Slipway's metrics use,
// run over events the test loads. Clauses in any order, each at most once:
//   SELECT count(*) | count(attr) | average(attr) | sum(attr) | min(attr) | max(attr) | percentile(attr, N) [AS 'label']
//   FROM EventType
//   WHERE cond [AND cond]…   cond: attr (= | != | < | <= | > | >=) 'string' | number,
//                                  attr [NOT] RLIKE 'regex', attr IS [NOT] TRUE | FALSE | NULL
//   FACET attr
//   SINCE <epoch ms> UNTIL <epoch ms>   (default: the hour before now)
//   TIMESERIES N second(s) | minute(s) | hour(s)
// Strings are single-quoted with backslash escapes (`\'`, `\\`); names may be backtick-quoted.
// RLIKE is matched against the whole value (RE2 semantics, as NRQL documents it). SINCE is
// inclusive, UNTIL exclusive. Results have NerdGraph's shape: a TIMESERIES row per bucket with
// beginTimeSeconds, endTimeSeconds and the aggregate under its name (`count`, `average.duration`,
// `percentile.duration: {"95": …}`, or the AS label); count and sum of no events are 0, the
// other aggregates null (average's null is documented). A FACET query adds the faceted attribute
// (and `facet`) to each row. No type coercion, as in NRQL: a string never equals a number.
// Anything else is a syntax error worded as NRDB words them.

/** One event: its type, its time (ms since the epoch) and its attributes. */
export interface NrqlEvent {
  eventType: string;
  timestamp: number;
  [attribute: string]: string | number | boolean;
}

/** A query NRDB refuses: NerdGraph answers it as a GraphQL error. */
export class NrqlError extends Error {}

type Value = string | number | boolean;
type Aggregate = { fn: 'count' | 'average' | 'sum' | 'min' | 'max' | 'percentile'; attribute?: string; percentile?: number; label?: string };
type Condition = (event: NrqlEvent) => boolean;

interface Query {
  aggregate: Aggregate;
  eventType: string;
  conditions: Condition[];
  facet?: string;
  since?: number;
  until?: number;
  bucketMs?: number;
}

interface Token {
  kind: 'word' | 'name' | 'string' | 'number' | 'symbol';
  text: string;
  value: string | number;
  at: number;
}

/** NRDB's limit on a TIMESERIES query's buckets. */
export const MAX_BUCKETS = 366;

const UNITS: Record<string, number> = { second: 1000, seconds: 1000, minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000 };

/** Runs `nrql` over `events`; `now` (ms) is where the default time range ends. Throws an NrqlError for what NRDB would refuse. */
export function runNrql(nrql: string, events: readonly NrqlEvent[], now: number): Record<string, unknown>[] {
  const query = parseQuery(nrql);
  const until = query.until ?? now;
  const since = query.since ?? until - 3_600_000;
  if (!(since < until)) throw new NrqlError("NRDB: Your query's start time must be before its end time.");
  const matching = events.filter((e) => e.eventType === query.eventType && e.timestamp >= since && e.timestamp < until && query.conditions.every((c) => c(e)));
  const key = aggregateKey(query.aggregate);
  const groups = query.facet === undefined ? [{ labels: {}, events: matching }] : facetGroups(matching, query.facet);
  if (query.bucketMs === undefined) return groups.map((g) => ({ ...g.labels, [key]: aggregate(query.aggregate, g.events) }));
  const step = query.bucketMs;
  if (step > until - since) throw new NrqlError('NRDB: TIMESERIES step size is larger than the current time window.');
  const buckets = Math.ceil((until - since) / step);
  if (buckets > MAX_BUCKETS) throw new NrqlError(`NRDB: TIMESERIES supports a maximum of ${MAX_BUCKETS} buckets; this query has ${buckets}.`);
  const rows: Record<string, unknown>[] = [];
  for (const group of groups) {
    for (let b = 0; b < buckets; b++) {
      const begin = since + b * step;
      const end = Math.min(begin + step, until);
      const inBucket = group.events.filter((e) => e.timestamp >= begin && e.timestamp < end);
      rows.push({ ...group.labels, beginTimeSeconds: Math.floor(begin / 1000), endTimeSeconds: Math.floor(end / 1000), [key]: aggregate(query.aggregate, inBucket) });
    }
  }
  return rows;
}

/** The FACET attribute of a query, if it has one (NerdGraph's metadata.facets). */
export function facetsOf(nrql: string): string[] {
  const facet = parseQuery(nrql).facet;
  return facet === undefined ? [] : [facet];
}

function facetGroups(events: NrqlEvent[], attribute: string): { labels: Record<string, unknown>; events: NrqlEvent[] }[] {
  const byValue = new Map<string, NrqlEvent[]>();
  for (const event of events) {
    const value = event[attribute];
    if (value === undefined) continue;
    const list = byValue.get(String(value)) ?? [];
    list.push(event);
    byValue.set(String(value), list);
  }
  return [...byValue].map(([value, list]) => ({ labels: { facet: value, [attribute]: value }, events: list }));
}

function aggregateKey(a: Aggregate): string {
  if (a.label !== undefined) return a.label;
  return a.fn === 'count' ? 'count' : `${a.fn}.${a.attribute}`;
}

function aggregate(a: Aggregate, events: NrqlEvent[]): unknown {
  if (a.fn === 'count') return a.attribute === undefined ? events.length : events.filter((e) => e[a.attribute!] !== undefined).length;
  const values = events.map((e) => e[a.attribute!]).filter((v): v is number => typeof v === 'number');
  switch (a.fn) {
    case 'sum':
      return values.reduce((s, v) => s + v, 0);
    case 'average':
      return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
    case 'min':
      return values.length === 0 ? null : Math.min(...values);
    case 'max':
      return values.length === 0 ? null : Math.max(...values);
    case 'percentile': {
      // Nearest rank; NRDB's own percentiles are estimates, close to this.
      const sorted = [...values].sort((x, y) => x - y);
      const value = sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((a.percentile! / 100) * sorted.length) - 1))];
      return { [String(a.percentile)]: value };
    }
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw syntaxError(text, i, what);
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== "'"; j++) {
        if (text[j] === '\\') j++;
        if (j >= text.length) break;
        value += text[j];
      }
      if (j >= text.length) fail('unterminated string');
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), value, at: i });
      i = j + 1;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) fail('unterminated quoted name');
      tokens.push({ kind: 'name', text: text.slice(i, end + 1), value: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', text: match[0], value: Number(match[0]), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'word', text: match[0], value: match[0], at: i });
      i += match[0].length;
    } else {
      const match = /^(!=|<=|>=|=|<|>|\(|\)|\*|,)/.exec(text.slice(i));
      if (!match) fail(`unexpected '${c}'`);
      tokens.push({ kind: 'symbol', text: match![0], value: match![0], at: i });
      i += match![0].length;
    }
  }
  return tokens;
}

/** NRDB's wording: "NRQL Syntax Error: Error at line 1 position 8, unexpected 'X'". */
function syntaxError(text: string, at: number, what: string): NrqlError {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const position = at - before.lastIndexOf('\n');
  return new NrqlError(`NRQL Syntax Error: Error at line ${line} position ${position}, ${what}`);
}

function parseQuery(text: string): Query {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what?: string): never => {
    const token = peek();
    throw syntaxError(text, token ? token.at : text.length, what ?? (token ? `unexpected '${token.text}'` : 'unexpected end of query'));
  };
  const isWord = (word: string) => peek()?.kind === 'word' && String(peek().value).toUpperCase() === word;
  const symbol = (s: string) => (peek()?.kind === 'symbol' && peek().value === s ? tokens[i++] : fail());
  const attribute = (): string => {
    const t = peek();
    if (t?.kind === 'name' || (t?.kind === 'word' && !KEYWORDS.has(String(t.value).toUpperCase()))) return String(tokens[i++].value);
    return fail();
  };
  const number = (): number => (peek()?.kind === 'number' ? (tokens[i++].value as number) : fail());
  const string = (): string => (peek()?.kind === 'string' ? String(tokens[i++].value) : fail());

  const query: Partial<Query> = { conditions: [] };
  const seen = new Set<string>();
  while (i < tokens.length) {
    const clause = peek().kind === 'word' ? String(peek().value).toUpperCase() : '';
    if (!CLAUSES.has(clause) || seen.has(clause)) fail();
    seen.add(clause);
    i++;
    switch (clause) {
      case 'SELECT': {
        const fn = String(peek()?.value ?? '').toLowerCase();
        if (!['count', 'average', 'sum', 'min', 'max', 'percentile'].includes(fn)) fail();
        i++;
        symbol('(');
        const aggregate: Aggregate = { fn: fn as Aggregate['fn'] };
        if (fn === 'count' && peek()?.value === '*') i++;
        else aggregate.attribute = attribute();
        if (fn === 'percentile') {
          symbol(',');
          aggregate.percentile = number();
        }
        symbol(')');
        if (isWord('AS')) {
          i++;
          aggregate.label = string();
        }
        query.aggregate = aggregate;
        break;
      }
      case 'FROM':
        query.eventType = attribute();
        break;
      case 'WHERE':
        query.conditions!.push(condition());
        while (isWord('AND')) {
          i++;
          query.conditions!.push(condition());
        }
        break;
      case 'FACET':
        query.facet = attribute();
        break;
      case 'SINCE':
        query.since = number();
        break;
      case 'UNTIL':
        query.until = number();
        break;
      case 'TIMESERIES': {
        const n = number();
        const unit = UNITS[String(peek()?.value ?? '').toLowerCase()] ?? fail();
        i++;
        query.bucketMs = n * unit;
        break;
      }
    }
  }
  if (!query.aggregate) throw syntaxError(text, text.length, 'a query needs SELECT');
  if (!query.eventType) throw syntaxError(text, text.length, 'a query needs FROM');
  return query as Query;

  function condition(): Condition {
    const name = attribute();
    if (isWord('IS')) {
      i++;
      const not = isWord('NOT') ? (i++, true) : false;
      const what = String(peek()?.value ?? '').toUpperCase();
      if (!['TRUE', 'FALSE', 'NULL'].includes(what)) fail();
      i++;
      const test = (v: Value | undefined) => (what === 'NULL' ? v === undefined : v === (what === 'TRUE'));
      return (e) => test(e[name]) !== not;
    }
    const not = isWord('NOT') ? (i++, true) : false;
    if (isWord('RLIKE')) {
      i++;
      const pattern = string();
      let regex: RegExp;
      try {
        regex = new RegExp(`^(?:${pattern})$`, 's');
      } catch {
        throw new NrqlError(`NRQL Syntax Error: invalid regular expression '${pattern}'`);
      }
      // An absent attribute is NULL: neither RLIKE nor NOT RLIKE matches it.
      return (e) => typeof e[name] === 'string' && regex.test(e[name] as string) !== not;
    }
    if (not) fail();
    const op = peek()?.kind === 'symbol' && ['=', '!=', '<', '<=', '>', '>='].includes(String(peek().value)) ? String(tokens[i++].value) : fail();
    const t = peek();
    const value: Value = t?.kind === 'string' || t?.kind === 'number' ? tokens[i++].value : isWord('TRUE') || isWord('FALSE') ? String(tokens[i++].value).toUpperCase() === 'TRUE' : fail();
    return (e) => compare(e[name], op, value);
  }
}

const CLAUSES = new Set(['SELECT', 'FROM', 'WHERE', 'FACET', 'SINCE', 'UNTIL', 'TIMESERIES']);
const KEYWORDS = new Set([...CLAUSES, 'AND', 'OR', 'AS', 'IS', 'NOT', 'RLIKE', 'LIKE', 'IN', 'NULL', 'TRUE', 'FALSE', 'LIMIT']);

/** NULL compares to nothing; a string and a number are never equal (no coercion). */
function compare(actual: Value | undefined, op: string, expected: Value): boolean {
  if (actual === undefined || typeof actual !== typeof expected) return false;
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    default:
      return actual >= expected;
  }
}
