import { describe, expect, test } from '@jest/globals';
import { abortAndRecord } from '../../../../src/core/rollback/index.js';
import { LedgerDouble, RouterDouble } from '../plan/doubles.js';

// An abort is a stop by something other than the judgment: it records `error`, traffic back or
// not; `failure` is kept for a rollout the judgment rolled back (docs/reliability.md).

function openDeployment() {
  const ledger = new LedgerDouble();
  const deployment = ledger.seed('production', { states: ['in_progress'] });
  const router = new RouterDouble();
  router.state = { ...router.state, canaryWeight: 25, stableWeight: 75 };
  return { ledger, deployment, router };
}

describe('abortAndRecord', () => {
  test('a stop with traffic back on stable records error, saying so', async () => {
    const { ledger, deployment, router } = openDeployment();
    const outcome = await abortAndRecord(router, { ledger, deploymentId: deployment.id, reason: 'job failed or was cancelled at canary 25%', lastSeenWeight: 25 });
    expect(outcome).toMatchObject({ trafficBack: true, canaryWeight: 0, recorded: 'error' });
    expect(ledger.statesOf(deployment.id)).toEqual(['in_progress', 'error']);
    expect(ledger.descriptionOf(deployment.id)).toBe('job failed or was cancelled at canary 25%; traffic back on stable');
  });

  test('a stop whose abort the router refused records error too, with where traffic was last seen, and hands back the router error', async () => {
    const { ledger, deployment, router } = openDeployment();
    router.failOn = 'abort';
    const outcome = await abortAndRecord(router, { ledger, deploymentId: deployment.id, reason: 'stopped at step 2/3', detail: 'kubectl: connection refused', lastSeenWeight: 25 });
    expect(outcome).toMatchObject({ trafficBack: false, canaryWeight: 25, recorded: 'error' });
    expect((outcome.routerError as Error).message).toBe('router double: abort failed');
    expect(ledger.descriptionOf(deployment.id)).toBe('stopped at step 2/3; traffic NOT moved back, last seen at canary 25%: kubectl: connection refused');
  });

  test('onlyIfOpen leaves an outcome someone recorded alone, and still sends traffic back', async () => {
    const { ledger, deployment, router } = openDeployment();
    await ledger.setStatus(deployment.id, { state: 'failure', description: 'rolled back: analysis failed' });
    const outcome = await abortAndRecord(router, { ledger, deploymentId: deployment.id, reason: 'the job stopped mid-rollout', onlyIfOpen: true });
    expect(outcome).toMatchObject({ trafficBack: true, recorded: undefined });
    expect(ledger.statesOf(deployment.id)).toEqual(['in_progress', 'failure']);
    expect(router.calls).toEqual(['abort']);
  });
});
