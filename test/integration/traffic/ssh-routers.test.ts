import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { shareBetween, startLoad } from '../../../testkit/bed/load.js';
import { makeKeyPair, startSshd, type RunningSshd } from '../../../testkit/bed/sshd.js';
import { SshError } from '../../../src/core/remote/index.js';
import { createRouter } from '../../../src/core/traffic/registry.js';
import { SshRouterHosts } from '../../../src/core/traffic/ssh-hosts.js';
import { measure, startStack, type Roles, type TrafficStack } from './stack.js';
import { runAcceptanceScenario } from './zero-downtime.js';

// The router host is a real OpenSSH server on loopback: the routers reach HAProxy's socket, nginx's
// include file, `nginx -t`, the reload and the user's script only through it, exactly as they
// would reach lb1.internal. Each remote command is one SSH connection (about 1 s here when the
// account's shell reads a slow .bashrc), so the timeouts are generous.

const available = ['sshd', 'haproxy', 'nginx'].every((server) => serverAvailable(server));
const suite = available ? describe : describe.skip;
const MINUTES = 60_000;

/** The stack's routers, made with `ssh:` through `hosts`. */
function overSsh(stack: TrafficStack, sshd: RunningSshd, hosts: SshRouterHosts): TrafficStack {
  return { ...stack, router: (roles: Roles) => createRouter(stack.provider, { ...stack.settings(roles), ssh: sshd.settings }, hosts.routerOptions) };
}

