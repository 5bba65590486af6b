import { Agent, request } from 'node:http';

/** What to send. */
export interface LoadOptions {
  /** Target URL (GET). */
  url: string;
  /** Requests per second, spread evenly. */
  rate: number;
  /** Stop after this many milliseconds (default: until stop()). */
  durationMs?: number;
  /** Stop after this many requests (default: unbounded). */
  maxRequests?: number;
  /** Extra request headers, e.g. { 'x-canary': 'always' }. */
  headers?: Record<string, string>;
  /** Keep-alive connections at most (default 16). */
  connections?: number;
  /** Milliseconds before a request counts as failed (default 5000). */
  timeoutMs?: number;
}

/** One request as the load generator saw it. */
export interface LoadSample {
  /** Milliseconds from the start of the run to the moment the request was due. */
  at: number;
  /** Milliseconds from the start of the run to the moment it got a connection and went out (later than `at` when every connection was busy). */
  sentAt?: number;
  /** Milliseconds to the full answer (or the failure). */
  ms: number;
  /** The `x-version` header of the answer. */
  version?: string;
  status?: number;
  /** Connection error, timeout or non-2xx, when it failed. */
  error?: string;
}

/** The outcome of a load run. */
export interface LoadReport {
  sent: number;
  /** Requests that failed: connection errors, timeouts and non-2xx answers. */
  failures: LoadSample[];
  /** Answers per version. */
  byVersion: Record<string, number>;
  /** Every request in sending order: the timeline. */
  samples: LoadSample[];
  /**
   * Requests re-sent once, on a new connection, because the server closed or reset the connection
   * before any byte of an answer came back: a kept-alive connection closed just as the request
   * was written, or one a reloading nginx worker closed before reading it. HTTP clients retry
   * idempotent requests in that case (RFC 9110 §9.2.2; browsers and Go's http.Transport do), so
   * these are not failures; they are counted so a report can show them.
   */
  connectionRetries: number;
  durationMs: number;
}

/** A load run in progress. */
export interface LoadRun {
  /** Milliseconds since the run started (to mark step boundaries on the timeline). */
  now(): number;
  /** Requests sent at or after `fromMs` and answered by a version so far (what shareBetween counts). */
  answeredSince(fromMs: number): number;
  /** Resolves when the bounds are reached (or stop() is called) and every request has ended. */
  done: Promise<LoadReport>;
  /** Stops sending and resolves once in-flight requests have ended. */
  stop(): Promise<LoadReport>;
}

/**
 * Starts a steady stream of GETs at `rate` per second over keep-alive connections, bounded in
 * time or count, recording which version answered each request and every failure.
 */
export function startLoad(options: LoadOptions): LoadRun {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections ?? 16 });
  const started = performance.now();
  const now = () => performance.now() - started;
  const samples: LoadSample[] = [];
  const byVersion: Record<string, number> = {};
  let inFlight = 0;
  let connectionRetries = 0;
  let stopped = false;
  let finish: () => void = () => {};
  const drained = new Promise<void>((resolve) => (finish = resolve));

  const send = (sample: LoadSample, retried: boolean) => {
    // A retry goes out on a new connection: the other pooled ones may be closing too.
    let answered = false;
    const req = request(options.url, { agent: retried ? false : agent, headers: options.headers, timeout: options.timeoutMs ?? 5000 }, (res) => {
      answered = true;
      res.resume();
      res.on('end', () => {
        const version = res.headers['x-version'];
        sample.version = Array.isArray(version) ? version[0] : version;
        sample.status = res.statusCode;
        if (!res.statusCode || res.statusCode < 200 || res.statusCode > 299) sample.error = `HTTP ${res.statusCode}`;
        else if (sample.version) byVersion[sample.version] = (byVersion[sample.version] ?? 0) + 1;
        end(sample);
      });
      res.on('error', (error) => fail(sample, error.message));
    });
    req.on('socket', () => (sample.sentAt = now()));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!retried && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        connectionRetries++;
        send(sample, true);
        return;
      }
      fail(sample, `${error.code ?? error.message}${retried ? ' (after a retry on a new connection)' : ''}`);
    });
    req.end();
  };
  const fail = (sample: LoadSample, error: string) => {
    if (sample.ms >= 0) return;
    sample.error = error;
    end(sample);
  };
  const end = (sample: LoadSample) => {
    if (sample.ms >= 0) return;
    sample.ms = now() - sample.at;
    inFlight--;
    if (stopped && inFlight === 0) finish();
  };

  const limit = options.maxRequests ?? Infinity;
  const tick = setInterval(() => {
    const elapsed = now();
    const due = Math.min(limit, Math.floor((options.rate * elapsed) / 1000));
    while (samples.length < due) {
      const sample: LoadSample = { at: now(), ms: -1 };
      samples.push(sample);
      inFlight++;
      send(sample, false);
    }
    if ((options.durationMs !== undefined && elapsed >= options.durationMs) || samples.length >= limit) halt();
  }, 2);

  const halt = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(tick);
    if (inFlight === 0) finish();
  };
  const done = drained.then((): LoadReport => {
    agent.destroy();
    return { sent: samples.length, failures: samples.filter((s) => s.error), byVersion, samples, connectionRetries, durationMs: now() };
  });
  return {
    now,
    answeredSince: (fromMs) => samples.filter((s) => s.version !== undefined && (s.sentAt ?? s.at) >= fromMs).length,
    done,
    stop: () => {
      halt();
      return done;
    },
  };
}

/**
 * Requests answered within a window of the timeline, and the share (percent) `version` took of
 * them. A request counts when it went out at or after `fromMs` and was answered by `toMs`: so it
 * met the routing in force between the two marks, however loaded the machine (a request created
 * before a change may leave only after it, when every connection is busy).
 */
export function shareBetween(samples: LoadSample[], version: string, fromMs: number, toMs: number): { count: number; share: number } {
  const window = samples.filter((s) => s.version !== undefined && (s.sentAt ?? s.at) >= fromMs && s.at + s.ms <= toMs);
  const hits = window.filter((s) => s.version === version).length;
  return { count: window.length, share: window.length === 0 ? NaN : (100 * hits) / window.length };
}
