// GitHub requests per ledger operation, counted by the GitHub simulator: create + start,
// a status update, and last-good at history lengths 10 / 1,000 / 10,000 (targets: ≤ 4, 1, ≤ 3).
import { performance } from 'node:perf_hooks';
import { GitHubLedger, createGitHubClient } from '../src/core/ledger/index.js';
import type { SourceInfo } from '../src/core/ledger/index.js';
import { startGitHubSimulator } from '../testkit/github-sim/index.js';
import type { GitHubSimulator } from '../testkit/github-sim/index.js';
import { HistoryBuilder } from '../test/support/ledger-history.js';
import { printTable } from './table.js';

const SHA = 'f'.repeat(40);
const RUN_ID = 99;
const source: SourceInfo = { sha: SHA, ref: 'refs/heads/main', runId: RUN_ID, runAttempt: 1, actor: 'bench', workflow: 'bench' };

function ledgerFor(sim: GitHubSimulator): GitHubLedger {
  // Requests are what is measured here: no write spacing, so the wall times show the ledger's own cost.
  const client = createGitHubClient({ baseUrl: sim.url, token: sim.token, retryBaseMs: 1, writeSpacingMs: 0 });
  return new GitHubLedger({ client, owner: sim.owner, repo: sim.repo, source, runUrl: `https://github.com/${sim.owner}/${sim.repo}/actions/runs/${RUN_ID}` });
}

async function measure<T>(sim: GitHubSimulator, operation: () => Promise<T>): Promise<{ requests: number; ms: number }> {
  sim.resetCounts();
  const started = performance.now();
  await operation();
  return { requests: sim.requests(), ms: performance.now() - started };
}

export default async function ledgerBench(): Promise<void> {
  const sim = await startGitHubSimulator({ rateLimit: 1_000_000 });
  const ledger = ledgerFor(sim);
  let n = 0;
  const fresh = () => new HistoryBuilder(sim, `bench-${++n}`);
  try {
    const writes: (string | number)[][] = [];
    const createScenarios: [string, (h: HistoryBuilder) => void][] = [
      ['first deployment of an environment', () => {}],
      ['after a good deployment (history 1,000)', (h) => h.add(1_000)],
      ['after a failed deployment (history 1,000)', (h) => (h.add(999), h.add(1, { states: ['in_progress', 'failure'] }))],
      ['with a GitHub-made job deployment to warn about', (h) => (h.add(10), sim.createJobDeployment({ environment: h.environment, sha: SHA, runId: RUN_ID }))],
    ];
    for (const [what, seed] of createScenarios) {
      const history = fresh();
      seed(history);
      const cost = await measure(sim, async () => {
        const created = await ledger.createDeployment({ environment: history.environment, ref: SHA });
        await ledger.setStatus(created.id, { state: 'in_progress', description: 'starting' });
      });
      writes.push(['create + start (in_progress)', what, cost.requests, '≤ 4', cost.ms]);
    }
    const target = fresh();
    const [id] = target.add(1, { states: [] });
    const update = await measure(sim, () => ledger.setStatus(id, { state: 'success' }));
    writes.push(['status update', 'any', update.requests, '1', update.ms]);
    printTable('Ledger writes: GitHub requests per operation', ['operation', 'situation', 'requests', 'target', 'ms'], writes);

    const reads: (string | number)[][] = [];
    const lastGoodScenarios: [string, (h: HistoryBuilder, length: number) => void][] = [
      ['newest succeeded', (h, length) => h.add(length)],
      ['newest 2 failed', (h, length) => (h.add(length - 2), h.add(2, { states: ['in_progress', 'failure'] }))],
      ['newest rolled back', (h, length) => {
        const ids = h.add(length - 1);
        h.add(1, { task: 'deploy:rollback', rollbackOf: ids[ids.length - 1], states: ['in_progress', 'failure'] });
      }],
      ['5 foreign on top', (h, length) => (h.add(length - 5), h.add(5, { foreign: true }))],
    ];
    for (const length of [10, 1_000, 10_000]) {
      for (const [what, seed] of lastGoodScenarios) {
        const history = fresh();
        seed(history, length);
        let found: number | undefined;
        const cost = await measure(sim, async () => (found = (await ledger.lastGood(history.environment))?.id));
        if (found !== history.lastGood) throw new Error(`last good of "${what}" at ${length}: got ${found}, expected ${history.lastGood}`);
        reads.push([length, what, cost.requests, '≤ 3', cost.ms]);
      }
    }
    // For comparison: what a broken lineage costs (the fallback scan reads statuses one by one).
    const broken = fresh();
    broken.add(1, { withoutLineage: true });
    broken.add(50, { states: ['in_progress', 'failure'], withoutLineage: true });
    const scan = await measure(sim, () => ledger.lastGood(broken.environment));
    reads.push([51, 'lineage broken: good one 51 deep (fallback scan)', scan.requests, 'grows with depth', scan.ms]);
    printTable('Last good: GitHub requests by history length', ['history', 'situation', 'requests', 'target', 'ms'], reads);
    if (sim.contractViolations.length > 0) throw new Error(`contract violations:\n${sim.contractViolations.join('\n')}`);
  } finally {
    await sim.close();
  }
}