function sendToSocket(path: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path }, () => socket.end(`${command}\n`));
    let answer = '';
    socket.on('data', (data) => (answer += data.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Server name → weight, as HAProxy itself reports them on its own socket. */
async function haproxyWeights(socket: string): Promise<Record<string, number>> {
  const answer = await sendToSocket(socket, 'show servers state app');
  return Object.fromEntries(
    answer
      .split('\n')
      .filter((line) => /^\d+ app /.test(line))
      .map((line) => line.split(' '))
      .map((fields) => [fields[3], Number(fields[7])]),
  );
}

suite('routers reached over SSH', () => {
  let sshd: RunningSshd;
  let tempRoot: string;
  let hosts: SshRouterHosts;

  beforeAll(async () => {
    sshd = await startSshd();
    tempRoot = mkdtempSync(join(tmpdir(), 'slipway-ssh-routers-'));
    hosts = new SshRouterHosts({ privateKey: sshd.privateKey, knownHosts: sshd.knownHosts }, { tempRoot, connectTimeoutSeconds: 5 });
  });
  afterAll(async () => {
    await hosts?.close();
    await sshd?.stop();
    rmSync(tempRoot, { recursive: true, force: true });
  });

  describe('haproxy', () => {
    let stack: TrafficStack;
    beforeAll(async () => {
      stack = await startStack('haproxy');
    });
    afterAll(async () => {
      await stack?.stop();
    });

    test(
      'weights shift through the forwarded runtime API, read back over SSH, with no failed request under a steady 400 req/s',
      async () => {
        const remote = overSsh(stack, sshd, hosts);
        const router = remote.router({ stable: 'blue', canary: 'green' });
        await hosts.check();
        const moved = await router.setCanaryWeight(30);
        expect(moved.detail).toMatchObject({ host: `${sshd.user}@127.0.0.1:${sshd.port}` });
        expect((await router.describe()).canaryWeight).toBe(30);
        const socket = String(stack.settings({ stable: 'blue', canary: 'green' }).socket);
        expect(await haproxyWeights(socket)).toEqual({ blue: 70, green: 30 });
        await router.abort();

        const { steps } = await runAcceptanceScenario(remote);
        for (const step of steps) expect(Math.abs(step.share - step.target)).toBeLessThanOrEqual(2);
      },
      8 * MINUTES,
    );
  });

  describe('nginx', () => {
    let stack: TrafficStack;
    beforeAll(async () => {
      stack = await startStack('nginx');
    });
    afterAll(async () => {
      await stack?.stop();
    });

    test(
      'the include file is written, tested and reloaded over SSH: shares follow each step and no request fails under a steady 400 req/s',
      async () => {
        // Fewer steps than the local acceptance run: each nginx change here is about eight SSH connections.
        const router = overSsh(stack, sshd, hosts).router({ stable: 'blue', canary: 'green' });
        await hosts.check();
        const load = startLoad({ url: stack.url, rate: 400 });
        const steps: { target: number; from: number; to: number }[] = [];
        try {
          for (const [target, change] of [
            [25, () => router.setCanaryWeight(25)],
            [100, () => router.promote()],
            [0, () => router.abort()],
          ] as const) {
            if (steps.length > 0) steps[steps.length - 1].to = load.now();
            expect((await change()).canaryWeight).toBe(target);
            const from = load.now();
            steps.push({ target, from, to: Infinity });
            const until = Date.now() + MINUTES;
            while (load.answeredSince(from) < 1200 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
          }
          steps[steps.length - 1].to = load.now();
        } finally {
          await load.stop();
        }
        const report = await load.done;
        expect(report.failures).toEqual([]);
        const shares = steps.map((step) => ({ target: step.target, ...shareBetween(report.samples, 'v2', step.from, step.to) }));
        console.log(`nginx over ssh: ${shares.map((s) => `${s.target}%: ${s.share.toFixed(2)}% of ${s.count}`).join('; ')}; connection retries ${report.connectionRetries}`);
        for (const step of shares) expect(Math.abs(step.share - step.target)).toBeLessThanOrEqual(2);
        expect((await router.describe()).canaryWeight).toBe(0);
      },
      6 * MINUTES,
    );

    test(
      'nginx -t failing on the router host restores the previous file and nginx keeps serving as before',
      async () => {
        const settings = stack.settings({ stable: 'blue', canary: 'green' });
        const file = String(settings.file);
        const good = createRouter('nginx', { ...settings, ssh: sshd.settings }, hosts.routerOptions);
        await good.setCanaryWeight(20);
        const before = readFileSync(file, 'utf8');
        // Another prefix leaves `$slipway_upstream`, which nginx.conf uses, undefined: nginx -t fails.
        const broken = createRouter('nginx', { ...settings, name: 'other', ssh: sshd.settings }, hosts.routerOptions);
        await expect(broken.setCanaryWeight(60)).rejects.toThrow(new RegExp(`nginx rejected the new routing \\(.* exited 1 on ${sshd.user}@127\\.0\\.0\\.1:${sshd.port}\\)[\\s\\S]*slipway_upstream[\\s\\S]*The previous .* was restored`));
        expect(readFileSync(file, 'utf8')).toBe(before);
        const { share, report } = await measure(stack.url, 'v2', 800);
        expect(report.failures).toEqual([]);
        expect(Math.abs(share - 20)).toBeLessThanOrEqual(4);
        await good.abort();
      },
      5 * MINUTES,
    );
  });

  test(
    "the command router's script runs on the router host with its SLIPWAY_ variables",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'slipway-ssh-command-'));
      try {
        const state = join(dir, 'state');
        const script = join(dir, 'set-weight.sh');
        // SSH_CONNECTION is set by sshd in the session: the script proves it ran through it.
        writeFileSync(
          script,
          ['#!/bin/sh', `state=${state}`, 'if [ "$SLIPWAY_ACTION" != describe ]; then echo "$SLIPWAY_CANARY_WEIGHT $SLIPWAY_ACTION $SLIPWAY_CANARY_VERSION ${SSH_CONNECTION:+via-ssh}" > "$state"; fi', 'cut -d" " -f1 "$state"', ''].join('\n'),
        );
        chmodSync(script, 0o755);
        const router = createRouter('command', { run: [script], canaryVersion: 'v2 (canary)', ssh: sshd.settings }, hosts.routerOptions);
        expect((await router.setCanaryWeight(30)).canaryWeight).toBe(30);
        expect(readFileSync(state, 'utf8')).toBe('30 set-weight v2 (canary) via-ssh\n');
        expect((await router.describe()).canaryWeight).toBe(30);
        await router.promote();
        expect(readFileSync(state, 'utf8')).toBe('100 promote v2 (canary) via-ssh\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    2 * MINUTES,
  );

  test(
    'an unknown host key or an unreachable host is refused by the check, before the router changes anything',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'slipway-ssh-refused-'));
      const file = join(dir, 'routing.conf');
      const settings = { file, stable: '127.0.0.1:8001', canary: '127.0.0.1:8002', test: ['true'], reload: ['true'], pid: join(dir, 'nginx.pid') };
      const otherHostKey = makeKeyPair().publicKey;
      try {
        const impostor = new SshRouterHosts({ privateKey: sshd.privateKey, knownHosts: `[127.0.0.1]:${sshd.port} ${otherHostKey}` }, { tempRoot, connectTimeoutSeconds: 5 });
        const unreachable = new SshRouterHosts({ privateKey: sshd.privateKey, knownHosts: sshd.knownHosts }, { tempRoot, connectTimeoutSeconds: 5 });
        try {
          createRouter('nginx', { ...settings, ssh: sshd.settings }, impostor.routerOptions);
          await expect(impostor.check()).rejects.toMatchObject({ name: 'SshError', setting: 'ssh-known-hosts' });
          createRouter('nginx', { ...settings, ssh: { ...sshd.settings, port: 1 } }, unreachable.routerOptions);
          const refused = await unreachable.check().catch((error: unknown) => error);
          expect(refused).toBeInstanceOf(SshError);
          expect((refused as SshError).message).toMatch(/Cannot connect to router.ssh.host 127\.0\.0\.1 on router.ssh.port 1 .*Nothing was run/);
        } finally {
          await impostor.close();
          await unreachable.close();
        }
        expect(() => readFileSync(file)).toThrow(/ENOENT/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    2 * MINUTES,
  );
});
