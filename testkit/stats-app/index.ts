import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

// A small app that reports its versions' counters as JSON, the way a service's own /stats
// endpoint does: `GET /stats?version=v2` (or `/versions/v2`) answers
// `{"version": "v2", "requests": N, "errors": M, "p99": x}`, N and M running totals since it
// started, x the latency's 99th percentile (ms) of the last second. Traffic is simulated, one
// second at a time up to the clock's now (the analysis' fake clock), from a seeded generator: the
// same clock gives the same answers, and two reads at one instant agree.

/** One version's traffic. */
export interface VersionProfile {
  /** Requests per second. */
  rps: number;
  /** The chance that a request fails. */
  errorRate: number;
  /** The usual p99 latency, ms (each second's varies by ±5 %). */
  p99Ms: number;
}

export interface StatsAppOptions {
  versions: Record<string, VersionProfile>;
  /** The app's clock: its counters hold the traffic up to this instant. */
  now: () => Date;
  /** When the app started counting. */
  since: Date;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  seed?: number;
}

export interface StatsApp {
  url: string;
  /** Every request: its path and query, and its Authorization header. */
  seen: { url: string; authorization?: string }[];
  stop(): Promise<void>;
}

interface VersionState {
  profile: VersionProfile;
  random: () => number;
  /** The last whole second counted (ms since the epoch). */
  at: number;
  requests: number;
  errors: number;
  p99: number;
}

export async function startStatsApp(options: StatsAppOptions): Promise<StatsApp> {
  const states = new Map<string, VersionState>(
    Object.entries(options.versions).map(([version, profile], i) => [version, { profile, random: mulberry32((options.seed ?? 17) * 1000 + i), at: options.since.getTime(), requests: 0, errors: 0, p99: profile.p99Ms }]),
  );
  const seen: StatsApp['seen'] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) return reply(401, { error: 'unauthorized' });
    const url = new URL(req.url ?? '/', 'http://app');
    const version = url.pathname === '/stats' ? url.searchParams.get('version') : /^\/versions\/([^/]+)$/.exec(url.pathname)?.[1];
    const state = version ? states.get(decodeURIComponent(version)) : undefined;
    if (!state) return reply(404, { error: `no version ${version ?? '(none)'}` });
    advance(state, options.now().getTime());
    reply(200, { version, requests: state.requests, errors: state.errors, p99: Math.round(state.p99 * 10) / 10 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Counts the traffic of every whole second up to `now`. */
function advance(state: VersionState, now: number): void {
  const { rps, errorRate, p99Ms } = state.profile;
  for (; state.at + 1000 <= now; state.at += 1000) {
    for (let i = 0; i < rps; i++) if (state.random() < errorRate) state.errors++;
    state.requests += rps;
    state.p99 = p99Ms * (0.95 + 0.1 * state.random());
  }
}

/** A small seeded generator (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
