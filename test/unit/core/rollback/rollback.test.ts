import { describe, expect, test } from '@jest/globals';
import { InputError } from '../../../../src/core/errors.js';
import { decideRollback, executeRollback, parseRollbackTo, RollbackRefusedError, type CommandRunner, type RollbackDecision } from '../../../../src/core/rollback/index.js';
import { LedgerDouble, RouterDouble } from '../plan/doubles.js';

const ENV = 'production';
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

function history() {
  const ledger = new LedgerDouble();
  const v1 = ledger.seed(ENV, { digest: digest(1), states: ['in_progress', 'success'] });
  const v2 = ledger.seed(ENV, { digest: digest(2), states: ['in_progress', 'success'] });
  const v3 = ledger.seed(ENV, { digest: digest(3), states: ['in_progress', 'success'] });
  return { ledger, v1, v2, v3 };
}

async function decide(ledger: LedgerDouble, to = 'previous', force = false): Promise<RollbackDecision> {
  const decision = await decideRollback(ledger, ENV, parseRollbackTo(to), { force });
  if ('already' in decision) throw new Error(`already rolled back to #${decision.already.id}`);
  return decision;
}

describe('rollback target', () => {
  test('`previous` follows the lineage to the last good version in a constant number of reads', async () => {
    const { ledger, v2 } = history();
    for (let i = 0; i < 50; i++) ledger.seed('production', { states: ['success'] });
    for (let i = 0; i < 3; i++) ledger.seed('production', { states: ['failure'] });
    const active = ledger.seed('production', { states: ['success'] });
    const decision = await decide(ledger);
    expect(decision.bad.id).toBe(active.id);
    expect(decision.target?.id).not.toBe(v2.id);
    // Payloads only, then the target's status: no status read for the deployments passed over.
    expect(ledger.calls).toEqual(['history', 'latestStatus']);
    // the active one, three failed ones passed over, the target
    expect(ledger.historyItemsRead).toBe(5);
    expect(decision.passed).toHaveLength(3);
  });

  test('`previous` rolls back the newest deployment whatever its state: an open canary goes, the active version stays', async () => {
    const { ledger, v3 } = history();
    const canary = ledger.seed('production', { states: ['in_progress'] });
    const decision = await decide(ledger);
    expect(decision.bad.id).toBe(canary.id);
    expect(decision.target?.id).toBe(v3.id);
    expect(decision.passed).toEqual([]);
  });

  test('`previous` skips a version that was itself rolled back', async () => {
    const { ledger, v1, v2 } = history();
    ledger.deployments.find((d) => d.id === v2.id)!.latestStatus!.state = 'failure';
    const decision = await decide(ledger);
    expect(decision.target?.id).toBe(v1.id);
    expect(decision.passed.map((d) => d.id)).toEqual([v2.id]);
  });

  test('a foreign deployment in the history is passed over when the lineage is broken', async () => {
    const ledger = new LedgerDouble();
    const v1 = ledger.seed(ENV, { digest: digest(1), states: ['success'] });
    ledger.seed(ENV, { payload: null, states: ['success'] });
    ledger.seed(ENV, { digest: digest(3), states: ['success'], payload: { previousGood: 999_999 } });
    const decision = await decide(ledger);
    expect(decision.target?.id).toBe(v1.id);
  });

  test('a chosen deployment id is restored when it once succeeded here', async () => {
    const { ledger, v1, v2 } = history();
    const decision = await decide(ledger, String(v1.id));
    expect(decision.target?.id).toBe(v1.id);
    expect(decision.passed.map((d) => d.id)).toEqual([v2.id]);
  });

  test('a digest is restored only when the ledger shows it succeeded in this environment', async () => {
    const { ledger, v1 } = history();
    expect((await decide(ledger, `registry.test/app@${digest(1)}`)).target?.id).toBe(v1.id);
    await expect(decide(ledger, digest(7))).rejects.toThrow(`Cannot roll back production to ${digest(7)}: the ledger shows no successful deployment of that digest there.`);
  });

  test('a deployment of another environment, a failed one, or a missing one is refused with the reason', async () => {
    const { ledger } = history();
    const staging = ledger.seed('staging', { states: ['success'] });
    const failed = ledger.seed(ENV, { states: ['failure'] });
    ledger.seed(ENV, { states: ['success'] });
    await expect(decide(ledger, String(staging.id))).rejects.toThrow(`it was a deployment to staging`);
    await expect(decide(ledger, String(failed.id))).rejects.toThrow('its latest status is failure, not success');
    await expect(decide(ledger, '424242')).rejects.toThrow('Cannot roll back to deployment 424242: it does not exist');
  });

  test('rolling back past an irreversible deployment is refused unless forced, and the message says why', async () => {
    const ledger = new LedgerDouble();
    ledger.seed(ENV, { digest: digest(1), states: ['success'] });
    const migration = ledger.seed(ENV, { digest: digest(2), states: ['success'], payload: { irreversible: true } });
    ledger.seed(ENV, { digest: digest(3), states: ['success'] });
    await expect(decide(ledger, digest(1))).rejects.toThrow(new RollbackRefusedError(
      `Refusing to roll back production past deployment #${migration.id} (registry.test/app@${digest(2)}): its payload marks it irreversible (for example a contract-phase schema migration), so the older version may not work with what it changed. Roll forward with a fix, or set \`force: true\` if the older version is known to be safe.`,
    ));
    expect((await decide(ledger, digest(1), true)).target?.payload?.artifact?.digest).toBe(digest(1));
  });

  test('with no good version before the bad one the rollback is refused and says so', async () => {
    const ledger = new LedgerDouble();
    const only = ledger.seed(ENV, { states: ['success'] });
    await expect(decide(ledger)).rejects.toThrow(`No good version to roll back to in production: no deployment before #${only.id} succeeded there.`);
    await expect(decide(new LedgerDouble())).rejects.toThrow('Nothing to roll back in production');
  });

  test('`previous` right after a rollback is already done (an idempotent re-run)', async () => {
    const { ledger } = history();
    await executeRollback(ledger, await decide(ledger), { environment: ENV, reason: 'bad' }, { router: new RouterDouble() });
    const again = await decideRollback(ledger, ENV, parseRollbackTo('previous'));
    expect('already' in again && again.already.task).toBe('deploy:rollback');
  });

  test.each(['latest', '-3', 'sha256:abc', '12abc'])('`to: %s` is rejected naming the input', (value) => {
    expect(() => parseRollbackTo(value)).toThrow(InputError);
    expect(() => parseRollbackTo(value)).toThrow(`Input 'to' has the value "${value}"`);
  });
});

