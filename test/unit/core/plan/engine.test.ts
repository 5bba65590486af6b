import { describe, expect, test } from '@jest/globals';
import type { JudgeReport, Verdict } from '../../../../src/core/judge/types.js';
import { RecordingLogger } from '../../../../src/core/log.js';
import type { Clock } from '../../../../src/core/analysis/clock.js';
import { loadPlan, runRollout, type AnalysisRunner, type RolloutProgress } from '../../../../src/core/plan/index.js';
import { LedgerDouble, RouterDouble } from './doubles.js';

const ENV = 'production';
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const artifact = (n: number) => ({ ref: `registry.test/app@${digest(n)}`, digest: digest(n) });

const FOUR_STEPS = `router: {provider: double}
analysis:
  prometheus: 'http://127.0.0.1:9090'
  interval: 1s
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
  metrics: [{name: errors, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}]
steps:
  - setWeight: 10
  - analysis: {duration: 30s}
  - setWeight: 50
  - analysis: {duration: 30s}
`;

function judgeReport(verdict: Verdict): JudgeReport {
  return { verdict, score: verdict === 'pass' ? 100 : 0, reasons: [`the canary ${verdict === 'fail' ? 'errs 5× more' : 'looks fine'}`], metrics: [], config: { alpha: 0.01, thresholds: { pass: 95, marginal: 75 }, onNoData: 'inconclusive', onUndecided: 'pass' } };
}

/** An analysis runner double that answers the given verdicts in turn. */
function verdicts(...answers: Verdict[]): AnalysisRunner & { asked: number } {
  const runner = { asked: 0, run: async () => judgeReport(answers[runner.asked++] ?? 'pass') };
  return runner;
}

const instantClock: Clock & { slept: number[] } = { slept: [], now: () => new Date(), sleep: async (ms) => void instantClock.slept.push(ms) };

function setup(previous = true) {
  const ledger = new LedgerDouble();
  const router = new RouterDouble();
  const good = previous ? ledger.seed(ENV, { digest: digest(1), states: ['in_progress', 'success'] }) : undefined;
  return { ledger, router, good };
}

