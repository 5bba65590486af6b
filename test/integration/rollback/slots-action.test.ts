import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan, planDigest, runRollout } from '../../../src/core/plan/index.js';
import { createRouter } from '../../../src/core/traffic/registry.js';
import { SshRouterHosts } from '../../../src/core/traffic/ssh-hosts.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startHaproxy, type RunningHaproxy } from '../../../testkit/bed/haproxy.js';
import { freePort } from '../../../testkit/bed/ports.js';
import { startSshd, type RunningSshd } from '../../../testkit/bed/sshd.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { buildBundle, runActionStep } from '../../support/action-runner.js';
import { artifact, SHA, simulatorLedger } from '../rollout/environment.js';
import { writeSlotServers, type SlotServers } from '../rollout/slot-servers.js';

// The rollback action given the rollouts' plan file (`plan:`): a real HAProxy in front of two slot
// ports, versions started there by the plan's deploy script, the GitHub simulator as the ledger.
// The action's bundle is built from the sources under test.
const describeIf = serverAvailable('haproxy') ? describe : describe.skip;
const describeSsh = serverAvailable('sshd') ? describe : describe.skip;

let sim: GitHubSimulator;
let haproxy: RunningHaproxy;
let servers: SlotServers;
let dir: string;
let addresses: { blue: string; green: string };
let planFile: string;
let bundle: string;
let environmentCount = 0;

const ledger = () => simulatorLedger(sim, { runId: 78 });

/** Rolls artifact(n) out with the plan (`hosts` when it reaches HAProxy over SSH). */
async function release(n: number, environment: string, text = readPlan(), hosts?: SshRouterHosts): Promise<void> {
  const plan = loadPlan(text, 'rollout.yml');
  const make = (provider: string, settings: Record<string, unknown>) => createRouter(provider, settings, hosts?.routerOptions);
  const router = make(plan.router.provider, plan.router.settings);
  await hosts?.check();
  const outcome = await runRollout({ plan, planDigest: planDigest(text), environment, artifact: artifact(n), ref: SHA }, { ledger: ledger(), router, makeRouter: make });
  expect(outcome.result).toBe('promoted');
}

/** The plan every release and rollback of these tests reads; `ssh` puts HAProxy behind an SSH server. */
function readPlan(ssh?: RunningSshd['settings']): string {
  return `strategy: canary
slots:
  blue: {server: blue, address: ${addresses.blue}}
  green: {server: green, address: ${addresses.green}}
deploy:
  run: [${servers.deployScript}]
  ready: {url: 'http://{address}/', timeout: 5s}
router: {provider: haproxy, socket: ${haproxy.socket}, backend: app${ssh ? `, ssh: {host: ${ssh.host}, port: ${ssh.port}, user: ${ssh.user}}` : ''}}
steps:
  - setWeight: 50
  - setWeight: 100
`;
}
/** What HAProxy's clients get now: the artifact refs that answered ten requests. */
async function servedBy(): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < 10; i++) seen.add(await (await fetch(haproxy.url)).text());
  return [...seen].sort();
}

function rollBack(environment: string, inputs: Record<string, string> = {}) {
  return runActionStep(bundle, {
    inputs: { environment, plan: planFile, reason: 'checkout errors', token: sim.token, ...inputs },
    env: { GITHUB_REPOSITORY: `${sim.owner}/${sim.repo}`, GITHUB_API_URL: sim.url, GITHUB_SHA: SHA, GITHUB_RUN_ID: '903' },
  });
}

