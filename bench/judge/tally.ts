import type { BenchJudge, JudgeOutcome } from './judges.js';
import { canaryShare, type Stream, type StreamScenario } from './streams.js';

// What the judge benchmark counts over the runs of one scenario (docs/judge.md, "What the
// benchmark shows"), shared by the error-rate and the latency tables.

/** The outcomes of one judge over a scenario's runs. */
export interface Tally {
  rollbacks: number;
  promotions: number;
  /** Promoted at the horizon by the end-of-analysis rule (undecided, but the data could have caught 2×). */
  promotionsAtEnd: number;
  runs: number;
  minutes: number[];
  canaryRequests: number[];
  canaryErrorsAtRollback: number[];
  failedServed: number[];
}

/** The q-quantile of the values (NaN for none). */
export const quantile = (values: number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

function tally(outcomes: { stream: Stream; outcome: JudgeOutcome }[]): Tally {
  const t: Tally = { rollbacks: 0, promotions: 0, promotionsAtEnd: 0, runs: outcomes.length, minutes: [], canaryRequests: [], canaryErrorsAtRollback: [], failedServed: [] };
  for (const { stream, outcome } of outcomes) {
    const until = outcome.action === 'rollback' ? outcome.atInterval! + 1 : stream.served.errors.length;
    const sum = (v: number[]) => v.slice(0, until).reduce((a, b) => a + b, 0);
    t.failedServed.push(sum(stream.served.errors));
    if (outcome.action === 'promote') t[outcome.atInterval === null ? 'promotionsAtEnd' : 'promotions']++;
    if (outcome.action !== 'rollback') continue;
    t.rollbacks++;
    t.minutes.push((until * stream.scrapeSeconds) / 60);
    t.canaryRequests.push(sum(stream.served.requests));
    t.canaryErrorsAtRollback.push(sum(stream.served.errors));
  }
  return t;
}

/** Every judge over `replicates` streams of `generate` (seeded seedBase, seedBase + 1, …), tallied per judge. */
export function runScenario(generate: (seed: number) => Stream, replicates: number, judges: BenchJudge[], seedBase: number): Map<string, Tally> {
  const outcomes = new Map<string, { stream: Stream; outcome: JudgeOutcome }[]>(judges.map((j) => [j.name, []]));
  for (let r = 0; r < replicates; r++) {
    const stream = generate(seedBase + r);
    for (const j of judges) outcomes.get(j.name)!.push({ stream, outcome: j.run(stream) });
  }
  return new Map([...outcomes].map(([name, o]) => [name, tally(o)]));
}

/** The columns of a scenario's table; `served` names what the last one counts (failed requests, slow ones). */
export const tallyHeader = (served = 'failed') => ['traffic', 'vs', 'judge', 'rollback rate', 'promoted early', 'promoted by the end', 'median min', 'p90 min', 'median canary req', 'p90 canary req', `median ${served} served`];

/** One judge's row of a scenario's table. */
export function tallyRow(level: Pick<StreamScenario, 'totalRps' | 'comparison'>, name: string, t: Tally): (string | number)[] {
  return [
    `${level.totalRps} req/s (${Math.round(level.totalRps * canaryShare * 60)} canary/min)`,
    level.comparison === 'primary' ? '95% primary' : '5% baseline',
    name,
    `${((100 * t.rollbacks) / t.runs).toFixed(1)}%`,
    name.startsWith('slipway') ? `${((100 * t.promotions) / t.runs).toFixed(1)}%` : '—',
    name.startsWith('slipway') ? `${((100 * (t.promotions + t.promotionsAtEnd)) / t.runs).toFixed(1)}%` : '—',
    quantile(t.minutes, 0.5),
    quantile(t.minutes, 0.9),
    quantile(t.canaryRequests, 0.5),
    quantile(t.canaryRequests, 0.9),
    quantile(t.failedServed, 0.5),
  ];
}
