import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { freePort } from '../../testkit/bed/ports.js';
import { ERROR_RATE_QUERIES, startAnalysisBed, type AnalysisBed } from '../support/analysis-bed.js';
import { buildBundle, runActionStep, type ActionRunOptions } from '../support/action-runner.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';

// The bundled analyze action, run as the runner runs it, against the real Prometheus scraping
// real app versions under load, writing its verdict into a deployment on the GitHub simulator.

const describeIf = serverAvailable('prometheus') ? describe : describe.skip;
const STATUS = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
const PROMETHEUS_TOKEN = 's3cret-prom-token';
const METRICS = `
- name: error-rate
  kind: rate
  critical: true
  allowedIncrease: 100%
  ${ERROR_RATE_QUERIES}
`;

describeIf('the analyze action', () => {
  let sim: GitHubSimulator;
  let bundle: string;
  let bed: AnalysisBed;
  let workDir: string;
  let metricsFile: string;

  beforeAll(async () => {
    sim = await startGitHubSimulator();
    bundle = await buildBundle('analyze');
    workDir = mkdtempSync(join(tmpdir(), 'slipway-analyze-'));
    metricsFile = join(workDir, 'metrics.yml');
    writeFileSync(metricsFile, METRICS);
    // v1 the baseline, v2 an equal canary, v3 one with 5x the errors.
    bed = await startAnalysisBed([{ version: 'v1', errorRate: 0.05 }, { version: 'v2', errorRate: 0.05 }, { version: 'v3', errorRate: 0.25 }], 100);
  }, 300_000); // the bundle is built fresh, which is slow on a busy machine

  afterAll(async () => {
    await bed?.stop();
    await sim?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const deployment = () =>
    sim.seedDeployments(1, { environment: 'production', sha: 'a'.repeat(40), states: ['in_progress'], payload: { schema: 'slipway/v1', source: { sha: 'a'.repeat(40), ref: 'refs/heads/main', runId: 1, runAttempt: 1, actor: 'octocat', workflow: 'deploy' } } })[0];

  const step = (inputs: Record<string, string>, extra: Pick<ActionRunOptions, 'killAfter' | 'state'> = {}) =>
    runActionStep(bundle, {
      ...extra,
      inputs: {
        prometheus: bed.prometheus.url,
        metrics: metricsFile,
        'baseline-selector': 'version="v1"',
        duration: '30s',
        interval: '1s',
        token: sim.token,
        ...inputs,
      },
      env: { GITHUB_REPOSITORY: `${sim.owner}/${sim.repo}`, GITHUB_API_URL: sim.url, GITHUB_RUN_ID: '42', GITHUB_SHA: 'a'.repeat(40) },
      cwd: workDir,
    });

  const latestStatus = (id: number) => sim.state.latest(sim.state.deployments.get(id)!);

  test('a canary with 5x the errors fails the step early, with outputs, a JSON report, a summary chart and the verdict on the deployment', async () => {
    const id = deployment();
    sim.resetCounts();
    const result = await step({ 'canary-selector': 'version="v3"', 'deployment-id': String(id), 'prometheus-headers': `Authorization: Bearer ${PROMETHEUS_TOKEN}` });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('::error::Canary analysis verdict: fail (score 0).');
    expect(result.outputs).toMatchObject({ verdict: 'fail', score: '0' });
    const report = JSON.parse(readFileSync(result.outputs.report, 'utf8'));
    expect(report.report.metrics[0]).toMatchObject({ name: 'error-rate', class: 'high' });
    expect(report.stoppedEarly).toBe(true);
    expect(report.series[0].counts.canary.requests.length).toBe(report.intervals);
    expect(result.summary).toContain('## Canary analysis: ❌ fail (score 0)');
    expect(result.summary).toContain('xychart-beta');
    expect(latestStatus(id)).toMatchObject({ state: 'failure', description: expect.stringMatching(/^analysis fail \(score 0\): error-rate high · \d+\/30 intervals$/) });
    expect(sim.requests(STATUS)).toBe(2);
    // The runner is told to mask the Prometheus credentials before anything else is logged.
    expect(result.stdout).toContain(`::add-mask::${PROMETHEUS_TOKEN}`);
    expectNoContractViolations(sim);
  });

  test('an equal canary passes: exit 0, the deployment stays in progress with the verdict', async () => {
    const id = deployment();
    const result = await step({ 'canary-selector': 'version="v2"', 'deployment-id': String(id) });
    expect({ exitCode: result.exitCode, outputs: result.outputs.verdict }).toEqual({ exitCode: 0, outputs: 'pass' });
    expect(latestStatus(id)).toMatchObject({ state: 'in_progress', description: expect.stringMatching(/^analysis pass \(score 100\)/) });
    expect(existsSync(result.outputs.report)).toBe(true);
    expect(result.stdout).not.toContain('::warning::Canary analysis');
  });

  test('a job cancelled during the analysis: the post step marks the deployment error, never leaving it in progress', async () => {
    const id = deployment();
    // The runner kills the main step mid-analysis (as a cancelled job does), then runs the post step.
    const killed = await step({ 'canary-selector': 'version="v2"', 'deployment-id': String(id), duration: '10m' }, { killAfter: { text: '::group::Analysis', delayMs: 2000 } });
    expect(killed.state['analysing-deployment']).toBe(String(id));
    expect(latestStatus(id)).toMatchObject({ state: 'in_progress', description: expect.stringMatching(/^analysis running/) });
    const post = await step({ 'canary-selector': 'version="v2"', 'deployment-id': String(id), duration: '10m' }, { state: killed.state });
    expect(post.exitCode).toBe(0);
    expect(latestStatus(id)).toMatchObject({ state: 'error', description: 'the job ended during the analysis (failed or cancelled); no verdict' });
    // A verdict already written is never overwritten by the post step.
    const again = await step({ 'canary-selector': 'version="v2"', 'deployment-id': String(id), duration: '10m' }, { state: killed.state });
    expect(again.stdout).toContain(`Deployment #${id} ended error; nothing to close.`);
  });

  test('with fail-on never a failing verdict is reported but does not fail the step', async () => {
    const result = await step({ 'canary-selector': 'version="v3"', 'fail-on': 'never' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.verdict).toBe('fail');
    expect(result.stdout).toMatch(/::warning::Canary analysis verdict: fail \(score 0\)\. .*\(fail-on: never\): the step does not fail\./);
  });

  test.each([
    [{ 'canary-selector': 'version="v3"} or vector(1) or up{a="' }, "Input 'canary-selector' has the value"],
    [{ 'canary-selector': 'version="v3"', duration: 'soon' }, "Input 'duration' has the value \"soon\": expected a duration"],
    [{ 'canary-selector': 'version="v3"', interval: '2m' }, "Input 'interval' has the value \"2m\": expected at most the duration (30s)"],
    [{ 'canary-selector': 'version="v3"', metrics: '- {name: m, kind: rate}' }, 'Input \'metrics\': metrics[0] "m": field errors: expected a PromQL query template'],
    [{ 'canary-selector': 'version="v3"', 'on-no-data': 'pass' }, "Input 'on-no-data' has the value \"pass\": expected one of inconclusive, fail"],
    [{ 'canary-selector': 'version="v3"', 'consecutive-error-limit': '-1' }, "Input 'consecutive-error-limit' has the value \"-1\": expected a whole number of intervals from 0 to 11,000"],
    [{ 'canary-selector': 'version="v3"', history: '-5m' }, "Input 'history' has the value \"-5m\": expected a duration such as 90, 90s, 2m, 1h or 1m30s (whole seconds). Fix: write e.g. history: 30m, or history: 0 to read none"],
  ])('bad input %j fails before anything is written', async (inputs, message) => {
    const id = deployment();
    sim.resetCounts();
    const result = await step({ ...inputs, 'deployment-id': String(id) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`::error::${message}`);
    expect(sim.requests()).toBe(0);
    expect(latestStatus(id)!.state).toBe('in_progress');
  });

  test('an unreachable Prometheus or a missing deployment is reported at once, with no status written', async () => {
    const id = deployment();
    sim.resetCounts();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await step({ 'canary-selector': 'version="v3"', 'deployment-id': String(id), prometheus: dead });
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stdout).toContain(`::error::The prometheus source cannot answer metric "error-rate" field errors`);
    expect(unreachable.stdout).toContain(`Prometheus at ${dead} is unreachable: ECONNREFUSED`);
    const missing = await step({ 'canary-selector': 'version="v3"', 'deployment-id': '999999' });
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain("::error::Input 'deployment-id' has the value 999999: no such deployment in this repository.");
    expect(sim.requests(STATUS)).toBe(0);
  });
});
