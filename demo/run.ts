import { SlipwayError } from '../src/core/errors.js';
import { createGitHubClient, GitHubLedger, type Ledger, type LedgerDeployment } from '../src/core/ledger/index.js';
import type { Logger } from '../src/core/log.js';
import { createSource } from '../src/core/metrics/sources/index.js';
import { fileURLToPath } from 'node:url';
import { loadPlan, loopAnalysisRunner, planDigest, runRollout, type RolloutOutcome, type RolloutPlan } from '../src/core/plan/index.js';
import { createRouter } from '../src/core/traffic/registry.js';
import type { TrafficRouter } from '../src/core/traffic/types.js';
import { startLoad, type LoadRun } from '../testkit/bed/load.js';
import { startEnvironment, type DemoEnvironment, type ReleaseConfig } from './environment.js';
import { checkCanaryShare, summarizeTraffic, type RuleCheck, type TrafficSummary } from './measure.js';
import { demoPlanYaml } from './plan.js';
import { ensurePrerequisites, type PrerequisiteHost } from './prerequisites.js';
import { buildRelease, type BuiltRelease } from './releases.js';

// The demo's story, on one machine: v1 deployed; a good v2 through canary steps and analysis to
// promotion; a bad v3 (5× the error rate) caught by the judge and rolled back by Slipway itself;
// steady load all along. Every release goes through the product's own plan engine, deploy step,
// router, ledger and judge with one plan: the ledger says which slot each release goes into, the
// plan's deploy command starts it there. The demo only builds, sends load and measures.

/** The production environment the demo deploys to. */
export const DEMO_ENVIRONMENT = 'production';

/** The three releases: v2 as good as v1, v3 failing five times as often. */
export const DEMO_RELEASES: ReleaseConfig[] = [
  { version: 'v1', errorRate: 0.02 },
  { version: 'v2', errorRate: 0.02 },
  { version: 'v3', errorRate: 0.1 },
];

/** How to run the demo. */
export interface DemoOptions {
  /** Requests per second of the steady load. Default 200. */
  rate?: number;
  /** Where progress lines go. */
  say: (line: string) => void;
  /** The machine (prerequisite checks and installs). */
  host: PrerequisiteHost;
}

/** What the demo did and measured. */
export interface DemoResult {
  /** True when v2 was promoted, v3 rolled back and no request failed outside the canary's share. */
  ok: boolean;
  v2: RolloutOutcome;
  v3: RolloutOutcome;
  traffic: TrafficSummary;
  /** Requests the load generator re-sent once because the server closed the connection before answering (as browsers do). */
  resent: number;
  checks: RuleCheck[];
  /** Seconds from v3's first answered request to traffic back on v2 (the router's abort done). */
  rollbackSeconds: number | undefined;
  /** The environment's deployments, newest first, read back from the ledger. */
  history: LedgerDeployment[];
  /** Commit time of each release's sha (for the lead time of the DORA figures). */
  commitTimes: Map<string, Date>;
  /** When the demo started. */
  startedAt: Date;
  /** Requests the ledger sent to the GitHub simulator, and any that broke GitHub's contract. */
  github: { requests: number; contractViolations: string[] };
  /** Seconds the whole demo took. */
  totalSeconds: number;
}

