import { describe, expect, test } from '@jest/globals';
import { computeDora, doraTable, historyTable, parseSince, summarize } from '../../../../src/core/dora/index.js';
import type { DeploymentState, LedgerDeployment } from '../../../../src/core/ledger/types.js';

const ENV = 'production';
let nextId = 1;
function deployment(createdAt: string, state: DeploymentState, options: { statusAt?: string; task?: string; rollbackOf?: number; sha?: string } = {}): LedgerDeployment {
  const id = nextId++;
  const digest = `sha256:${String(id).padStart(64, 'a')}`;
  return {
    id, sha: options.sha ?? `c${id}`, ref: 'main', task: options.task ?? 'deploy', environment: ENV, createdAt, creator: 'bot', description: '',
    productionEnvironment: true, transientEnvironment: false,
    payload: { schema: 'slipway/v1', artifact: { ref: `reg/app@${digest}`, digest, tags: [`v${id}`] }, source: { sha: options.sha ?? `c${id}`, ref: 'refs/heads/main', runId: id, runAttempt: 1, actor: 'alice', workflow: 'cd' }, rollbackOf: options.rollbackOf },
    latestStatus: { id: 1000 + id, state, description: '', createdAt: options.statusAt ?? createdAt, logUrl: '', environmentUrl: '' },
  };
}

describe('DORA metrics', () => {
  const since = new Date('2026-01-01T00:00:00Z');
  const until = new Date('2026-01-11T00:00:00Z');
  const good1 = deployment('2026-01-02T10:00:00Z', 'inactive');
  const good2 = deployment('2026-01-03T10:00:00Z', 'success', { statusAt: '2026-01-03T10:10:00Z' });
  const promotedThenRolledBack = deployment('2026-01-05T10:00:00Z', 'failure', { statusAt: '2026-01-05T12:00:00Z' });
  const rollback = deployment('2026-01-05T11:59:00Z', 'success', { task: 'deploy:rollback', rollbackOf: promotedThenRolledBack.id, statusAt: '2026-01-05T12:00:00Z' });
  const failedCanary = deployment('2026-01-07T10:00:00Z', 'failure', { statusAt: '2026-01-07T10:05:00Z' });
  const stillRunning = deployment('2026-01-08T10:00:00Z', 'in_progress');
  const beforeWindow = deployment('2025-12-20T10:00:00Z', 'success');
  const all = [good1, good2, promotedThenRolledBack, rollback, failedCanary, stillRunning, beforeWindow];
  const commitTimes = new Map([
    [good1.sha, new Date('2026-01-02T08:00:00Z')],
    [good2.sha, new Date('2026-01-03T09:10:00Z')],
  ]);

  test('counts deployed changes per day, failure rate over finished changes, restore and lead times', () => {
    const report = computeDora(all, { environment: ENV, since, until }, commitTimes);
    expect(report.deployments).toBe(3); // good1, good2, and the promoted one that was later rolled back
    expect(report.deploymentsPerDay).toBeCloseTo(0.3);
    expect(report.changeFailureRate).toEqual({ failed: 2, finished: 4, rate: 0.5 });
    // rolled back: 10:00 → the rollback's success at 12:00; failed canary: 10:00 → failure at 10:05
    expect(report.timeToRestore).toEqual({ median: (7200 + 300) / 2, p90: 7200, samples: 2 });
    // good1: commit 08:00 → live (replaced, so its creation) 10:00; good2: 09:10 → success 10:10
    expect(report.leadTime).toMatchObject({ median: 5400, samples: 2, missingCommitTimes: 1 });
  });

  test('no finished changes means no failure rate, not 0%', () => {
    const report = computeDora([stillRunning], { environment: ENV, since, until });
    expect(report.changeFailureRate.rate).toBeNull();
    expect(doraTable(report)).toContain('change failure rate    n/a');
  });

  test('the history table shows version, digest, who, result and rollback links', () => {
    const text = historyTable(ENV, [rollback, promotedThenRolledBack]);
    expect(text).toContain(`rollback of #${promotedThenRolledBack.id}`);
    expect(text).toContain(`rolled back by #${rollback.id}`);
    expect(text).toMatch(new RegExp(`#${promotedThenRolledBack.id}\\s+2026-01-05 10:00\\s+v${promotedThenRolledBack.id}\\s+sha256:aaaaaaaaaaaa…\\s+alice\\s+failure`));
  });

  test.each([
    ['30d', '2026-01-01T00:00:00.000Z'],
    ['12h', '2026-01-30T12:00:00.000Z'],
    ['2w', '2026-01-17T00:00:00.000Z'],
    ['2026-01-15', '2026-01-15T00:00:00.000Z'],
  ])('--since %s starts at %s', (text, iso) => {
    expect(parseSince(text, new Date('2026-01-31T00:00:00Z'))?.toISOString()).toBe(iso);
  });

  test('--since rejects what it cannot read', () => {
    expect(parseSince('last month', new Date())).toBeUndefined();
  });

  test('summaries take the median and the nearest-rank p90', () => {
    expect(summarize([5, 1, 3, 2, 4, 6, 7, 8, 9, 10])).toEqual({ median: 5.5, p90: 9, samples: 10 });
    expect(summarize([])).toEqual({ median: null, p90: null, samples: 0 });
  });
});
