import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan, planDigest, runRollout } from '../../../src/core/plan/index.js';
import { createRouter } from '../../../src/core/traffic/registry.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startHaproxy, type RunningHaproxy } from '../../../testkit/bed/haproxy.js';
import { freePort } from '../../../testkit/bed/ports.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { clearStepEnvironment, runRolloutMain, runRolloutPost } from '../../faults/helpers/rollout-action.js';
import { artifact, SHA, simulatorLedger } from './environment.js';
import { writeSlotServers, type SlotServers } from './slot-servers.js';

// The rollout action's post step with slots: a job cancelled mid-rollout sends traffic back to the
// slot of the last good version, whichever of the two slots the new version went into. A release
// goes into the first slot every other time, where the plan's own router settings (first slot
// stable) would send all traffic to the new version instead.
const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

let sim: GitHubSimulator;
let haproxy: RunningHaproxy;
let servers: SlotServers;
let dir: string;
let addresses: { blue: string; green: string };

function plan(steps: string): string {
  return `strategy: canary
slots:
  blue: {server: blue, address: ${addresses.blue}}
  green: {server: green, address: ${addresses.green}}
deploy:
  run: [${servers.deployScript}]
  ready: {url: 'http://{address}/', timeout: 5s}
router: {provider: haproxy, socket: ${haproxy.socket}, backend: app}
steps:
${steps}`;
}

/** A ledger as `runId`'s (the action helper runs as run 900). */
const ledger = (runId: number) => simulatorLedger(sim, { runId });

/** A release run to its end by the engine (another run of the workflow). */
async function release(n: number, environment: string) {
  const text = plan('  - setWeight: 100\n');
  const parsed = loadPlan(text, 'rollout.yml');
  return runRollout({ plan: parsed, planDigest: planDigest(text), environment, artifact: artifact(n), ref: SHA }, { ledger: ledger(77), router: createRouter(parsed.router.provider, parsed.router.settings) });
}

/** The artifact refs HAProxy's clients get over twenty requests. */
async function servedBy(): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) seen.add(await (await fetch(haproxy.url)).text());
  return [...seen].sort();
}

describeIf('the rollout post step with slots (HAProxy, a deploy script, the GitHub simulator)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-slots-post-'));
    addresses = { blue: `127.0.0.1:${await freePort()}`, green: `127.0.0.1:${await freePort()}` };
    servers = writeSlotServers(dir);
    sim = await startGitHubSimulator();
    haproxy = await startHaproxy(addresses);
  }, 60_000);
  afterAll(async () => {
    servers?.stop();
    await haproxy?.stop();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    sim.clearFaults();
    clearStepEnvironment();
  });

  test('a job cancelled mid-rollout of a release deployed into the first slot leaves all traffic on the previous version, in the second slot', async () => {
    const environment = 'production-1';
    // v1 is the first release (slot blue), v3 the next (slot green): the last good version runs in green.
    expect((await release(1, environment)).result).toBe('promoted');
    expect((await release(3, environment)).result).toBe('promoted');
    expect(await servedBy()).toEqual([artifact(3).ref]);

    // The action rolls v2 (its artifact) out into blue and stops at the pause with half the traffic on it…
    const main = await runRolloutMain(sim, dir, plan('  - setWeight: 50\n  - pause: {}\n'), environment, { ledger: ledger(900) });
    expect(main.error).toBeUndefined();
    const id = Number(main.state['deployment-id']);
    expect(await ledger(900).getDeployment(id)).toMatchObject({ payload: { slot: 'blue', artifact: artifact(2) } });
    expect(await servedBy()).toEqual([artifact(2).ref, artifact(3).ref].sort());

    // …and the job is cancelled there: its state holds the deployment, not `finished`.
    const post = await runRolloutPost(sim, dir, plan('  - setWeight: 50\n  - pause: {}\n'), environment, { 'deployment-id': String(id) }, { ledger: ledger(900) });
    expect(post.error).toBeUndefined();
    expect(await servedBy()).toEqual([artifact(3).ref]);
    expect((await ledger(900).getDeployment(id))?.latestStatus).toMatchObject({ state: 'error', description: expect.stringMatching(/job stopped mid-rollout/) });
    expectNoContractViolations(sim);
  }, 60_000);

  test('a job cancelled mid-rollout while GitHub cannot be read: which slot is stable is unknown, so traffic stays split and the post step fails saying how to finish', async () => {
    const environment = 'production-2';
    await release(1, environment);
    await release(3, environment);
    const steps = '  - setWeight: 50\n  - pause: {}\n';
    const main = await runRolloutMain(sim, dir, plan(steps), environment, { ledger: ledger(900) });
    const id = Number(main.state['deployment-id']);
    sim.injectFault({ method: 'GET', kind: 'status', status: 503, times: 1000 });
    const post = await runRolloutPost(sim, dir, plan(steps), environment, { 'deployment-id': String(id) }, { ledger: ledger(900) });
    expect(post.error?.message).toMatch(new RegExp(`deployment #${id} cannot tell which slot runs the new version \\(GitHub could not be read\\), so traffic was left where it is\\. Fix: once GitHub answers, run the rollout of app@sha256:2{64} again`));
    expect(await servedBy()).toEqual([artifact(2).ref, artifact(3).ref].sort());
    sim.clearFaults();
    // Run again, the rollout resumes with the slots the deployment records: past the pause, v2 in blue takes all traffic.
    expect((await runRolloutMain(sim, dir, plan(steps), environment, { ledger: ledger(900) })).error).toBeUndefined();
    expect(await servedBy()).toEqual([artifact(2).ref]);
    expect((await ledger(900).getDeployment(id))?.latestStatus?.state).toBe('success');
  }, 60_000);
});