describe('rollback execution', () => {
  test('traffic goes back, the bad deployment is marked failure, and a deploy:rollback of the target ends success', async () => {
    const { ledger, v2, v3 } = history();
    const router = new RouterDouble();
    router.state = { ...router.state, canaryWeight: 25, stableWeight: 75 };
    const outcome = await executeRollback(ledger, await decide(ledger), { environment: ENV, reason: 'error rate 5×' }, { router });
    expect(router.state.canaryWeight).toBe(0);
    expect(outcome).toMatchObject({ imageRef: `registry.test/app@${digest(2)}`, rolledBackDeploymentId: v3.id });
    expect(ledger.statesOf(v3.id).at(-1)).toBe('failure');
    expect(ledger.descriptionOf(v3.id)).toBe('rolled back: error rate 5×');
    const recorded = (await ledger.getDeployment(outcome.deploymentId!))!;
    expect(recorded).toMatchObject({ task: 'deploy:rollback', sha: v2.sha, payload: { rollbackOf: v3.id, artifact: v2.payload!.artifact } });
    expect(ledger.statesOf(recorded.id)).toEqual(['success']);
    expect((await ledger.lastGood(ENV))?.payload?.artifact?.digest).toBe(digest(2));
  });

  test('the deploy command runs with SLIPWAY_IMAGE_REF of the target', async () => {
    const { ledger } = history();
    const seen: Record<string, string>[] = [];
    const runner: CommandRunner = { run: async (_command, env) => (seen.push(env), { exitCode: 0, output: 'deployed' }) };
    await executeRollback(ledger, await decide(ledger), { environment: ENV, reason: 'r' }, { deployCommand: './deploy.sh', commandRunner: runner });
    expect(seen[0].SLIPWAY_IMAGE_REF).toBe(`registry.test/app@${digest(2)}`);
  });

  test('a failing deploy command records nothing in the ledger and shows the output', async () => {
    const { ledger, v3 } = history();
    const runner: CommandRunner = { run: async () => ({ exitCode: 3, output: 'kubectl: connection refused' }) };
    const decision = await decide(ledger);
    const before = ledger.deployments.length;
    await expect(executeRollback(ledger, decision, { environment: ENV, reason: 'r' }, { deployCommand: 'x', commandRunner: runner })).rejects.toThrow(
      'The deploy command exited with 3; nothing was recorded in the ledger. Its output ended with:\nkubectl: connection refused',
    );
    expect(ledger.deployments.length).toBe(before);
    expect(ledger.statesOf(v3.id).at(-1)).toBe('success');
  });
});