describe('rollout engine', () => {
  test('a good canary walks every step, records each as in_progress, then promotes and ends success', async () => {
    const { ledger, router } = setup();
    const logger = new RecordingLogger();
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass'), logger });
    expect(outcome.result).toBe('promoted');
    expect(router.calls.filter((c) => c !== 'describe')).toEqual(['setCanaryWeight 10', 'setCanaryWeight 50', 'promote']);
    expect(router.state.canaryWeight).toBe(100);
    const descriptions = (ledger.statuses.get(outcome.deploymentId) ?? []).map((s) => `${s.state}: ${s.description}`);
    expect(descriptions).toEqual([
      'in_progress: canary 10% · step 1/4 · setWeight 10%',
      'in_progress: canary 10% · step 2/4 · analysis 30s running',
      'in_progress: canary 10% · step 2/4 · analysis pass (score 100)',
      'in_progress: canary 50% · step 3/4 · setWeight 50%',
      'in_progress: canary 50% · step 4/4 · analysis 30s running',
      'in_progress: canary 50% · step 4/4 · analysis pass (score 100)',
      'in_progress: promoting · 4/4 steps passed',
      'success: promoted · canary · 4/4 steps',
    ]);
    expect(outcome.steps.every((s) => s.state === 'done')).toBe(true);
  });

  test('a failing analysis rolls back by itself: traffic to stable, canary marked failure, rollback recorded', async () => {
    const { ledger, router, good } = setup();
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'fail') });
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.reason).toContain('analysis fail');
    expect(router.state.canaryWeight).toBe(0);
    expect(router.calls).not.toContain('promote');
    expect(ledger.statesOf(outcome.deploymentId).at(-1)).toBe('failure');
    expect(ledger.descriptionOf(outcome.deploymentId)).toMatch(/^rolled back: analysis fail/);
    const rollback = await ledger.getDeployment(outcome.rollbackDeploymentId!);
    expect(rollback).toMatchObject({ task: 'deploy:rollback', payload: { rollbackOf: outcome.deploymentId, artifact: { digest: digest(1) } }, latestStatus: { state: 'success' } });
    expect((await ledger.current(ENV))?.payload?.artifact?.digest).toBe(good!.payload!.artifact!.digest);
    expect(outcome.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'failed']);
  });

  test('an inconclusive analysis pauses under the default policy and leaves traffic where it was', async () => {
    const { ledger, router } = setup();
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('inconclusive') });
    expect(outcome.result).toBe('paused');
    expect(router.state.canaryWeight).toBe(10);
    expect(ledger.statesOf(outcome.deploymentId).at(-1)).toBe('in_progress');
    expect(ledger.descriptionOf(outcome.deploymentId)).toBe('canary 10% · step 2/4 · paused: analysis inconclusive (score 0): the canary looks fine');
  });

  test('onInconclusive: rollback rolls an inconclusive canary back', async () => {
    const { ledger, router } = setup();
    const plan = loadPlan(`${FOUR_STEPS}onInconclusive: rollback\n`);
    const outcome = await runRollout({ plan, environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('inconclusive') });
    expect(outcome.result).toBe('rolled-back');
    expect(router.state.canaryWeight).toBe(0);
  });

  test('an open-ended pause ends the run paused, and the next run resumes after it and promotes', async () => {
    const { ledger, router } = setup();
    const plan = loadPlan('router: {provider: double}\nsteps:\n  - setWeight: 20\n  - pause: {}\n  - setWeight: 60\n');
    const request = { plan, planDigest: 'sha256:p', environment: ENV, artifact: artifact(2), ref: 'abc' };
    const first = await runRollout(request, { ledger, router });
    expect(first.result).toBe('paused');
    expect(ledger.descriptionOf(first.deploymentId)).toBe('canary 20% · step 2/3 · paused until the next run');

    router.calls = [];
    const logger = new RecordingLogger();
    const second = await runRollout(request, { ledger, router, logger });
    expect(second.result).toBe('promoted');
    expect(second.deploymentId).toBe(first.deploymentId);
    expect(router.calls.filter((c) => c !== 'describe')).toEqual(['setCanaryWeight 60', 'promote']);
    expect(logger.at('info')).toContain(`Resuming deployment #${first.deploymentId} at step 3/3 (recorded: "canary 20% · step 2/3 · paused until the next run").`);
  });

  test('a resumed run first brings traffic back to where the recorded step left it', async () => {
    const { ledger, router } = setup();
    const plan = loadPlan('router: {provider: double}\nsteps:\n  - setWeight: 20\n  - pause: {}\n  - setWeight: 60\n');
    const request = { plan, environment: ENV, artifact: artifact(2), ref: 'abc' };
    await runRollout(request, { ledger, router });
    router.state = { ...router.state, canaryWeight: 0, stableWeight: 100 }; // someone aborted by hand
    router.calls = [];
    await runRollout(request, { ledger, router });
    expect(router.calls.filter((c) => c !== 'describe')).toEqual(['setCanaryWeight 20', 'setCanaryWeight 60', 'promote']);
  });

  test('re-running a promoted rollout changes nothing', async () => {
    const { ledger, router } = setup();
    const request = { plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' };
    const first = await runRollout(request, { ledger, router, analysis: verdicts('pass', 'pass') });
    const writesBefore = ledger.calls.filter((c) => c !== 'history').length;
    router.calls = [];
    const again = await runRollout(request, { ledger, router, analysis: verdicts('fail') });
    expect(again).toMatchObject({ result: 'promoted', deploymentId: first.deploymentId });
    expect(router.calls).toEqual([]);
    expect(ledger.calls.filter((c) => c !== 'history').length).toBe(writesBefore);
  });

  test('a timed pause waits through the clock port', async () => {
    const { ledger, router } = setup();
    instantClock.slept = [];
    const plan = loadPlan('router: {provider: double}\nsteps:\n  - setWeight: 20\n  - pause: {duration: 90s}\n');
    const outcome = await runRollout({ plan, environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, clock: instantClock });
    expect(outcome.result).toBe('promoted');
    expect(instantClock.slept).toEqual([90_000]);
  });

  test('a router error mid-rollout puts traffic back on stable, marks the deployment error and fails', async () => {
    const { ledger, router } = setup();
    router.failOn = 'setCanaryWeight 50';
    const progress: RolloutProgress[] = [];
    await expect(
      runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass'), onProgress: (p) => void progress.push(structuredClone(p)) }),
    ).rejects.toThrow('router double: setCanaryWeight 50 failed');
    expect(router.state.canaryWeight).toBe(0);
    const created = ledger.deployments.at(-1)!;
    expect(created.latestStatus).toMatchObject({ state: 'error', description: 'stopped at step 3/4; traffic back on stable: router double: setCanaryWeight 50 failed' });
  });

  test('a failing canary with no good version before it goes back to stable and is marked failure', async () => {
    const { ledger, router } = setup(false);
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('fail') });
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.rollbackDeploymentId).toBeUndefined();
    expect(router.state.canaryWeight).toBe(0);
    expect(ledger.statesOf(outcome.deploymentId).at(-1)).toBe('failure');
  });

  test('a failing canary that is marked irreversible pauses instead of rolling back, and says why', async () => {
    const { ledger, router } = setup();
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc', irreversible: true }, { ledger, router, analysis: verdicts('fail') });
    expect(outcome.result).toBe('paused');
    expect(outcome.reason).toContain('marks it irreversible');
    expect(router.state.canaryWeight).toBe(10);
  });

  test('a failed smoke check follows onFailure', async () => {
    const { ledger, router } = setup();
    const plan = loadPlan('strategy: blue-green\nrouter: {provider: double}\nsteps:\n  - preview: {}\n  - smokeCheck: http://127.0.0.1:1/health\n  - switch: {}\n');
    const outcome = await runRollout({ plan, environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, smokeCheck: async () => ({ ok: false, detail: 'GET answered 503, expected 200' }) });
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.reason).toBe('smoke check failed: GET answered 503, expected 200');
    expect(router.state).toMatchObject({ canaryWeight: 0, headerRoutes: [] });
    expect(router.calls).not.toContain('setCanaryWeight 100');
  });

  test('a blue-green plan previews by header, switches at once, then promotes', async () => {
    const { ledger, router } = setup();
    const plan = loadPlan('strategy: blue-green\nrouter: {provider: double}\nsteps:\n  - preview: {}\n  - smokeCheck: http://127.0.0.1:1/health\n  - switch: {}\n');
    const outcome = await runRollout({ plan, environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, smokeCheck: async () => ({ ok: true, detail: 'ok' }) });
    expect(outcome.result).toBe('promoted');
    expect(router.calls.filter((c) => c !== 'describe')).toEqual(['setHeaderRoute x-slipway-preview=true', 'setCanaryWeight 100', 'promote']);
  });

  test('progress is published after every step with verdicts, for the PR comment', async () => {
    const { ledger, router } = setup();
    const seen: RolloutProgress[] = [];
    await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass'), onProgress: (p) => void seen.push(structuredClone(p)) });
    expect(seen.at(-1)).toMatchObject({ result: 'promoted', steps: [{ state: 'done' }, { state: 'done', verdict: 'pass', score: 100 }, { state: 'done' }, { state: 'done', verdict: 'pass' }] });
    expect(seen.some((p) => p.steps[1].state === 'running')).toBe(true);
  });
});

