import gammaln from '@stdlib/math-base-special-gammaln';
import type { LoadSample } from '../testkit/bed/load.js';

// What the demo measures from the load generator's timeline, and the rule behind "no request
// failed outside the canary's share" (docs/demo.md):
//   1. no request was lost by the delivery machinery: every request got an answer from an app
//      instance (no connection error, no timeout, no proxy-made 5xx without the app's x-version);
//   2. every version that served as stable failed no more often than its configured error rate
//      explains (its 5xx count is within the binomial upper bound at a one-sided 1e-6 level);
//   3. the rolled-back version served nothing after its rollback was complete.

/** One-sided level of the binomial bound in rule 2: a false alarm once in a million demo runs. */
export const STABLE_ERROR_TAIL = 1e-6;

/** Requests one version answered, and how many of them were the app's own 5xx. */
export interface VersionCounts {
  version: string;
  requests: number;
  errors: number;
  /** ms on the load timeline at which its first and last answered request went out. */
  firstAt: number;
  lastAt: number;
}

/** The load run, reduced to what the demo reports. */
export interface TrafficSummary {
  sent: number;
  /** Requests with no app answer: connection errors, timeouts, proxy-made errors. */
  machineryFailures: number;
  /** A few of those, for the printout. */
  machineryExamples: string[];
  versions: VersionCounts[];
}

/** Splits the load timeline into per-version answers and failures of the delivery machinery. */
export function summarizeTraffic(samples: LoadSample[]): TrafficSummary {
  const versions = new Map<string, VersionCounts>();
  const machinery: LoadSample[] = [];
  for (const s of samples) {
    if (s.version === undefined) {
      // The app always sets x-version, on its 500s too: an answer without it came from the proxy.
      if (s.error !== undefined || s.status === undefined || s.status >= 300) machinery.push(s);
      continue;
    }
    // When it actually went out (later than due when every connection was busy).
    const sent = s.sentAt ?? s.at;
    const counts = versions.get(s.version) ?? { version: s.version, requests: 0, errors: 0, firstAt: sent, lastAt: sent };
    counts.requests++;
    if (s.status === undefined || s.status >= 500) counts.errors++;
    counts.firstAt = Math.min(counts.firstAt, sent);
    counts.lastAt = Math.max(counts.lastAt, sent);
    versions.set(s.version, counts);
  }
  return {
    sent: samples.length,
    machineryFailures: machinery.length,
    machineryExamples: machinery.slice(0, 5).map((s) => `at ${(s.at / 1000).toFixed(1)} s: ${s.error ?? `HTTP ${s.status}`}`),
    versions: [...versions.values()].sort((a, b) => a.firstAt - b.firstAt),
  };
}

/** The largest error count that `requests` at `rate` explain: P(X > bound) ≤ tail for X ~ Binomial. */
export function binomialUpperBound(requests: number, rate: number, tail = STABLE_ERROR_TAIL): number {
  if (requests === 0 || rate <= 0) return 0;
  if (rate >= 1) return requests;
  const logPmf = (k: number) => gammaln(requests + 1) - gammaln(k + 1) - gammaln(requests - k + 1) + k * Math.log(rate) + (requests - k) * Math.log1p(-rate);
  // Sum the upper tail from the top down until it would exceed `tail`.
  let mass = 0;
  for (let k = requests; k >= 0; k--) {
    mass += Math.exp(logPmf(k));
    if (mass > tail) return k;
  }
  return 0;
}

/** One check of the rule, with what it found. */
export interface RuleCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** The inputs of the rule: the traffic, the configured error rates and the roles versions played. */
export interface CanaryShareInput {
  traffic: TrafficSummary;
  /** Configured 5xx rate per version (0–1). */
  errorRates: Record<string, number>;
  /** Versions that served as stable at some point. */
  stableVersions: string[];
  /** The rolled-back version and the timeline ms at which its rollback completed. */
  rolledBack?: { version: string; completedAt: number };
}

/** Checks "no request failed outside the canary's share" (the rule at the top of this file). */
export function checkCanaryShare(input: CanaryShareInput): RuleCheck[] {
  const { traffic } = input;
  const checks: RuleCheck[] = [
    {
      name: 'no request lost by the delivery machinery',
      ok: traffic.machineryFailures === 0,
      detail: traffic.machineryFailures === 0 ? `0 of ${traffic.sent}` : `${traffic.machineryFailures} of ${traffic.sent} (${traffic.machineryExamples.join('; ')})`,
    },
  ];
  for (const version of input.stableVersions) {
    const counts = traffic.versions.find((v) => v.version === version);
    const rate = input.errorRates[version] ?? 0;
    const requests = counts?.requests ?? 0;
    const errors = counts?.errors ?? 0;
    const bound = binomialUpperBound(requests, rate);
    checks.push({
      name: `stable ${version} failed only at its own rate`,
      ok: requests > 0 && errors <= bound,
      detail: requests === 0 ? 'served no requests' : `${errors} 5xx in ${requests} (${pct(errors, requests)}; configured ${(rate * 100).toFixed(1)}%, at most ${bound} expected)`,
    });
  }
  if (input.rolledBack) {
    const { version, completedAt } = input.rolledBack;
    const counts = traffic.versions.find((v) => v.version === version);
    const after = counts && counts.lastAt > completedAt;
    checks.push({
      name: `${version} served nothing after its rollback`,
      ok: !after,
      detail: counts ? `last answer at ${(counts.lastAt / 1000).toFixed(1)} s, rollback complete at ${(completedAt / 1000).toFixed(1)} s` : 'never served',
    });
  }
  return checks;
}

/** Seconds from a version's first answer to its last one: for the bad canary, time to rollback. */
export function servedSeconds(traffic: TrafficSummary, version: string): number | undefined {
  const counts = traffic.versions.find((v) => v.version === version);
  return counts ? (counts.lastAt - counts.firstAt) / 1000 : undefined;
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(2)}%`;
}
