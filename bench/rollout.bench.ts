// GitHub requests of a whole rollout and of a rollback (issue 6 targets: four-step canary ≤ 25,
// rollback ≤ 5), counted on the GitHub simulator with real HAProxy moving the traffic. The analysis
// steps answer a fixed verdict here: they read Prometheus, not GitHub, so they add no requests.
import type { JudgeReport, Verdict } from '../src/core/judge/types.js';
import { createGitHubClient, GitHubLedger } from '../src/core/ledger/index.js';
import { loadPlan, runRollout, type AnalysisRunner } from '../src/core/plan/index.js';
import { decideRollback, executeRollback } from '../src/core/rollback/index.js';
import { HaproxyRouter, haproxySettings } from '../src/core/traffic/haproxy.js';
import { startApp } from '../testkit/bed/app.js';
import { startHaproxy } from '../testkit/bed/haproxy.js';
import { startGitHubSimulator, type GitHubSimulator } from '../testkit/github-sim/index.js';
import { HistoryBuilder } from '../test/support/ledger-history.js';
import { printTable } from './table.js';

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

function ledgerOf(sim: GitHubSimulator): GitHubLedger {
  const client = createGitHubClient({ baseUrl: sim.url, token: sim.token, writeSpacingMs: 0, retryBaseMs: 5 });
  const source = { sha: 'b'.repeat(40), ref: 'refs/heads/main', runId: 1, runAttempt: 1, actor: 'bench', workflow: 'bench' };
  return new GitHubLedger({ client, owner: sim.owner, repo: sim.repo, source, runUrl: `https://github.com/${sim.owner}/${sim.repo}/actions/runs/1` });
}

function verdicts(...answers: Verdict[]): AnalysisRunner {
  let asked = 0;
  const report = (verdict: Verdict): JudgeReport => ({ verdict, score: verdict === 'pass' ? 100 : 0, reasons: [`fixed ${verdict}`], metrics: [], config: { alpha: 0.01, thresholds: { pass: 95, marginal: 75 }, onNoData: 'inconclusive', onUndecided: 'pass' } });
  return { run: async () => report(answers[asked++] ?? 'pass') };
}

function counts(sim: GitHubSimulator): [number, number, number] {
  const total = sim.requests();
  const posts = sim.requests(undefined, 'POST');
  return [total - posts, posts, total];
}

export default async function rolloutBench(): Promise<void> {
  const sim = await startGitHubSimulator();
  const blue = await startApp({ version: 'v1' });
  const green = await startApp({ version: 'v2' });
  const haproxy = await startHaproxy({ blue: blue.address, green: green.address });
  const settings = haproxy.routerSettings('blue', 'green');
  const router = () => new HaproxyRouter(haproxySettings(settings));
  const plan = loadPlan(`strategy: canary
router: ${JSON.stringify({ provider: 'haproxy', ...settings })}
analysis:
  prometheus: http://127.0.0.1:1
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
  metrics: [{name: error-rate, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}]
steps:
  - setWeight: 20
  - analysis: {duration: 2m}
  - setWeight: 50
  - analysis: {duration: 2m}
`);
  const rows: (string | number)[][] = [];
  try {
    let n = 0;
    for (const length of [10, 1000]) {
      for (const [name, answers, target] of [
        ['four-step canary, promoted', ['pass', 'pass'], '≤ 25'],
        ['four-step canary, rolled back at step 4', ['pass', 'fail'], '≤ 25'],
      ] as [string, Verdict[], string][]) {
        const environment = `production-${++n}`;
        new HistoryBuilder(sim, environment).add(length, { digest: digest(1) });
        sim.resetCounts();
        const outcome = await runRollout({ plan, environment, artifact: { ref: `app@${digest(2)}`, digest: digest(2) }, ref: 'b'.repeat(40) }, { ledger: ledgerOf(sim), router: router(), analysis: verdicts(...answers) });
        rows.push([name, length, outcome.result, ...counts(sim), target]);
        await router().abort();
      }
      const environment = `production-${++n}`;
      const builder = new HistoryBuilder(sim, environment);
      builder.add(length, { digest: digest(1) });
      builder.add(1, { digest: digest(2) });
      sim.resetCounts();
      const ledger = ledgerOf(sim);
      const decision = await decideRollback(ledger, environment, { kind: 'previous' });
      if ('already' in decision) throw new Error('unexpected: already rolled back');
      await executeRollback(ledger, decision, { environment, reason: 'bench' }, { router: router() });
      rows.push(['rollback to previous (traffic + ledger)', length, 'rolled-back', ...counts(sim), '≤ 5']);
    }
    // A chosen deployment or digest far back: the decision reads no status per deployment passed.
    for (const [name, to, target] of [
      ['rollback to a deployment id 1,500 back', 'id', 'reads ≤ 3'],
      ['rollback to a digest 1,500 back', 'digest', 'reads ≤ 16 pages + 2'],
    ] as const) {
      const environment = `production-${++n}`;
      const builder = new HistoryBuilder(sim, environment);
      const [oldest] = builder.add(1, { digest: digest(1) });
      builder.add(1_500, { digest: digest(2) });
      sim.resetCounts();
      const ledger = ledgerOf(sim);
      const decision = await decideRollback(ledger, environment, to === 'id' ? { kind: 'deployment', id: oldest } : { kind: 'digest', digest: digest(1) });
      if ('already' in decision) throw new Error('unexpected: already rolled back');
      await executeRollback(ledger, decision, { environment, reason: 'bench' }, { router: router() });
      rows.push([name, 1_501, 'rolled-back', ...counts(sim), target]);
    }
  } finally {
    await haproxy.stop();
    await blue.stop();
    await green.stop();
    await sim.close();
  }
  printTable('GitHub requests per rollout and rollback (simulator; reads = GET, writes = POST)', ['scenario', 'history length', 'result', 'reads', 'writes', 'total', 'target'], rows);
}