describe('rollout engine: failure paths converge', () => {
  /** A ledger whose next `failures` writes of `state` fail, as GitHub answering 502 after its own retries. */
  class FlakyLedger extends LedgerDouble {
    failures = 0;
    constructor(private readonly failing: string) {
      super();
    }
    override async setStatus(id: number, request: Parameters<LedgerDouble['setStatus']>[1]) {
      if (request.state === this.failing && this.failures > 0) {
        this.failures--;
        throw new Error('GitHub answered 502');
      }
      return super.setStatus(id, request);
    }
  }

  test('a failure writing the final success is retried, never moves traffic back, and a re-run records success without a step', async () => {
    const ledger = new FlakyLedger('success');
    ledger.seed(ENV, { digest: digest(1), states: ['in_progress', 'success'] });
    const router = new RouterDouble();
    ledger.failures = 3;
    const run = () => runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass'), clock: instantClock });
    await expect(run()).rejects.toThrow(/is promoted: all traffic is on it, and it stays there\. Recording success on deployment #\d+ failed 3 times \(GitHub answered 502\)/);
    expect(router.state.canaryWeight).toBe(100);
    expect(router.calls).not.toContain('abort');
    const deploymentId = ledger.deployments.at(-1)!.id;
    expect(ledger.descriptionOf(deploymentId)).toBe('promoting · 4/4 steps passed');

    router.calls = [];
    const again = await run();
    expect(again).toMatchObject({ result: 'promoted', deploymentId });
    expect(router.calls.filter((call) => call !== 'describe')).toEqual(['promote']);
    expect(ledger.statesOf(deploymentId).at(-1)).toBe('success');
  });

  test('one failed write of the final success is retried and the rollout ends promoted', async () => {
    const ledger = new FlakyLedger('success');
    ledger.seed(ENV, { digest: digest(1), states: ['in_progress', 'success'] });
    ledger.failures = 1;
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router: new RouterDouble(), analysis: verdicts('pass', 'pass'), clock: instantClock });
    expect(outcome.result).toBe('promoted');
    expect(ledger.statesOf(outcome.deploymentId).at(-1)).toBe('success');
  });

  test('a router that cannot move traffic back still gets the truth recorded: error, and where traffic was last seen', async () => {
    const { ledger, router } = setup();
    router.failOn = ['setCanaryWeight 50', 'abort'];
    await expect(runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass') })).rejects.toThrow('setCanaryWeight 50 failed');
    expect(ledger.deployments.at(-1)!.latestStatus).toMatchObject({
      state: 'error',
      description: expect.stringMatching(/^stopped at step 3\/4; traffic NOT moved back, last seen at canary 10%: router double: setCanaryWeight 50 failed/),
    });
  });

  test('after promote-artifact recorded the same artifact as success, the plan runs and traffic ends on it', async () => {
    const { ledger, router, good } = setup();
    const promoted = ledger.seed(ENV, { digest: digest(2), task: 'deploy:promote', states: ['success'] });
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass') });
    expect(outcome).toMatchObject({ result: 'promoted', reason: 'all 4 steps passed' });
    expect(outcome.deploymentId).not.toBe(promoted.id);
    expect(router.calls).toEqual(expect.arrayContaining(['setCanaryWeight 10', 'setCanaryWeight 50', 'promote']));
    expect(router.state.canaryWeight).toBe(100);
    // A rollback from this rollout would restore what the promotion replaced, not the same artifact.
    expect(ledger.deployments.at(-1)!.payload?.previousGood).toBe(good!.id);
  });

  test('a rollout that ran its plan is not run again', async () => {
    const { ledger, router } = setup();
    await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass') });
    router.calls = [];
    const again = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass') });
    expect(again.reason).toMatch(/already promoted/);
    expect(router.calls).toEqual([]);
  });
});

