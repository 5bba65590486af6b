import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAYLOAD_SCHEMA } from '../../../src/core/ledger/index.js';
import { decideRollback, executeRollback, parseRollbackTo, RollbackRefusedError, type RollbackDecision } from '../../../src/core/rollback/index.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { shareBetween } from '../../../testkit/bed/load.js';
import { buildBundle, runActionStep } from '../../support/action-runner.js';
import { expectNoContractViolations } from '../../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../../support/ledger-history.js';
import { artifact, SHA, startRolloutBed, type RolloutBed } from '../rollout/environment.js';

// Rollback against the GitHub simulator (the ledger) and HAProxy (the traffic): what it restores,
// what it refuses and why, what it costs in requests, and the traffic measured back on stable.
const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

let bed: RolloutBed;
let bundle: string;
let count = 0;

function history(): { environment: string; builder: HistoryBuilder } {
  const environment = `production-${++count}`;
  return { environment, builder: new HistoryBuilder(bed.sim, environment) };
}

async function decide(environment: string, to = 'previous', force = false): Promise<RollbackDecision> {
  const decision = await decideRollback(bed.ledger(), environment, parseRollbackTo(to), { force });
  if ('already' in decision) throw new Error('already rolled back');
  return decision;
}

/** Writes GitHub saw since the last reset (every write Slipway makes is a POST). */
function writes(): number {
  return bed.sim.requests(undefined, 'POST');
}

