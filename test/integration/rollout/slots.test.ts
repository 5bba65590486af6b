import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan, planDigest, runRollout } from '../../../src/core/plan/index.js';
import { decideRollback, executeRollback } from '../../../src/core/rollback/index.js';
import { createRouter } from '../../../src/core/traffic/registry.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startHaproxy, type RunningHaproxy } from '../../../testkit/bed/haproxy.js';
import { freePort } from '../../../testkit/bed/ports.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { artifact, SHA, simulatorLedger } from './environment.js';

// Slots end to end: a real HAProxy in front of two slot ports where nothing runs until the plan's
// deploy command (a shell script) starts a small HTTP server on SLIPWAY_SLOT_ADDRESS, and the
// GitHub simulator as the ledger. The same plan file serves every release.
const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

let sim: GitHubSimulator;
let haproxy: RunningHaproxy;
let dir: string;
let slotAddresses: { blue: string; green: string };
let environmentCount = 0;

/** Each run of the deploy script: `<slot> <ref> <digest> <address> <environment>`. */
function deploysRun(): string[] {
  const log = join(dir, 'deploys.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

function plan(deployScript = 'deploy.sh', readyPath = '/healthz'): string {
  return `strategy: canary
slots:
  blue: {server: blue, address: ${slotAddresses.blue}}
  green: {server: green, address: ${slotAddresses.green}}
deploy:
  run: [${join(dir, deployScript)}]
  ready: {url: 'http://{address}${readyPath}', timeout: 3s}
router: {provider: haproxy, socket: ${haproxy.socket}, backend: app}
steps:
  - setWeight: 50
  - setWeight: 100
`;
}

const ledger = () => simulatorLedger(sim);

async function release(n: number, environment: string, text = plan()) {
  const parsed = loadPlan(text, 'rollout.yml');
  return runRollout({ plan: parsed, planDigest: planDigest(text), environment, artifact: artifact(n), ref: SHA }, { ledger: ledger(), router: createRouter(parsed.router.provider, parsed.router.settings) });
}

/** What HAProxy's clients get now: the artifact ref each request was answered by, over ten requests. */
async function servedBy(): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < 10; i++) seen.add(await (await fetch(haproxy.url)).text());
  return [...seen].sort();
}

