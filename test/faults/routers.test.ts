import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { RecordingLogger } from '../../src/core/log.js';
import { loadPlan, planDigest, runRollout } from '../../src/core/plan/index.js';
import { createRouter } from '../../src/core/traffic/registry.js';
import type { TrafficRouter } from '../../src/core/traffic/types.js';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { expectNoContractViolations } from '../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../support/ledger-history.js';
import { artifact, SHA, startRolloutBed, type RolloutBed } from '../integration/rollout/environment.js';
import { measure, startStack, type TrafficStack } from '../integration/traffic/stack.js';
import { spyRouter } from './helpers/router-spy.js';

// Fault injection, router side (issue 13.8): the router fails between two steps of a rollout —
// nginx refusing the configuration or the reload, the HAProxy process gone, kubectl refused. The
// rollout must stop, and the deployment's last status must say where traffic really is: back on
// stable when the abort worked, "NOT moved back" with the last share seen when it did not.
const haveServers = serverAvailable('haproxy') && serverAvailable('nginx');
const describeIf = haveServers ? describe : describe.skip;
const roles = { stable: 'blue', canary: 'green' } as const;

let bed: RolloutBed;
let nginx: TrafficStack;
let environments = 0;
let scratch: string;

/** Runs the three-step canary 20% → 50% → 80% of v2 through `router`, recorded in the simulator. */
async function rollout(router: TrafficRouter, settings: Record<string, unknown>) {
  const environment = `router-fault-${++environments}`;
  new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
  const text = `strategy: canary\nrouter: ${JSON.stringify(settings)}\nsteps:\n  - setWeight: 20\n  - setWeight: 50\n  - setWeight: 80\n`;
  const logger = new RecordingLogger();
  const run = runRollout({ plan: loadPlan(text, 'plan.yml'), planDigest: planDigest(text), environment, artifact: artifact(2), ref: SHA }, { ledger: bed.ledger(logger), router, logger });
  const error = await run.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  const deployments = [...bed.sim.state.deployments.values()].filter((d) => d.environment === environment);
  expect(deployments).toHaveLength(2);
  const states = deployments[1].statuses.map((s) => s.state);
  return { error, states, latest: deployments[1].statuses.at(-1)! };
}

/** After the canary reached 20%, `fail()` breaks the router; `heal()` (when given) runs as the rollout aborts. */
function breakingAfter20(router: TrafficRouter, fail: () => void | Promise<void>, heal?: () => void): TrafficRouter {
  return spyRouter(router, {
    after: async (call) => {
      if (call.op === 'setCanaryWeight' && call.arg === 20 && call.ok) await fail();
    },
    before: (call) => {
      if (call.op === 'abort') heal?.();
    },
  });
}

/** The canary's share of the answers through `url` (either version), percent. */
async function canaryShare(url: string): Promise<number> {
  const { byVersion } = (await measure(url, 'v2', 1000)).report;
  const v1 = byVersion.v1 ?? 0;
  const v2 = byVersion.v2 ?? 0;
  expect(v1 + v2).toBeGreaterThan(900);
  return (100 * v2) / (v1 + v2);
}

/** A command that fails like nginx does while `marker` exists, else runs `command`. */
function failingWhile(marker: string, message: string, command: string[]): string[] {
  return ['/bin/sh', '-c', `if [ -e "$0" ]; then echo '${message}' >&2; exit 1; fi; exec "$@"`, marker, ...command];
}