describeIf('rollback', () => {
  beforeAll(async () => {
    [bed, bundle] = await Promise.all([startRolloutBed({ prometheus: false }), buildBundle('rollback')]);
  }, 300_000);
  afterAll(async () => {
    await bed?.stop();
  });
  afterEach(() => {
    expectNoContractViolations(bed.sim);
  });

  test('to previous: the active version is marked failure and the last good one recorded again as a deploy:rollback that ends success', async () => {
    const { environment, builder } = history();
    const [v1, v2] = [...builder.add(1, { digest: artifact(1).digest }), ...builder.add(1, { digest: artifact(2).digest })];
    const ledger = bed.ledger();
    bed.sim.resetCounts();
    const decision = await decide(environment);
    const outcome = await executeRollback(ledger, decision, { environment, reason: 'error budget burnt' }, {});
    const requests = bed.sim.requests();
    expect(decision).toMatchObject({ bad: { id: v2 }, target: { id: v1 } });
    expect(outcome).toMatchObject({ imageRef: artifact(1).ref, rolledBackDeploymentId: v2 });
    expect(await ledger.getDeployment(v2)).toMatchObject({ latestStatus: { state: 'failure', description: 'rolled back: error budget burnt' } });
    expect(await ledger.getDeployment(outcome.deploymentId!)).toMatchObject({ task: 'deploy:rollback', sha: bed.sim.state.deployments.get(v1)!.sha, payload: { rollbackOf: v2, artifact: artifact(1), previousGood: v1 }, latestStatus: { state: 'success' } });
    expect((await ledger.lastGood(environment))?.id).toBe(outcome.deploymentId);
    // One page and the target's status to decide; three writes to record (the lineage is known).
    expect(requests).toBeLessThanOrEqual(5);
  });

  test('the decision costs the same few requests however long the history is', async () => {
    const { environment, builder } = history();
    builder.add(500, { digest: artifact(1).digest });
    builder.add(3, { states: ['in_progress', 'failure'], digest: artifact(3).digest });
    const [active] = builder.add(1, { digest: artifact(2).digest });
    bed.sim.resetCounts();
    const decision = await decide(environment);
    expect(decision.bad.id).toBe(active);
    expect(decision.target?.payload?.artifact?.digest).toBe(artifact(1).digest);
    // the list page, then the target's status: the deployments passed over are judged by payload
    expect(bed.sim.requests()).toBe(2);
  });

  test('to a chosen deployment id: every deployment after it is undone', async () => {
    const { environment, builder } = history();
    const [v1, v2, v3] = [1, 2, 3].flatMap((n) => builder.add(1, { digest: artifact(n).digest }));
    const decision = await decide(environment, String(v1));
    expect(decision).toMatchObject({ bad: { id: v3 }, target: { id: v1 }, passed: [{ id: v2 }] });
    await expect(decide(environment, '999999')).rejects.toThrow('Cannot roll back to deployment 999999: it does not exist in this repository.');
  });

  test('to a digest the ledger shows as once successful there', async () => {
    const { environment, builder } = history();
    const [v1] = [1, 2, 3].flatMap((n) => builder.add(1, { digest: artifact(n).digest }));
    expect((await decide(environment, artifact(1).ref)).target?.id).toBe(v1);
    await expect(decide(environment, artifact(7).digest)).rejects.toThrow(`Cannot roll back ${environment} to ${artifact(7).digest}: the ledger shows no successful deployment of that digest there.`);
  });

  test('past a foreign deployment: it is skipped, whether the lineage holds or not', async () => {
    const { environment, builder } = history();
    const [v1] = builder.add(1, { digest: artifact(1).digest });
    builder.add(1, { foreign: true });
    builder.add(1, { digest: artifact(2).digest });
    expect((await decide(environment)).target?.id).toBe(v1);

    const other = history();
    const [w1] = other.builder.add(1, { digest: artifact(1).digest });
    other.builder.add(1, { foreign: true });
    other.builder.add(1, { digest: artifact(2).digest, withoutLineage: true });
    expect((await decide(other.environment)).target?.id).toBe(w1);
  });

  test('refused past an irreversible deployment unless forced, with the reason, and nothing written', async () => {
    const { environment, builder } = history();
    const [v1] = builder.add(1, { digest: artifact(1).digest });
    const payload = { schema: PAYLOAD_SCHEMA, source: { sha: SHA, ref: 'refs/heads/main', runId: 5, runAttempt: 1, actor: 'octocat', workflow: 'deploy' }, previousGood: v1, artifact: artifact(2), irreversible: true };
    const [migration] = bed.sim.seedDeployments(1, { environment, payload, states: ['in_progress', 'success'] });
    bed.sim.resetCounts();
    await expect(decide(environment)).rejects.toThrow(
      new RollbackRefusedError(
        `Refusing to roll back ${environment} past deployment #${migration} (${artifact(2).ref}): its payload marks it irreversible (for example a contract-phase schema migration), so the older version may not work with what it changed. Roll forward with a fix, or set \`force: true\` if the older version is known to be safe.`,
      ),
    );
    expect(writes()).toBe(0);
    expect((await decide(environment, 'previous', true)).target?.id).toBe(v1);
  });

  test('refused with no good history, and nothing written', async () => {
    const { environment, builder } = history();
    const [only] = builder.add(1, { digest: artifact(1).digest });
    bed.sim.resetCounts();
    await expect(decide(environment)).rejects.toThrow(`No good version to roll back to in ${environment}: no deployment before #${only} succeeded there. Deploy a fixed version instead.`);
    await expect(decide(`empty-${count}`)).rejects.toThrow(`Nothing to roll back in empty-${count}`);
    expect(writes()).toBe(0);
  });

  test('the action sends traffic back to stable under load (measured), records the rollback, and a re-run changes nothing', async () => {
    const { environment, builder } = history();
    const [v1] = builder.add(1, { digest: artifact(1).digest });
    const [v2] = builder.add(1, { digest: artifact(2).digest });
    const env = { GITHUB_REPOSITORY: `${bed.sim.owner}/${bed.sim.repo}`, GITHUB_API_URL: bed.sim.url, GITHUB_SHA: SHA, GITHUB_RUN_ID: '901' };
    const inputs = { environment, provider: 'haproxy', router: JSON.stringify(bed.haproxy.routerSettings('blue', 'green')), reason: 'p99 latency doubled', token: bed.sim.token };
    await bed.router().setCanaryWeight(40);
    const { result, report } = await bed.underLoad(200, async (load) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const startedAt = load.now();
      bed.sim.resetCounts();
      const run = await runActionStep(bundle, { inputs, env });
      const requests = bed.sim.requests();
      const backAt = load.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { run, startedAt, backAt, requests };
    });
    expect({ exitCode: result.run.exitCode, stderr: result.run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(shareBetween(report.samples, 'v2', 0, result.startedAt).share).toBeGreaterThan(30);
    expect(shareBetween(report.samples, 'v2', result.backAt, report.durationMs)).toMatchObject({ share: 0 });
    expect(shareBetween(report.samples, 'v1', result.backAt, report.durationMs).count).toBeGreaterThan(200);
    expect(report.failures.filter((f) => f.status !== 500)).toEqual([]);
    expect(result.run.outputs).toEqual({ 'image-ref': artifact(1).ref, 'deployment-id': expect.stringMatching(/^\d+$/), 'rolled-back-deployment-id': String(v2) });
    expect(result.requests).toBeLessThanOrEqual(5);
    expect(result.run.summary).toContain(`### Rolled back ${environment}`);

    bed.sim.resetCounts();
    const again = await runActionStep(bundle, { inputs, env });
    expect(again.exitCode).toBe(0);
    expect(again.outputs['deployment-id']).toBe(result.run.outputs['deployment-id']);
    expect(writes()).toBe(0);
    expect(v1).toBeLessThan(v2);
  }, 60_000);

  test('the action redeploys the good version with the deploy command, and a failing command records nothing', async () => {
    const { environment, builder } = history();
    builder.add(1, { digest: artifact(1).digest });
    const [v2] = builder.add(1, { digest: artifact(2).digest });
    const dir = mkdtempSync(join(tmpdir(), 'slipway-redeploy-'));
    const env = { GITHUB_REPOSITORY: `${bed.sim.owner}/${bed.sim.repo}`, GITHUB_API_URL: bed.sim.url, GITHUB_SHA: SHA, GITHUB_RUN_ID: '902' };
    try {
      bed.sim.resetCounts();
      const failing = await runActionStep(bundle, { inputs: { environment, 'deploy-command': 'echo "registry unreachable" >&2; exit 7', token: bed.sim.token }, env });
      expect(failing.exitCode).toBe(1);
      expect(failing.stdout).toContain('::error::The deploy command exited with 7; nothing was recorded in the ledger. Its output ended with:');
      expect(writes()).toBe(0);

      const command = `printf '%s %s %s' "$SLIPWAY_IMAGE_REF" "$SLIPWAY_ENVIRONMENT" "$SLIPWAY_ROLLBACK_OF" > ${join(dir, 'deployed')}`;
      const run = await runActionStep(bundle, { inputs: { environment, 'deploy-command': command, token: bed.sim.token }, env });
      expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect(readFileSync(join(dir, 'deployed'), 'utf8')).toBe(`${artifact(1).ref} ${environment} ${v2}`);
      expect(run.outputs['rolled-back-deployment-id']).toBe(String(v2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the action refuses bad input before reading GitHub: neither a plan, a router nor a deploy command', async () => {
    bed.sim.resetCounts();
    const run = await runActionStep(bundle, { inputs: { environment: 'production', token: bed.sim.token }, env: { GITHUB_REPOSITORY: `${bed.sim.owner}/${bed.sim.repo}`, GITHUB_API_URL: bed.sim.url } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error::Input 'provider' is missing: expected a `plan` (its router and slots), a traffic provider with its `router:` settings (to send traffic back), a `deploy-command` (to redeploy the good version), or both.");
    expect(bed.sim.requests()).toBe(0);
  });
});