describeIf('the rollback action with the plan\'s slots (HAProxy, a deploy script, the GitHub simulator)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-rollback-slots-'));
    addresses = { blue: `127.0.0.1:${await freePort()}`, green: `127.0.0.1:${await freePort()}` };
    servers = writeSlotServers(dir);
    [sim, haproxy, bundle] = await Promise.all([startGitHubSimulator(), startHaproxy(addresses), buildBundle('rollback')]);
    planFile = join(dir, 'rollout.yml');
    writeFileSync(planFile, readPlan());
  }, 300_000);

  afterAll(async () => {
    servers?.stop();
    await haproxy?.stop();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('after two releases, traffic goes back to the previous version\'s slot without running the deploy command', async () => {
    const environment = `production-${++environmentCount}`;
    await release(1, environment);
    await release(2, environment);
    expect(await servedBy()).toEqual([artifact(2).ref]);
    const deploys = servers.deploysRun().length;

    // `provider` and `router` may repeat what the plan says.
    const run = await rollBack(environment, { provider: 'haproxy', router: '{backend: app}' });
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(await servedBy()).toEqual([artifact(1).ref]);
    expect(servers.deploysRun().length).toBe(deploys);
    expect(run.stdout).toContain('Slot blue still runs deployment');
    expect(run.summary).toContain('| Deploy | none: slot blue still ran it |');
    expect(await ledger().getDeployment(Number(run.outputs['deployment-id']))).toMatchObject({ task: 'deploy:rollback', payload: { slot: 'blue', artifact: artifact(1) }, latestStatus: { state: 'success' } });
    expectNoContractViolations(sim);
  }, 90_000);

  test('when that slot was reused since, the plan\'s deploy starts the version again in the idle slot before traffic moves there', async () => {
    const environment = `production-${++environmentCount}`;
    for (const n of [1, 2, 3]) await release(n, environment);
    // v1 went into blue, v2 into green, v3 into blue over v1: v1 runs nowhere now.
    expect(await servedBy()).toEqual([artifact(3).ref]);
    const deploys = servers.deploysRun().length;

    const run = await rollBack(environment, { to: artifact(1).ref });
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(await servedBy()).toEqual([artifact(1).ref]);
    expect(servers.deploysRun().slice(deploys)).toEqual([`green ${artifact(1).ref} ${artifact(1).digest} ${addresses.green} ${environment}`]);
    expect(run.summary).toContain("| Deploy | the plan's `deploy:` started it again in slot green |");
    expect(await ledger().getDeployment(Number(run.outputs['deployment-id']))).toMatchObject({ payload: { slot: 'green', artifact: artifact(1) } });
    expectNoContractViolations(sim);
  }, 90_000);

  test('a router input that disagrees with the plan is refused before GitHub is read, naming the input, the value and the fix', async () => {
    sim.resetCounts();
    const conflicting = await rollBack('production', { provider: 'haproxy', router: '{backend: web}' });
    expect(conflicting.exitCode).toBe(1);
    expect(conflicting.stdout).toContain(`::error::Input 'router' has the value "backend: \\"web\\"": expected what the plan says (backend: "app"). Fix: drop it: the plan's \`router:\` is used, or change the plan`);
    const slotPicked = await rollBack('production', { router: '{stable: green}' });
    expect(slotPicked.stdout).toContain("::error::Input 'router' has the value \"stable: \\\"green\\\"\": expected no `stable`: the plan's slots decide it at each rollback. Fix: drop `stable` from `router`");
    const deployCommand = await rollBack('production', { 'deploy-command': './redeploy.sh' });
    expect(deployCommand.stdout).toContain("::error::Input 'deploy-command' has the value \"./redeploy.sh\"");
    expect(sim.requests()).toBe(0);
  }, 60_000);

  // The same through a real OpenSSH server on loopback: HAProxy's runtime API is reached only over
  // the SSH socket forward, with the key and the host key from the action's SSH inputs.
  describeSsh('the rollback action with the plan\'s slots, HAProxy reached over SSH', () => {
    let sshd: RunningSshd;
    let hosts: SshRouterHosts;
    let sshPlanFile: string;
    beforeAll(async () => {
      sshd = await startSshd();
      hosts = new SshRouterHosts({ privateKey: sshd.privateKey, knownHosts: sshd.knownHosts }, { tempRoot: dir, connectTimeoutSeconds: 10 });
      sshPlanFile = join(dir, 'rollout-ssh.yml');
      writeFileSync(sshPlanFile, readPlan(sshd.settings));
    }, 120_000);
    afterAll(async () => {
      await hosts?.close();
      await sshd?.stop();
    });

    test('with ssh-private-key and ssh-known-hosts, traffic goes back to the previous version\'s slot over SSH without deploying; without the key it is refused before GitHub is read', async () => {
      const environment = `production-${++environmentCount}`;
      for (const n of [1, 2]) await release(n, environment, readPlan(sshd.settings), hosts);
      expect(await servedBy()).toEqual([artifact(2).ref]);
      const deploys = servers.deploysRun().length;

      sim.resetCounts();
      const withoutKey = await rollBack(environment, { plan: sshPlanFile });
      expect(withoutKey.exitCode).toBe(1);
      expect(withoutKey.stdout).toContain("::error::Input 'ssh-private-key' is missing");
      expect(sim.requests()).toBe(0);

      // Each login's line names its client port: the last one changes when the action logs in.
      const lastLogin = () => sshd.log().match(/Accepted publickey for \S+ from 127\.0\.0\.1 port \d+/g)?.at(-1);
      const loginBefore = lastLogin();
      const run = await rollBack(environment, { plan: sshPlanFile, 'ssh-private-key': sshd.privateKey, 'ssh-known-hosts': sshd.knownHosts });
      expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect(await servedBy()).toEqual([artifact(1).ref]);
      expect(servers.deploysRun().length).toBe(deploys);
      // The action drove HAProxy through the SSH server (its log names each login), not on this machine.
      expect(lastLogin()).toEqual(expect.any(String));
      expect(lastLogin()).not.toBe(loginBefore);
      expect(await ledger().getDeployment(Number(run.outputs['deployment-id']))).toMatchObject({ payload: { slot: 'blue', artifact: artifact(1) } });
    }, 180_000);
  });
});