describeIf('fault injection: routers', () => {
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'slipway-router-faults-'));
    [bed, nginx] = await Promise.all([startRolloutBed({ prometheus: false }), startStack('nginx')]);
  }, 60_000);
  afterAll(async () => {
    await nginx?.stop();
    await bed?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  afterEach(async () => {
    expectNoContractViolations(bed.sim);
    rmSync(join(scratch, 'fail'), { force: true });
    await nginx.router(roles).abort();
  });

  describe('nginx', () => {
    const marker = () => join(scratch, 'fail');
    const base = () => nginx.settings(roles) as { nginx: string; config: string };
    const testCommand = () => failingWhile(marker(), 'nginx: [emerg] unknown directive "bogus" in /etc/nginx/conf.d/other.conf:1', [base().nginx, '-t', '-q', '-c', base().config]);
    const reloadCommand = () => failingWhile(marker(), 'nginx: [error] invalid PID number "" in "/run/nginx.pid"', [base().nginx, '-s', 'reload', '-c', base().config]);

    test('nginx -t failing: nginx refusing the configuration at the second step stops the rollout; once it accepts again traffic is measured back on stable and the deployment is error, saying so', async () => {
      const settings = { ...nginx.settings(roles), test: testCommand() };
      const router = breakingAfter20(createRouter('nginx', settings), () => writeFileSync(marker(), ''), () => rmSync(marker(), { force: true }));
      const { error, states, latest } = await rollout(router, { provider: 'nginx', ...settings });
      expect(error?.message).toContain('nginx rejected the new routing');
      expect(states).not.toContain('success');
      expect(latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 2\/3; traffic back on stable/) });
      expect(await canaryShare(nginx.url)).toBe(0);
    });

    test('nginx -t failing: when nginx refuses the abort too, the deployment is error saying traffic was NOT moved back, and traffic is measured still at 20%', async () => {
      const settings = { ...nginx.settings(roles), test: testCommand() };
      const router = breakingAfter20(createRouter('nginx', settings), () => writeFileSync(marker(), ''));
      const { error, states, latest } = await rollout(router, { provider: 'nginx', ...settings });
      expect(error?.message).toContain('nginx rejected the new routing');
      expect(states).not.toContain('success');
      expect(latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 2\/3; traffic NOT moved back, last seen at canary 20%/) });
      expect(Math.abs((await canaryShare(nginx.url)) - 20)).toBeLessThanOrEqual(3);
    });

    test('nginx reload failing: a reload that fails at the second step stops the rollout; traffic is measured back on stable and the deployment is error, saying so', async () => {
      const settings = { ...nginx.settings(roles), reload: reloadCommand() };
      const router = breakingAfter20(createRouter('nginx', settings), () => writeFileSync(marker(), ''), () => rmSync(marker(), { force: true }));
      const { error, states, latest } = await rollout(router, { provider: 'nginx', ...settings });
      expect(error?.message).toContain('nginx did not reload');
      expect(states).not.toContain('success');
      expect(latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 2\/3; traffic back on stable/) });
      expect(await canaryShare(nginx.url)).toBe(0);
    });
  });

  describe('kubectl', () => {
    const kubectl = join(process.cwd(), 'test/support/fake-kubectl/kubectl');
    let dir: string;
    const settings = () => ({ name: 'shop', namespace: 'prod', gateway: 'public', stableService: 'shop-stable', canaryService: 'shop-canary', kubectl, env: ['FAKE_KUBECTL_DIR', 'FAKE_KUBECTL_FAIL'] });
    const gateway = () => createRouter('gateway-api', settings());
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'slipway-kubectl-faults-'));
      process.env.FAKE_KUBECTL_DIR = dir;
    });
    afterEach(() => {
      delete process.env.FAKE_KUBECTL_FAIL;
    });
    afterAll(() => {
      delete process.env.FAKE_KUBECTL_DIR;
      rmSync(dir, { recursive: true, force: true });
    });

    test('kubectl failing: an apply refused at the second step stops the rollout; once kubectl works again the route is back at 0% and the deployment is error, saying so', async () => {
      const router = breakingAfter20(gateway(), () => void (process.env.FAKE_KUBECTL_FAIL = 'apply'), () => delete process.env.FAKE_KUBECTL_FAIL);
      const { error, states, latest } = await rollout(router, { provider: 'gateway-api', ...settings() });
      expect(error?.message).toContain('kubectl apply of httproutes.gateway.networking.k8s.io/shop failed');
      expect(states).not.toContain('success');
      expect(latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 2\/3; traffic back on stable/) });
      expect((await gateway().describe()).canaryWeight).toBe(0);
    });

    test('kubectl failing: when every apply is refused, the abort too, the deployment is error saying traffic was NOT moved back, and the route still sends 20% to the canary', async () => {
      const router = breakingAfter20(gateway(), () => void (process.env.FAKE_KUBECTL_FAIL = 'apply'));
      const { error, states, latest } = await rollout(router, { provider: 'gateway-api', ...settings() });
      expect(error?.message).toContain('kubectl apply of httproutes.gateway.networking.k8s.io/shop failed');
      expect(states).not.toContain('success');
      expect(latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 2\/3; traffic NOT moved back, last seen at canary 20%/) });
      delete process.env.FAKE_KUBECTL_FAIL;
      expect((await gateway().describe()).canaryWeight).toBe(20);
    });
  });

  // Last: it stops the bed's HAProxy for good.
  test('HAProxy socket gone mid-rollout: HAProxy stopped between two steps, the rollout stops, the deployment is error saying traffic was NOT moved back, and no request reaches the canary', async () => {
    const settings = bed.haproxy.routerSettings('blue', 'green');
    const router = breakingAfter20(createRouter('haproxy', settings), () => bed.haproxy.stop());
    const { error, states, latest } = await rollout(router, { provider: 'haproxy', ...settings });
    expect(existsSync(String(settings.socket))).toBe(false);
    expect(error?.message).toContain('Cannot reach the HAProxy runtime API');
    expect(states).not.toContain('success');
    expect(latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 2\/3; traffic NOT moved back/) });
    const { report } = await measure(bed.haproxy.url, 'v2', 200);
    expect(report.byVersion.v2 ?? 0).toBe(0);
  });
});