/** Runs the whole demo; `report` gets the result while the servers still run (for reading the ledger). */
export async function runDemo<T>(options: DemoOptions, report: (result: DemoResult) => Promise<T>): Promise<T> {
  const started = Date.now();
  const rate = options.rate ?? 200;
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
  const say = (line: string) => options.say(`[${elapsed()}] ${line}`);
  const logger: Logger = { debug: () => {}, info: (m) => say(`  ${m}`), warning: (m) => say(`  warning: ${m}`), error: (m) => say(`  error: ${m}`) };

  options.say(`Slipway demo: v1 deployed, a good v2 rolled out as a canary and promoted, a bad v3 (5× the errors) rolled back by Slipway itself, under ${rate} requests/s. About a minute.`);
  await ensurePrerequisites(options.host);
  say('starting the servers');
  const env = await startEnvironment((line) => say(`  ${line}`));
  // Ctrl-C stops the servers and removes their temp dirs before the process ends.
  const interrupted = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping the servers`);
    void env.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  let load: LoadRun | undefined;
  try {
    const commitTime = Math.floor(started / 1000) - 600;
    const builds = new Map<string, BuiltRelease>();
    for (const [index, config] of DEMO_RELEASES.entries()) {
      builds.set(config.version, await buildRelease(env.registry.host, config, commitTime + index * 60));
      say(`built ${config.version} with the package builder: ${builds.get(config.version)!.artifact.ref}`);
    }
    const ledgerFor = (release: BuiltRelease, runId: number) => demoLedger(env, release, runId, logger);
    const plan = demoPlan(env);
    const run: DemoRun = { env, logger, say, plan, now: () => load?.now() ?? 0 };

    // v1: the environment's first release, so the plan puts it in its first slot (blue), and once
    // ready it takes all traffic (no stable version to analyse against).
    const v1 = builds.get('v1')!;
    const ledger = ledgerFor(v1, 1);
    const first = await rolloutRelease(run, v1, ledger);
    if (first.outcome.result !== 'promoted') throw new SlipwayError(`v1 should have been deployed but its rollout ended ${first.outcome.result}: ${first.outcome.reason}`);
    say(`steady load of ${rate} requests/s through HAProxy from now on`);
    // A generous timeout: on a saturated machine a slow answer is not a lost request.
    load = startLoad({ url: env.haproxy.url, rate, connections: 32, timeoutMs: 15_000 });
    await env.prometheus.waitForSeries('sum(http_requests_total{version="v1"})');

    // v2: a good canary, into the slot v1 is not in (green), promoted by the plan.
    const v2 = await rolloutRelease(run, builds.get('v2')!, ledgerFor(builds.get('v2')!, 2));
    if (v2.outcome.result !== 'promoted') throw new SlipwayError(`v2 should have been promoted but the rollout ended ${v2.outcome.result}: ${v2.outcome.reason}`);

    // v3: a bad canary, into the slot v2 is not in (blue, v1 retired), caught and rolled back automatically.
    const v3 = await rolloutRelease(run, builds.get('v3')!, ledgerFor(builds.get('v3')!, 3));
    // A little more load on v2 alone, then stop and measure.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const loadReport = await load.stop();
    load = undefined;
    const traffic = summarizeTraffic(loadReport.samples);
    const v3Traffic = traffic.versions.find((v) => v.version === 'v3');
    const checks = [
      { name: 'v2 promoted', ok: v2.outcome.result === 'promoted', detail: v2.outcome.reason },
      { name: 'v3 rolled back by Slipway', ok: v3.outcome.result === 'rolled-back', detail: v3.outcome.reason },
      ...checkCanaryShare({
        traffic,
        errorRates: Object.fromEntries(DEMO_RELEASES.map((r) => [r.version, r.errorRate])),
        stableVersions: ['v1', 'v2'],
        rolledBack: v3.abortedAt === undefined ? undefined : { version: 'v3', completedAt: v3.abortedAt },
      }),
    ];
    const history: LedgerDeployment[] = [];
    for await (const deployment of ledger.history(DEMO_ENVIRONMENT)) history.push(deployment);
    return await report({
      ok: checks.every((c) => c.ok),
      v2: v2.outcome,
      v3: v3.outcome,
      traffic,
      resent: loadReport.connectionRetries,
      checks,
      rollbackSeconds: v3Traffic && v3.abortedAt !== undefined ? (v3.abortedAt - v3Traffic.firstAt) / 1000 : undefined,
      history,
      commitTimes: new Map([...builds.values()].map((b) => [b.sha, new Date(b.commitTime * 1000)])),
      startedAt: new Date(started),
      github: { requests: env.github.requests(), contractViolations: [...env.github.contractViolations] },
      totalSeconds: (Date.now() - started) / 1000,
    });

  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await load?.stop();
    say('stopping the servers');
    await env.stop();
  }
}

/** What a rollout of the demo needs from the run: the servers, the plan, where to log, the load's clock. */
interface DemoRun {
  env: DemoEnvironment;
  plan: { text: string; parsed: RolloutPlan };
  logger: Logger;
  say: (line: string) => void;
  /** ms on the load generator's timeline. */
  now: () => number;
}

/** The one plan every release uses, its deploy command demo/deploy-slot.ts run by tsx as the demo is. */
function demoPlan(env: DemoEnvironment): DemoRun['plan'] {
  const text = demoPlanYaml({
    haproxySocket: env.haproxy.socket,
    backend: 'app',
    slotAddresses: env.slotAddresses,
    deployCommand: [process.execPath, '--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./deploy-slot.ts', import.meta.url)), env.slotDir, String(process.pid)],
    prometheusUrl: env.prometheus.url,
  });
  return { text, parsed: loadPlan(text, 'demo-rollout.yml') };
}

/**
 * Rolls `release` out with the demo plan, wired as the root `rollout` action wires it: the plan's
 * deploy step starts it in the slot the ledger points to, the routers come from the traffic
 * registry, the analysis loop reads Prometheus. Only the routers' abort is timed (for the
 * time-to-rollback figure).
 */
async function rolloutRelease(run: DemoRun, release: BuiltRelease, ledger: Ledger): Promise<{ outcome: RolloutOutcome; abortedAt?: number }> {
  const { env, logger, plan } = run;
  const version = release.config.version;
  run.say(`${version}: rolling it out with the plan`);
  let abortedAt: number | undefined;
  const makeRouter = (provider: string, settings: Record<string, unknown>) => timedAbort(createRouter(provider, settings), () => (abortedAt = run.now()));
  const analysis = loopAnalysisRunner({ source: await createSource(plan.parsed.analysis!.source, { env: {} }), logger });
  const outcome = await runRollout(
    { plan: plan.parsed, planDigest: planDigest(plan.text), environment: DEMO_ENVIRONMENT, artifact: release.artifact, ref: release.sha, environmentUrl: env.haproxy.url },
    { ledger, router: makeRouter(plan.parsed.router.provider, plan.parsed.router.settings), makeRouter, analysis, logger },
  );
  run.say(`${version}: ${outcome.result} (deployment #${outcome.deploymentId}${outcome.rollbackDeploymentId ? `, rollback deployment #${outcome.rollbackDeploymentId}` : ''})`);
  return { outcome, abortedAt };
}

/** The ledger as the workflow run of one release would write it (its own commit and run id). */
function demoLedger(env: DemoEnvironment, release: BuiltRelease, runId: number, logger: Logger): Ledger {
  const { github } = env;
  // GitHub asks for about a second between content-creating requests; the simulator does not, and
  // the demo should not spend its minute waiting, so writes are spaced by 50 ms here.
  const client = createGitHubClient({ baseUrl: github.url, token: github.token, logger, writeSpacingMs: 50, retryBaseMs: 100 });
  return new GitHubLedger({
    client,
    owner: github.owner,
    repo: github.repo,
    runUrl: `https://github.com/${github.owner}/${github.repo}/actions/runs/${runId}`,
    source: { sha: release.sha, ref: 'refs/heads/main', runId, runAttempt: 1, actor: 'demo-user', workflow: 'Slipway demo' },
    logger,
  });
}

/** The router, noting when an abort (traffic back on stable) has completed. */
function timedAbort(router: TrafficRouter, onAborted: () => void): TrafficRouter {
  return {
    type: router.type,
    describe: () => router.describe(),
    setCanaryWeight: (percent) => router.setCanaryWeight(percent),
    promote: () => router.promote(),
    abort: async () => {
      const state = await router.abort();
      onAborted();
      return state;
    },
  };
}
