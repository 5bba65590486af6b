// The simulator's metric query language, a small part of Datadog's:
//
//   [aggregator:]metric{filters}[ by {tag,…}][.as_count()|.as_rate()][.fill(zero|null)][.rollup(method[, seconds])]
//
// aggregator: avg (default), sum, min, max — across the series that match (space aggregation);
// filters: `*`, or `name:value` / `!name:value` joined by `,` (exact tags; `value*` a prefix wildcard);
// rollup method: avg, sum, min, max, count — within each bucket of each series (time aggregation),
// done before the space aggregation, as Datadog does. Buckets are aligned to whole multiples of
// the interval since the epoch; a point is [<ms of the bucket's start>, <value>]. Without a rollup
// the interval is Datadog's default for the range (20 s up to an hour, 60 s up to four, 300 s
// beyond) and the method is sum for `.as_count()`, avg otherwise. `.as_rate()` divides a bucket's
// sum by its seconds. Modifiers may come in any order. Anything else is a parse error (HTTP 400).

/** One stored series: a metric, its tags (`name:value`) and raw points [unix seconds, value]. */
export interface StoredSeries {
  metric: string;
  tags: string[];
  points: [number, number][];
}

interface Filter {
  name: string;
  value: string;
  negated: boolean;
}

/** A parsed query. */
export interface ParsedQuery {
  aggregator: 'avg' | 'sum' | 'min' | 'max';
  metric: string;
  /** The filters as written (`*` when none), for the answer's scope. */
  scope: string;
  filters: Filter[];
  by: string[];
  asCount: boolean;
  asRate: boolean;
  fill?: 'zero' | 'null';
  rollup?: { method: 'avg' | 'sum' | 'min' | 'max' | 'count'; seconds?: number };
}

/** A query the simulator cannot parse; its message is what the 400 answer says. */
export class QueryParseError extends Error {}

const AGGREGATORS = ['avg', 'sum', 'min', 'max'] as const;
const ROLLUPS = ['avg', 'sum', 'min', 'max', 'count'] as const;

/** Parses a query of the grammar above; throws QueryParseError naming the position otherwise. */
export function parseQuery(text: string): ParsedQuery {
  const fail = (what: string): never => {
    throw new QueryParseError(`Error parsing query: ${what} in ${JSON.stringify(text)}`);
  };
  const head = /^\s*(?:([a-z]+):)?([A-Za-z][A-Za-z0-9_.]*)\{([^{}]*)\}/.exec(text) ?? fail('expected [aggregator:]metric{filters}');
  const aggregator = (head[1] ?? 'avg') as ParsedQuery['aggregator'];
  if (!(AGGREGATORS as readonly string[]).includes(aggregator)) fail(`unknown aggregator ${head[1]}`);
  const scope = head[3].trim() || fail('empty tag filter {}; write {*} for every series');
  const filters: Filter[] = [];
  if (scope !== '*') {
    for (const part of scope.split(',')) {
      const match = /^\s*(!?)([a-z][a-z0-9_./-]*):([a-z0-9_./:*-]+)\s*$/.exec(part) ?? fail(`bad tag filter ${JSON.stringify(part)}`);
      filters.push({ negated: match[1] === '!', name: match[2], value: match[3] });
    }
  }
  const query: ParsedQuery = { aggregator, metric: head[2], scope, filters, by: [], asCount: false, asRate: false };
  let rest = text.slice(head[0].length);
  const by = /^\s*by\s*\{([^{}]*)\}/.exec(rest);
  if (by) {
    query.by = by[1].split(',').map((t) => t.trim());
    if (query.by.some((t) => !/^[a-z][a-z0-9_./-]*$/.test(t))) fail(`bad group by {${by[1]}}`);
    rest = rest.slice(by[0].length);
  }
  while (rest.trim() !== '') {
    const call = /^\s*\.([a-z_]+)\(([^()]*)\)/.exec(rest) ?? fail(`unexpected ${JSON.stringify(rest.trim().slice(0, 20))}`);
    const args = call[2].split(',').map((a) => a.trim()).filter((a) => a !== '');
    switch (call[1]) {
      case 'as_count':
        query.asCount = true;
        break;
      case 'as_rate':
        query.asRate = true;
        break;
      case 'fill':
        if (args[0] !== 'zero' && args[0] !== 'null') fail(`fill(${call[2]}): expected zero or null`);
        query.fill = args[0] as 'zero' | 'null';
        break;
      case 'rollup': {
        const method = args[0] as NonNullable<ParsedQuery['rollup']>['method'];
        if (!(ROLLUPS as readonly string[]).includes(method) || args.length > 2) fail(`rollup(${call[2]}): expected rollup(avg|sum|min|max|count[, seconds])`);
        const seconds = args[1] === undefined ? undefined : Number(args[1]);
        if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0)) fail(`rollup(${call[2]}): the interval must be whole seconds`);
        query.rollup = { method, seconds };
        break;
      }
      default:
        fail(`unknown function .${call[1]}()`);
    }
    rest = rest.slice(call[0].length);
  }
  return query;
}