describe('rollout engine: two runs in one environment', () => {
  const realClock: Clock = { now: () => new Date(), sleep: async () => undefined };
  /** An open deployment of another artifact whose last status was written `ageMs` ago by `runUrl`. */
  function liveRun(ledger: LedgerDouble, ageMs: number, description = 'canary 25% · step 2/4 · analysis 30s running', runUrl = 'https://github.com/o/r/actions/runs/1') {
    const other = ledger.seed(ENV, { digest: digest(3), states: ['in_progress'] });
    const stored = ledger.deployments.find((d) => d.id === other.id)!;
    stored.latestStatus = { ...stored.latestStatus!, description, createdAt: new Date(Date.now() - ageMs).toISOString(), logUrl: runUrl };
    return other;
  }

  test('a second rollout refuses while the first is alive, naming its run and the concurrency fix, and changes nothing', async () => {
    const { ledger, router } = setup();
    const live = liveRun(ledger, 60_000);
    const created = ledger.deployments.length;
    await expect(
      runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass'), clock: realClock, runUrl: 'https://github.com/o/r/actions/runs/2' }),
    ).rejects.toThrow(new RegExp(`Another rollout is live in production: deployment #${live.id} .* last heard from 60 s ago .* driven by https://github.com/o/r/actions/runs/1\\..*concurrency: \\{group: deploy-production, cancel-in-progress: false\\}`));
    expect(ledger.deployments).toHaveLength(created);
    expect(router.calls).toEqual([]);
    expect(ledger.statesOf(live.id)).toEqual(['in_progress']);
  });

  test('a rollout silent for three heartbeats is superseded', async () => {
    const { ledger, router } = setup();
    const dead = liveRun(ledger, 16 * 60_000);
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass'), clock: realClock });
    expect(outcome.result).toBe('promoted');
    expect(ledger.descriptionOf(dead.id)).toMatch(/^superseded by a rollout of/);
  });

  test('a paused rollout is waiting, not live: a new rollout supersedes it at once', async () => {
    const { ledger, router } = setup();
    liveRun(ledger, 1000, 'canary 25% · step 2/4 · paused until the next run');
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass'), clock: realClock });
    expect(outcome.result).toBe('promoted');
  });

  test('the same run (a re-run attempt) resumes its own live deployment', async () => {
    const { ledger, router } = setup();
    const ours = 'https://github.com/o/r/actions/runs/7';
    const own = ledger.seed(ENV, { digest: digest(2), states: ['in_progress'] });
    const stored = ledger.deployments.find((d) => d.id === own.id)!;
    stored.latestStatus = { ...stored.latestStatus!, description: 'canary 10% · step 2/4 · analysis 30s running', createdAt: new Date().toISOString(), logUrl: ours };
    const outcome = await runRollout({ plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: verdicts('pass', 'pass'), clock: realClock, runUrl: ours });
    expect(outcome).toMatchObject({ result: 'promoted', deploymentId: own.id });
  });

  test('a deployment another run created moments ago, still without a status, is live; the run that created it (a re-run attempt) resumes it', async () => {
    const { ledger, router } = setup();
    const fresh = ledger.seed(ENV, { digest: digest(2), payload: { source: { sha: 'abc', ref: 'refs/heads/main', runId: 41, runAttempt: 1, actor: 'dev', workflow: 'deploy' } } });
    ledger.deployments.find((d) => d.id === fresh.id)!.createdAt = new Date(Date.now() - 5_000).toISOString();
    const request = { plan: loadPlan(FOUR_STEPS), environment: ENV, artifact: artifact(2), ref: 'abc' };
    await expect(runRollout(request, { ledger, router, analysis: verdicts('pass', 'pass'), clock: realClock, runId: 42 })).rejects.toThrow(
      new RegExp(`^Another rollout is live in production: deployment #${fresh.id} .* last heard from 5 s ago \\(just created\\), driven by the run that wrote it \\(deploy, run 41\\)`),
    );
    expect(router.calls).toEqual([]);
    const outcome = await runRollout(request, { ledger, router, analysis: verdicts('pass', 'pass'), clock: realClock, runId: 41 });
    expect(outcome).toMatchObject({ result: 'promoted', deploymentId: fresh.id });
  });

  test('a live rollout writes a heartbeat while a long step runs, and none after its final status', async () => {
    const { ledger, router } = setup();
    let release!: () => void;
    const slowAnalysis: AnalysisRunner = { run: () => new Promise((resolve) => (release = () => resolve(judgeReport('pass')))) };
    const running = runRollout({ plan: loadPlan('router: {provider: double}\nanalysis: {prometheus: "http://127.0.0.1:9090", interval: 1s, canarySelector: \'version="v2"\', baselineSelector: \'version="v1"\', metrics: [{name: e, kind: rate, errors: "sum(e{{{selector}}})", requests: "sum(r{{{selector}}})"}]}\nsteps:\n  - setWeight: 10\n  - analysis: {duration: 30s}\n'), environment: ENV, artifact: artifact(2), ref: 'abc' }, { ledger, router, analysis: slowAnalysis, heartbeatMs: 20 });
    const id = () => ledger.deployments.at(-1)!.id;
    const beats = () => (ledger.statuses.get(id()) ?? []).filter((s) => s.description === 'canary 10% · step 2/2 · analysis 30s running').length;
    while (beats() < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    const outcome = await running;
    expect(outcome.result).toBe('promoted');
    const after = ledger.statesOf(outcome.deploymentId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ledger.statesOf(outcome.deploymentId)).toEqual(after);
    expect(after.at(-1)).toBe('success');
  });
});
