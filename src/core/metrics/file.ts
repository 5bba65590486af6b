import { readFileSync } from 'node:fs';
import { SlipwayError } from '../errors.js';
import { quote } from '../secrets/quote.js';
import type { MetricSource, QueryWindow, Sample } from './types.js';

// The offline source: a JSON file of saved series keyed by the rendered query text, so an analysis
// can be replayed without Prometheus (the CLI's input, and fixtures):
//   {"series": {"sum(http_requests_total{version=\"v2\"})": [[1700000000, 12], [1700000010, "NaN"]]}}
// A value may be a number, a numeric string ("NaN" included) or null (= NaN).

/** Settings of a file source: a path, or the parsed document itself. */
export interface FileSourceOptions {
  path?: string;
  document?: unknown;
}

/** A metric source over saved series. A query the file does not hold has no data (never zero). */
export class FileSource implements MetricSource {
  readonly type = 'file';
  private readonly series = new Map<string, Sample[]>();

  constructor(options: FileSourceOptions) {
    const where = options.path ? `metrics file ${options.path}` : 'metrics document';
    let document = options.document;
    if (options.path) {
      try {
        document = JSON.parse(readFileSync(options.path, 'utf8'));
      } catch (error) {
        throw new SlipwayError(`${where}: cannot read it as JSON (${(error as Error).message}).`);
      }
    }
    const series = (document as { series?: unknown } | undefined)?.series;
    if (typeof series !== 'object' || series === null || Array.isArray(series)) {
      throw new SlipwayError(`${where}: expected {"series": {"<query>": [[<unix seconds>, <value>], …]}}.`);
    }
    for (const [query, points] of Object.entries(series)) {
      if (!Array.isArray(points) || points.some((p) => !Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number')) {
        throw new SlipwayError(`${where}: series ${quote(query)} must be a list of [<unix seconds>, <value>] pairs.`);
      }
      const samples = points.map(([time, value]) => ({ time: time as number, value: value === null ? NaN : Number(value) }));
      this.series.set(query, samples.sort((a, b) => a.time - b.time));
    }
  }

  /** The saved samples inside the window (inclusive). */
  async queryRange(query: string, window: QueryWindow): Promise<Sample[]> {
    const start = window.start.getTime() / 1000;
    const end = window.end.getTime() / 1000;
    const samples = this.series.get(query) ?? [];
    const inside: Sample[] = [];
    for (let i = firstAtOrAfter(samples, start); i < samples.length && samples[i].time <= end; i++) inside.push(samples[i]);
    return inside;
  }

  /** The latest saved value at or before `time` (default: the last one); NaN when none. */
  async queryInstant(query: string, time?: Date): Promise<number> {
    const limit = time ? time.getTime() / 1000 : Infinity;
    const before = (this.series.get(query) ?? []).filter((s) => s.time <= limit);
    return before.length > 0 ? before[before.length - 1].value : NaN;
  }
}

/** The index of the first sample at or after `time` in samples sorted by time (an analysis reads a long file a window at a time). */
function firstAtOrAfter(samples: Sample[], time: number): number {
  let [low, high] = [0, samples.length];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (samples[mid].time < time) low = mid + 1;
    else high = mid;
  }
  return low;
}
