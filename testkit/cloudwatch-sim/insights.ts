// A small CloudWatch Metrics Insights: the subset Slipway's cloudwatch dialect writes and its
// tests query, parsed as the CloudWatch user guide describes it ("Metrics Insights query
// components and syntax") and evaluated over datapoints the test loads.
//
//   SELECT SUM|AVG|MAX|MIN|COUNT(metric)
//   FROM namespace | SCHEMA(namespace [, labelKey …])
//   [WHERE labelKey =|!= 'value' [AND …]]
//   [GROUP BY labelKey [, …]]
//
// Keywords are case-insensitive, identifiers are not; an identifier is bare (letters, digits, _)
// or double-quoted; a label value is single-quoted; a quotation mark inside either is escaped with
// a backslash. FROM a namespace matches the metric whatever its dimensions; FROM SCHEMA(…) only
// those with exactly the listed dimension keys. The function aggregates every observation the
// query matches within each period. ORDER BY, LIMIT and metric math are not simulated: such a
// query is refused, naming what is missing, so a test can never pass on a query the simulator
// misread.

/** One observation, as PutMetricData would have recorded it. */
export interface Datapoint {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  /** Unix seconds. */
  time: number;
  value: number;
}

export type InsightsFunction = 'SUM' | 'AVG' | 'MAX' | 'MIN' | 'COUNT';

/** A parsed query. */
export interface InsightsQuery {
  fn: InsightsFunction;
  metric: string;
  namespace: string;
  /** Set for FROM SCHEMA(…): the exact dimension keys a metric must have. */
  schemaKeys?: string[];
  where: { key: string; op: '=' | '!='; value: string }[];
  groupBy: string[];
}

/** A query the simulator cannot read; the server answers it as CloudWatch answers an invalid parameter. */
export class InsightsError extends Error {}

type Token = { kind: 'word' | 'ident' | 'string' | 'punct'; text: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const at = i;
      let value = '';
      for (i++; ; i++) {
        if (i >= text.length) throw new InsightsError(`Syntax error at position ${at + 1}: unterminated ${c === '"' ? 'quoted identifier' : 'string'}.`);
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === "'")) {
          value += text[++i];
        } else if (text[i] === '\\') {
          throw new InsightsError(`Syntax error at position ${i + 1}: a backslash may only escape a quotation mark.`);
        } else if (text[i] === c) {
          i++;
          break;
        } else {
          value += text[i];
        }
      }
      tokens.push({ kind: c === '"' ? 'ident' : 'string', text: value, at });
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      tokens.push({ kind: 'word', text: word, at: i });
      i += word.length;
    } else if (text.startsWith('!=', i) || text.startsWith('<>', i)) {
      tokens.push({ kind: 'punct', text: '!=', at: i });
      i += 2;
    } else if ('(),='.includes(c)) {
      tokens.push({ kind: 'punct', text: c, at: i });
      i++;
    } else {
      throw new InsightsError(`Syntax error at position ${i + 1}: unexpected character ${JSON.stringify(c)}.`);
    }
  }
  return tokens;
}

