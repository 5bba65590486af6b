import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan, planDigest, runRollout } from '../../../src/core/plan/index.js';
import { decideRollback, executeRollback } from '../../../src/core/rollback/index.js';
import { createRouter } from '../../../src/core/traffic/registry.js';
import { SshRouterHosts } from '../../../src/core/traffic/ssh-hosts.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startHaproxy, type RunningHaproxy } from '../../../testkit/bed/haproxy.js';
import { startLoad } from '../../../testkit/bed/load.js';
import { freePort } from '../../../testkit/bed/ports.js';
import { startSshd, type RunningSshd } from '../../../testkit/bed/sshd.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { artifact, SHA, simulatorLedger } from './environment.js';
import { writeSlotServers, type SlotServers } from './slot-servers.js';

// Issue 16's end-to-end run: one plan file, never changed, rolls v1, v2 and v3 out through a real
// OpenSSH server on loopback (HAProxy's runtime API reached only over the SSH socket forward), with
// the deploy command starting each version in its slot, under a steady stream of requests; then a
// rollback to v2. Each SSH connection costs about a second here (the account's shell reads a slow
// .bashrc), so the plan has no analysis and the timeouts are generous.

const available = ['sshd', 'haproxy'].every((server) => serverAvailable(server));
const suite = available ? describe : describe.skip;
const MINUTES = 60_000;
const RATE = 100;

suite('three releases and a rollback with the same plan, through SSH, under load', () => {
  let sshd: RunningSshd;
  let sim: GitHubSimulator;
  let haproxy: RunningHaproxy;
  let servers: SlotServers;
  let dir: string;
  let hosts: SshRouterHosts;
  let addresses: { blue: string; green: string };
  let planText: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-ssh-release-'));
    addresses = { blue: `127.0.0.1:${await freePort()}`, green: `127.0.0.1:${await freePort()}` };
    servers = writeSlotServers(dir);
    sshd = await startSshd();
    sim = await startGitHubSimulator();
    haproxy = await startHaproxy(addresses);
    hosts = new SshRouterHosts({ privateKey: sshd.privateKey, knownHosts: sshd.knownHosts }, { tempRoot: dir, connectTimeoutSeconds: 10 });
    // The file every release reads, written once.
    planText = `strategy: canary
slots:
  blue: {server: blue, address: ${addresses.blue}}
  green: {server: green, address: ${addresses.green}}
deploy:
  run: [${servers.deployScript}]
  ready: {url: 'http://{address}/', timeout: 10s}
router:
  provider: haproxy
  socket: ${haproxy.socket}
  backend: app
  ssh: {host: ${sshd.settings.host}, port: ${sshd.settings.port}, user: ${sshd.settings.user}}
steps:
  - setWeight: 20
  - pause: {duration: 1s}
  - setWeight: 60
  - setWeight: 100
`;
  }, 2 * MINUTES);

  afterAll(async () => {
    await hosts?.close();
    servers?.stop();
    await haproxy?.stop();
    await sim?.close();
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const make = (provider: string, settings: Record<string, unknown>) => createRouter(provider, settings, hosts.routerOptions);

  const ledger = () => simulatorLedger(sim);

  async function release(n: number) {
    const plan = loadPlan(planText, 'rollout.yml');
    const router = make(plan.router.provider, plan.router.settings);
    await hosts.check();
    return runRollout({ plan, planDigest: planDigest(planText), environment: 'production', artifact: artifact(n), ref: SHA }, { ledger: ledger(), router, makeRouter: make });
  }

  /** The artifact refs HAProxy's clients get over twenty requests. */
  async function servedBy(): Promise<string[]> {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(await (await fetch(haproxy.url)).text());
    return [...seen].sort();
  }

  test(
    'v1, v2 and v3 end on their own slots in turn, the deploy command runs once per release into the right slot, no request fails; a rollback sends traffic to v2\'s slot without deploying',
    async () => {
      // Before v1 nothing runs in either slot: the stream starts once the first release serves.
      expect((await release(1)).result).toBe('promoted');
      expect(await servedBy()).toEqual([artifact(1).ref]);

      const load = startLoad({ url: haproxy.url, rate: RATE, connections: 8 });
      let report;
      const outcomes = [];
      try {
        for (const n of [2, 3]) {
          const outcome = await release(n);
          expect(outcome.result).toBe('promoted');
          expect(await servedBy()).toEqual([artifact(n).ref]);
          outcomes.push(outcome);
        }
        const deploysBefore = servers.deploysRun().length;
        const decision = await decideRollback(ledger(), 'production', { kind: 'previous' });
        if ('already' in decision) throw new Error('expected a rollback');
        const plan = loadPlan(planText, 'rollout.yml');
        const rolledBack = await executeRollback(ledger(), decision, { environment: 'production', reason: 'errors in checkout' }, { slots: { plan, makeRouter: make } });
        expect(await servedBy()).toEqual([artifact(2).ref]);
        expect(servers.deploysRun()).toHaveLength(deploysBefore);
        expect(await ledger().getDeployment(rolledBack.deploymentId!)).toMatchObject({ task: 'deploy:rollback', payload: { slot: 'green', artifact: artifact(2) }, latestStatus: { state: 'success' } });
      } finally {
        await load.stop();
        report = await load.done;
      }
      expect(report.failures).toEqual([]);
      expect(report.sent).toBeGreaterThan(RATE);
      // Every version answered part of the stream: v1 before v2 took over, v2 and v3 during and after their rollouts.
      expect(Object.keys(report.byVersion).sort()).toEqual([artifact(1).ref, artifact(2).ref, artifact(3).ref].sort());

      const payloads = await Promise.all(outcomes.map(async (o) => (await ledger().getDeployment(o.deploymentId))!.payload?.slot));
      expect(payloads).toEqual(['green', 'blue']);
      // One deploy per release, into alternating slots, with the variables the deploy command gets.
      expect(servers.deploysRun()).toEqual(
        [1, 2, 3].map((n) => {
          const slot = n % 2 === 1 ? 'blue' : 'green';
          return `${slot} ${artifact(n).ref} ${artifact(n).digest} ${addresses[slot]} production`;
        }),
      );
      // The router was driven through the SSH server (its log names each login), not on this machine.
      expect(sshd.log()).toMatch(/Accepted publickey for \S+ from 127\.0\.0\.1/);
      expectNoContractViolations(sim);
    },
    10 * MINUTES,
  );
});
