import { createServer } from 'node:http';
import { listen, readBody } from './http-server.js';

// A stand-in Prometheus HTTP API for the faults a real one cannot be made to show on demand: a
// server whose clock (and so every sample's timestamp) is off from the runner's, and one that
// answers slower than the client's timeout. It serves the test-bed app's counters
// (`http_requests_total{version=…}`, errors with `code=~"5.."`) from traffic described as segments,
// scraped every second, and evaluates range and instant queries as Prometheus does: at each step,
// the newest sample at or before the step within the lookback delta (5 minutes), and never a
// sample stamped after the server's own "now".

/** Traffic a version served from `from` to `to` (real time, ms since epoch). */
export interface TrafficSegment {
  from: number;
  to: number;
  rps: number;
  errorRatio: number;
}

export interface StandInOptions {
  /** Per version (`v1`, `v2`): what it served. Its series exists (at 0) from `existsFrom`. */
  traffic: Record<string, TrafficSegment[]>;
  /** When each version's series first appears (default: always existed). */
  existsFrom?: Record<string, number>;
  /** How far the server's clock is ahead of the runner's (negative: behind), ms. */
  skewMs?: number;
  /** Default 5 minutes, as Prometheus's --query.lookback-delta. */
  lookbackMs?: number;
}

export interface StandInPrometheus {
  url: string;
  /** Range queries answered so far. */
  rangeQueries: number;
  /** When set, every answer waits this long first (a Prometheus slower than the client's timeout). */
  delayMs: number;
  /** Called on each range query before it is answered (count includes this one). */
  onRangeQuery?: (count: number) => void | Promise<void>;
  close(): Promise<void>;
}

const SCRAPE_MS = 1000;

export async function startStandInPrometheus(options: StandInOptions): Promise<StandInPrometheus> {
  const skew = options.skewMs ?? 0;
  const lookback = options.lookbackMs ?? 5 * 60_000;
  const counter = (version: string, errors: boolean, real: number): number | undefined => {
    if (real < (options.existsFrom?.[version] ?? -Infinity)) return undefined;
    let total = 0;
    for (const s of options.traffic[version] ?? []) {
      const span = Math.max(0, Math.min(real, s.to) - s.from);
      total += (s.rps * span) / 1000 * (errors ? s.errorRatio : 1);
    }
    return Math.floor(total);
  };
  /** The value of `query` evaluated at `t` (ms, the server's time scale); undefined when no sample. */
  const evaluate = (query: string, t: number): number | undefined => {
    if (/^\s*vector\(1\)\s*$/.test(query)) return 1;
    if (/^\s*time\(\)\s*$/.test(query)) return t / 1000;
    const version = /version="([^"]+)"/.exec(query)?.[1] ?? '';
    const errors = /code=~/.test(query);
    const serverNow = Date.now() + skew;
    const limit = Math.min(t, serverNow);
    const real = Math.floor((limit - skew) / SCRAPE_MS) * SCRAPE_MS;
    const stamp = real + skew;
    const value = stamp > t - lookback ? counter(version, errors, real) : undefined;
    return value ?? (/or vector\(0\)/.test(query) ? 0 : undefined);
  };

  const pending = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    void (async () => {
      const params = new URLSearchParams((await readBody(req)).toString() || (req.url ?? '').split('?')[1] || '');
      const path = (req.url ?? '').split('?')[0];
      const query = params.get('query') ?? '';
      let data: unknown;
      if (path === '/api/v1/query_range') {
        stand.rangeQueries++;
        await stand.onRangeQuery?.(stand.rangeQueries);
        const start = Number(params.get('start')) * 1000;
        const end = Number(params.get('end')) * 1000;
        const step = Number(params.get('step')) * 1000;
        const values: [number, string][] = [];
        for (let t = start; t <= end + 1e-6; t += step) {
          const v = evaluate(query, t);
          if (v !== undefined) values.push([Math.round(t) / 1000, String(v)]);
        }
        data = { resultType: 'matrix', result: values.length > 0 ? [{ metric: {}, values }] : [] };
      } else if (path === '/api/v1/query') {
        const now = Date.now() + skew;
        const t = params.get('time') ? Number(params.get('time')) * 1000 : now;
        const v = evaluate(query, t);
        data = { resultType: 'vector', result: v === undefined ? [] : [{ metric: {}, value: [t / 1000, String(v)] }] };
      } else {
        res.writeHead(404).end('404 page not found');
        return;
      }
      if (stand.delayMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => (pending.delete(timer), resolve()), stand.delayMs);
          pending.add(timer);
        });
      }
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data }));
    })();
  });
  const listening = await listen(server);
  const stand: StandInPrometheus = {
    url: listening.url,
    rangeQueries: 0,
    delayMs: 0,
    close: () => {
      for (const timer of pending) clearTimeout(timer);
      return listening.close();
    },
  };
  return stand;
}