describeIf('rollouts with slots and a deploy step (HAProxy, a deploy script, the GitHub simulator)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-slots-'));
    slotAddresses = { blue: `127.0.0.1:${await freePort()}`, green: `127.0.0.1:${await freePort()}` };
    // The version a slot runs answers every path with its artifact ref; /not-ready never gets ready.
    writeFileSync(
      join(dir, 'server.mjs'),
      `import { createServer } from 'node:http';
const [host, port] = process.argv[2].split(':');
const server = createServer((req, res) => res.writeHead(req.url === '/not-ready' ? 503 : 200).end(process.argv[3]));
let tries = 0;
server.on('error', () => (++tries < 50 ? setTimeout(() => server.listen(Number(port), host), 100) : process.exit(1)));
server.listen(Number(port), host);
`,
    );
    // Replaces whatever runs in the slot (a re-run converges), and returns at once; the ready URL says when it is up.
    const deploy = join(dir, 'deploy.sh');
    writeFileSync(
      deploy,
      `#!/bin/sh
echo "$SLIPWAY_SLOT $SLIPWAY_IMAGE_REF $SLIPWAY_DIGEST $SLIPWAY_SLOT_ADDRESS $SLIPWAY_ENVIRONMENT" >> ${join(dir, 'deploys.log')}
pidfile=${dir}/$SLIPWAY_SLOT.pid
if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null; fi
nohup ${process.execPath} ${join(dir, 'server.mjs')} "$SLIPWAY_SLOT_ADDRESS" "$SLIPWAY_IMAGE_REF" >/dev/null 2>&1 &
echo $! > "$pidfile"
`,
    );
    writeFileSync(join(dir, 'fail.sh'), '#!/bin/sh\necho "image pull failed" >&2\nexit 4\n');
    chmodSync(deploy, 0o755);
    chmodSync(join(dir, 'fail.sh'), 0o755);
    sim = await startGitHubSimulator();
    haproxy = await startHaproxy({ blue: slotAddresses.blue, green: slotAddresses.green });
  }, 60_000);

  afterAll(async () => {
    for (const slot of ['blue', 'green']) {
      const pidfile = join(dir, `${slot}.pid`);
      if (existsSync(pidfile)) {
        try {
          process.kill(Number(readFileSync(pidfile, 'utf8')));
        } catch {
          // already gone
        }
      }
    }
    await haproxy?.stop();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('three releases with the same plan file alternate slots: a first release takes all traffic once ready, then each canary goes into the slot without the last good version', async () => {
    const environment = `production-${++environmentCount}`;
    const before = deploysRun().length;
    const outcomes = [];
    for (const n of [1, 2, 3]) {
      const outcome = await release(n, environment);
      expect(outcome.result).toBe('promoted');
      expect(await servedBy()).toEqual([artifact(n).ref]);
      outcomes.push(outcome);
    }
    expect(outcomes[0].reason).toMatch(/^first release: slot blue takes all traffic/);
    const payloads = await Promise.all(outcomes.map(async (o) => (await ledger().getDeployment(o.deploymentId))!));
    expect(payloads.map((d) => d.payload?.slot)).toEqual(['blue', 'green', 'blue']);
    // GitHub turns each promoted one inactive once the next succeeds.
    expect(payloads.map((d) => d.latestStatus?.state)).toEqual(['inactive', 'inactive', 'success']);
    expect(outcomes[1].steps.map((s) => s.state)).toEqual(['done', 'done']);
    // The deploy command ran once per release, into the right slot, with the right variables.
    expect(deploysRun().slice(before)).toEqual([1, 2, 3].map((n, i) => {
      const slot = i % 2 === 0 ? 'blue' : 'green';
      return `${slot} ${artifact(n).ref} ${artifact(n).digest} ${slotAddresses[slot]} ${environment}`;
    }));
    // A re-run of the promoted release changes nothing and deploys nothing.
    expect((await release(3, environment)).result).toBe('promoted');
    expect(deploysRun().length - before).toBe(3);
    expectNoContractViolations(sim);
  }, 60_000);

  test('a slot whose server the HAProxy backend lacks is refused before anything happens: no deployment, no deploy, no traffic moved', async () => {
    const environment = `production-${++environmentCount}`;
    await release(1, environment);
    const before = deploysRun().length;
    const [last] = await firstDeployments(environment);
    const wrong = plan().replace('green: {server: green,', 'green: {server: purple,');
    const error = (await release(2, environment, wrong).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/HAProxy backend 'app' has no server 'purple' \(servers: blue, green\)\. Fix: .*slots/);
    expect(deploysRun().length).toBe(before);
    expect(await servedBy()).toEqual([artifact(1).ref]);
    expect((await firstDeployments(environment))[0].id).toBe(last.id);
  }, 60_000);

  test('a deploy that fails, and one that never becomes ready, stop with no traffic moved and are recorded error and failure', async () => {
    const environment = `production-${++environmentCount}`;
    await release(1, environment);
    expect(await servedBy()).toEqual([artifact(1).ref]);

    const failed = (await release(2, environment, plan('fail.sh')).catch((error: unknown) => error)) as Error;
    expect(failed.message).toMatch(/stopped before any traffic moved: the deploy command .*fail\.sh exited with 4: image pull failed\. The deployment is recorded error; traffic stays on slot blue/);
    expect(await servedBy()).toEqual([artifact(1).ref]);
    const [afterFail] = await firstDeployments(environment);
    expect(afterFail).toMatchObject({ payload: { slot: 'green', artifact: artifact(2) }, latestStatus: { state: 'error', description: expect.stringMatching(/^deploy into slot green failed; no traffic moved/) } });

    const notReady = (await release(2, environment, plan('deploy.sh', '/not-ready')).catch((error: unknown) => error)) as Error;
    expect(notReady.message).toMatch(/slot green never became ready: GET http:\/\/127\.0\.0\.1:\d+\/not-ready did not answer 2xx within 3s/);
    expect(await servedBy()).toEqual([artifact(1).ref]);
    const [afterNotReady] = await firstDeployments(environment);
    expect(afterNotReady).toMatchObject({ payload: { slot: 'green' }, latestStatus: { state: 'failure', description: expect.stringMatching(/^slot green never became ready; no traffic moved/) } });

    // Fixed, the same release goes through: a re-run converges.
    expect((await release(2, environment)).result).toBe('promoted');
    expect(await servedBy()).toEqual([artifact(2).ref]);
    expectNoContractViolations(sim);
  }, 60_000);

  test('a rollback sends traffic back to the previous version\'s slot without deploying, and the next release takes the other slot', async () => {
    const environment = `production-${++environmentCount}`;
    await release(1, environment);
    await release(2, environment);
    const before = deploysRun().length;
    const parsed = loadPlan(plan(), 'rollout.yml');
    const decision = await decideRollback(ledger(), environment, { kind: 'previous' });
    if ('already' in decision) throw new Error('expected a rollback');
    const outcome = await executeRollback(ledger(), decision, { environment, reason: 'errors in checkout' }, { slots: { plan: parsed } });
    expect(await servedBy()).toEqual([artifact(1).ref]);
    expect(deploysRun().length).toBe(before);
    expect(await ledger().getDeployment(outcome.deploymentId!)).toMatchObject({ task: 'deploy:rollback', payload: { slot: 'blue', artifact: artifact(1) }, latestStatus: { state: 'success' } });

    // v1 runs in blue again, so v3 goes into green.
    expect((await release(3, environment)).result).toBe('promoted');
    expect(deploysRun().slice(before)[0]).toMatch(/^green /);
    expect(await servedBy()).toEqual([artifact(3).ref]);

    // v4 goes into blue, over v1; rolling back to v1 (by its deployment) then deploys it again into
    // green, the slot that serves nothing, before traffic moves there.
    expect((await release(4, environment)).result).toBe('promoted');
    expect(deploysRun().slice(before)[1]).toMatch(/^blue /);
    const toV1 = await decideRollback(ledger(), environment, { kind: 'deployment', id: outcome.deploymentId! });
    if ('already' in toV1) throw new Error('expected a rollback');
    const redeployed = await executeRollback(ledger(), toV1, { environment, reason: 'back to v1' }, { slots: { plan: parsed } });
    expect(await servedBy()).toEqual([artifact(1).ref]);
    expect(deploysRun().slice(before)).toHaveLength(3);
    expect(deploysRun().slice(before)[2]).toBe(`green ${artifact(1).ref} ${artifact(1).digest} ${slotAddresses.green} ${environment}`);
    expect(await ledger().getDeployment(redeployed.deploymentId!)).toMatchObject({ payload: { slot: 'green', artifact: artifact(1) } });
    expectNoContractViolations(sim);
  }, 60_000);
});

async function firstDeployments(environment: string) {
  const found = [];
  for await (const deployment of ledger().history(environment)) {
    found.push(deployment);
    if (found.length === 2) break;
  }
  return found;
}
