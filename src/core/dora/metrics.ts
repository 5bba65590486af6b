import { isTerminal, wentLive } from '../ledger/open.js';
import type { LedgerDeployment } from '../ledger/types.js';

// The four DORA keys computed from the ledger of one environment. The definitions (also in
// docs/rollout.md) are deliberately simple and stated, because every tool counts them differently:
// - a *change* is a Slipway deployment with task deploy or deploy:promote (rollbacks are not changes),
//   created in the window and finished (its latest status success, inactive, failure or error);
// - a change was *deployed* when it reached success (latest success/inactive) or was later rolled back;
// - a change *failed* when its latest status is failure/error or a deploy:rollback names it (rollbackOf);
// - *lead time* is commit time → the time it went live (its success status; createdAt when a later
//   status replaced it), for deployed changes whose commit time is known;
// - *time to restore* is a failed change's creation (when it began taking traffic) → the moment it
//   stopped: its rollback deployment's success, else its failure/error status.

/** Median, 90th percentile and count of a set of durations (seconds); null values when empty. */
export interface DurationSummary {
  median: number | null;
  p90: number | null;
  samples: number;
}

/** The four keys for one environment over a window. */
export interface DoraReport {
  environment: string;
  since: string;
  until: string;
  days: number;
  /** Changes deployed in the window, and per day. */
  deployments: number;
  deploymentsPerDay: number;
  /** Seconds from commit to live; `missingCommitTimes` changes had no known commit time. */
  leadTime: DurationSummary & { missingCommitTimes: number };
  /** failed / finished changes (null when none finished). */
  changeFailureRate: { failed: number; finished: number; rate: number | null };
  /** Seconds from a failed change going out to service restored. */
  timeToRestore: DurationSummary;
}

/** Computes the report from the environment's deployments (any order) and known commit times. */
export function computeDora(
  deployments: LedgerDeployment[],
  window: { environment: string; since: Date; until: Date },
  commitTimes: ReadonlyMap<string, Date> = new Map(),
): DoraReport {
  const inWindow = (iso: string) => Date.parse(iso) >= window.since.getTime() && Date.parse(iso) <= window.until.getTime();
  const rollbacks = new Map<number, LedgerDeployment>();
  for (const d of deployments) if (d.task === 'deploy:rollback' && typeof d.payload?.rollbackOf === 'number') rollbacks.set(d.payload.rollbackOf, d);

  const changes = deployments.filter((d) => d.payload && d.task !== 'deploy:rollback' && inWindow(d.createdAt) && isTerminal(d.latestStatus?.state));
  const failed = changes.filter((d) => rollbacks.has(d.id) || !wentLive(d.latestStatus!.state));
  const deployed = changes.filter((d) => wentLive(d.latestStatus!.state) || rollbacks.has(d.id));

  const leadTimes: number[] = [];
  let missingCommitTimes = 0;
  for (const d of deployed) {
    const committed = commitTimes.get(d.payload?.source.sha || d.sha);
    if (!committed) {
      missingCommitTimes++;
      continue;
    }
    const live = d.latestStatus?.state === 'success' ? d.latestStatus.createdAt : d.createdAt;
    leadTimes.push(Math.max(0, (Date.parse(live) - committed.getTime()) / 1000));
  }

  const restoreTimes = failed.map((d) => {
    const rollback = rollbacks.get(d.id);
    const restoredAt = rollback?.latestStatus?.state === 'success' ? rollback.latestStatus.createdAt : !wentLive(d.latestStatus!.state) ? d.latestStatus!.createdAt : undefined;
    return restoredAt === undefined ? undefined : Math.max(0, (Date.parse(restoredAt) - Date.parse(d.createdAt)) / 1000);
  });

  const days = Math.max((window.until.getTime() - window.since.getTime()) / 86_400_000, 1 / 24);
  return {
    environment: window.environment,
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    days,
    deployments: deployed.length,
    deploymentsPerDay: deployed.length / days,
    leadTime: { ...summarize(leadTimes), missingCommitTimes },
    changeFailureRate: { failed: failed.length, finished: changes.length, rate: changes.length === 0 ? null : failed.length / changes.length },
    timeToRestore: summarize(restoreTimes.filter((t): t is number => t !== undefined)),
  };
}

/** The commit shas whose times lead time needs (deployed changes in the window). */
export function commitShas(deployments: LedgerDeployment[]): string[] {
  return [...new Set(deployments.filter((d) => d.payload && d.task !== 'deploy:rollback').map((d) => d.payload!.source.sha || d.sha).filter(Boolean))];
}

/** Median and p90 (nearest rank) of durations. */
export function summarize(values: number[]): DurationSummary {
  if (values.length === 0) return { median: null, p90: null, samples: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)];
  return { median, p90, samples: sorted.length };
}

/** `45s`, `12m`, `3.5h`, `2.1d`; `n/a` for null. */
export function humanDuration(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86_400).toFixed(1)}d`;
}

/** Parses `--since`: `30d`, `12h`, `2w`, or an ISO date; relative to `now`. */
export function parseSince(text: string, now: Date): Date | undefined {
  const relative = /^(\d+)([hdw])$/.exec(text.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[relative[2] as 'h' | 'd' | 'w']);
  const absolute = Date.parse(text);
  return Number.isNaN(absolute) || !/^\d{4}-\d{2}-\d{2}/.test(text) ? undefined : new Date(absolute);
}