/** Datadog's default rollup interval for a range, in seconds. */
function defaultInterval(rangeSeconds: number): number {
  if (rangeSeconds <= 3600) return 20;
  if (rangeSeconds <= 4 * 3600) return 60;
  return 300;
}

function matches(series: StoredSeries, query: ParsedQuery): boolean {
  if (series.metric !== query.metric) return false;
  return query.filters.every((f) => {
    const has = series.tags.some((tag) => {
      const [name, ...value] = tag.split(':');
      const v = value.join(':');
      return name === f.name && (f.value.endsWith('*') ? v.startsWith(f.value.slice(0, -1)) : v === f.value);
    });
    return f.negated ? !has : has;
  });
}

function aggregate(values: number[], how: 'avg' | 'sum' | 'min' | 'max' | 'count'): number {
  switch (how) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'count':
      return values.length;
  }
}

/** One answered series. */
export interface ResultSeries {
  scope: string;
  tagSet: string[];
  intervalSeconds: number;
  /** [ms of the bucket's start, value or null] */
  pointlist: [number, number | null][];
}

/** Evaluates a parsed query over the stored series for raw points within [from, to] (unix seconds). */
export function evaluate(query: ParsedQuery, store: StoredSeries[], from: number, to: number): ResultSeries[] {
  const interval = query.rollup?.seconds ?? defaultInterval(to - from);
  const method = query.rollup?.method ?? (query.asCount || query.asRate ? 'sum' : 'avg');
  const groups = new Map<string, StoredSeries[]>();
  for (const series of store.filter((s) => matches(s, query))) {
    const tagSet = query.by.map((name) => series.tags.find((t) => t.startsWith(`${name}:`)) ?? `${name}:n/a`);
    const key = tagSet.join(',');
    groups.set(key, [...(groups.get(key) ?? []), series]);
  }
  const firstBucket = Math.floor(from / interval) * interval;
  const result: ResultSeries[] = [];
  for (const [key, members] of groups) {
    // Time aggregation per series, then space aggregation per bucket.
    const perBucket = new Map<number, number[]>();
    for (const series of members) {
      const buckets = new Map<number, number[]>();
      for (const [time, value] of series.points) {
        if (time < from || time > to) continue;
        const bucket = Math.floor(time / interval) * interval;
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), value]);
      }
      for (const [bucket, values] of buckets) {
        let rolled = aggregate(values, method);
        if (query.asRate) rolled /= interval;
        perBucket.set(bucket, [...(perBucket.get(bucket) ?? []), rolled]);
      }
    }
    if (perBucket.size === 0) continue;
    const pointlist: [number, number | null][] = [];
    for (let bucket = firstBucket; bucket <= to; bucket += interval) {
      const values = perBucket.get(bucket);
      if (values) pointlist.push([bucket * 1000, aggregate(values, query.aggregator)]);
      else if (query.fill === 'zero') pointlist.push([bucket * 1000, 0]);
    }
    const tagSet = key === '' ? [] : key.split(',');
    result.push({ scope: [query.scope === '*' && tagSet.length > 0 ? '' : query.scope, ...tagSet].filter((s) => s !== '').join(','), tagSet, intervalSeconds: interval, pointlist });
  }
  return result;
}