/** Parses the subset above; throws InsightsError naming the position and what was expected. */
export function parseInsights(text: string): InsightsQuery {
  const tokens = tokenize(text);
  let k = 0;
  const peek = () => tokens[k];
  const where = () => (peek() ? `position ${peek().at + 1}` : 'the end of the query');
  const fail = (expected: string): never => {
    throw new InsightsError(`Syntax error at ${where()}: expected ${expected}${peek() ? `, found ${JSON.stringify(peek().text)}` : ''}.`);
  };
  const keyword = (word: string) => {
    if (peek()?.kind === 'word' && peek().text.toUpperCase() === word) return void k++;
    fail(word);
  };
  const isKeyword = (word: string) => peek()?.kind === 'word' && peek().text.toUpperCase() === word;
  const punct = (p: string) => {
    if (peek()?.kind === 'punct' && peek().text === p) return void k++;
    fail(`"${p}"`);
  };
  const identifier = (what: string): string => {
    const token = peek();
    if (!token || (token.kind !== 'word' && token.kind !== 'ident')) fail(what);
    k++;
    return token.text;
  };

  keyword('SELECT');
  const fnToken = identifier('an aggregation function (AVG, COUNT, MAX, MIN or SUM)').toUpperCase();
  if (!['SUM', 'AVG', 'MAX', 'MIN', 'COUNT'].includes(fnToken)) throw new InsightsError(`Unsupported function ${fnToken}: expected AVG, COUNT, MAX, MIN or SUM.`);
  punct('(');
  const metric = identifier('a metric name');
  punct(')');
  keyword('FROM');
  let namespace: string;
  let schemaKeys: string[] | undefined;
  if (isKeyword('SCHEMA') && tokens[k + 1]?.text === '(') {
    k += 2;
    namespace = identifier('a namespace');
    schemaKeys = [];
    while (peek()?.text === ',') {
      k++;
      schemaKeys.push(identifier('a label key'));
    }
    punct(')');
  } else {
    namespace = identifier('a namespace or SCHEMA(…)');
  }
  const conditions: InsightsQuery['where'] = [];
  if (isKeyword('WHERE')) {
    k++;
    for (;;) {
      const key = identifier('a label key');
      const op = peek()?.text;
      if (peek()?.kind !== 'punct' || (op !== '=' && op !== '!=')) fail('= or !=');
      k++;
      const value = peek();
      if (value?.kind !== 'string') fail("a label value in single quotation marks, e.g. 'value'");
      k++;
      conditions.push({ key, op: op as '=' | '!=', value: value!.text });
      if (!isKeyword('AND')) break;
      k++;
    }
  }
  const groupBy: string[] = [];
  if (isKeyword('GROUP')) {
    k++;
    keyword('BY');
    groupBy.push(identifier('a label key'));
    while (peek()?.text === ',') {
      k++;
      groupBy.push(identifier('a label key'));
    }
  }
  if (peek()) {
    const word = peek().text.toUpperCase();
    if (['ORDER', 'LIMIT', 'OR'].includes(word)) throw new InsightsError(`${word} is valid Metrics Insights but not simulated by the test bed's CloudWatch.`);
    fail('the end of the query');
  }
  return { fn: fnToken as InsightsFunction, metric, namespace, ...(schemaKeys ? { schemaKeys } : {}), where: conditions, groupBy };
}

/** One series of a result: its label and its values by bucket start (unix seconds). */
export interface InsightsSeries {
  label: string;
  points: Map<number, number>;
}

/**
 * Evaluates a query over `data` for periods of `period` seconds from `start` (inclusive) to `end`
 * (exclusive): each bucket [start + k·period, start + (k+1)·period) that holds an observation gets
 * the function of them; a bucket without one is absent (CloudWatch returns no datapoint for it).
 * No match is one series with no points; a GROUP BY is a series per group, labelled by its values.
 */
export function evaluateInsights(query: InsightsQuery, data: Datapoint[], period: number, start: number, end: number): InsightsSeries[] {
  const matched = data.filter((d) => {
    if (d.namespace !== query.namespace || d.metric !== query.metric) return false;
    if (query.schemaKeys) {
      const keys = Object.keys(d.dimensions);
      if (keys.length !== query.schemaKeys.length || !query.schemaKeys.every((key) => key in d.dimensions)) return false;
    }
    return query.where.every((c) => (c.op === '=' ? d.dimensions[c.key] === c.value : d.dimensions[c.key] !== c.value)) && d.time >= start && d.time < end;
  });
  const groups = new Map<string, Datapoint[]>();
  for (const d of matched) {
    // A metric without a grouped key falls into the group "Other", as CloudWatch's does.
    const label = query.groupBy.map((key) => d.dimensions[key] ?? 'Other').join(' ');
    groups.set(label, [...(groups.get(label) ?? []), d]);
  }
  if (groups.size === 0) return query.groupBy.length > 0 ? [] : [{ label: '', points: new Map() }];
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([label, points]) => {
    const buckets = new Map<number, number[]>();
    for (const d of points) {
      const bucket = start + Math.floor((d.time - start) / period) * period;
      buckets.set(bucket, [...(buckets.get(bucket) ?? []), d.value]);
    }
    return { label, points: new Map([...buckets].map(([bucket, values]) => [bucket, aggregate(query.fn, values)])) };
  });
}

function aggregate(fn: InsightsFunction, values: number[]): number {
  switch (fn) {
    case 'SUM':
      return values.reduce((a, b) => a + b, 0);
    case 'AVG':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'MAX':
      return Math.max(...values);
    case 'MIN':
      return Math.min(...values);
    case 'COUNT':
      return values.length;
  }
}
