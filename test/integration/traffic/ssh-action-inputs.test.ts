import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { makeKeyPair, startSshd, type RunningSshd } from '../../../testkit/bed/sshd.js';
import { buildBundle, runActionStep } from '../../support/action-runner.js';

// canary-step as the runner runs it (its bundle, INPUT_* variables), driving a command router on a
// router host reached through a real sshd: the ssh-private-key and ssh-known-hosts inputs, and
// every refusal happening before the router is touched.

const suite = serverAvailable('sshd') ? describe : describe.skip;

suite('canary-step with the ssh inputs', () => {
  let sshd: RunningSshd;
  let bundle: string;
  let dir: string;
  let script: string;
  let state: string;

  beforeAll(async () => {
    [sshd, bundle] = await Promise.all([startSshd(), buildBundle('canary-step')]);
    dir = mkdtempSync(join(tmpdir(), 'slipway-ssh-inputs-'));
    script = join(dir, 'set-weight.sh');
    state = join(dir, 'state');
    // SSH_CONNECTION is set by sshd in the session: the state file says whether the script ran through it.
    writeFileSync(script, ['#!/bin/sh', `echo "$SLIPWAY_CANARY_WEIGHT $SLIPWAY_ACTION \${SSH_CONNECTION:+via-ssh}" > ${state}`, 'echo "$SLIPWAY_CANARY_WEIGHT"', ''].join('\n'));
    chmodSync(script, 0o755);
  }, 300_000);
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const router = (ssh: boolean) => JSON.stringify({ provider: 'command', run: [script], ...(ssh ? { ssh: sshd.settings } : {}) });
  const step = (inputs: Record<string, string>) => {
    rmSync(state, { force: true });
    return runActionStep(bundle, { inputs: { action: 'set-weight', weight: '40', ...inputs }, timeoutMs: 60_000 });
  };

  test('moves traffic through the script on the router host; the key is masked and in no other line of the log', async () => {
    const run = await step({ router: router(true), 'ssh-private-key': sshd.privateKey, 'ssh-known-hosts': sshd.knownHosts });
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(readFileSync(state, 'utf8')).toBe('40 set-weight via-ssh\n');
    expect(run.outputs.weight).toBe('40');
    const body = sshd.privateKey.split('\n')[1];
    expect(run.stdout).toContain(`::add-mask::${body}`);
    expect(run.stdout.split('\n').filter((line) => line.includes(body) && !line.startsWith('::add-mask::'))).toEqual([]);
  }, 120_000);

  test.each([
    ['router.ssh without ssh-private-key', () => ({ router: router(true), 'ssh-known-hosts': sshd.knownHosts }), "Input 'ssh-private-key' is missing: expected the private key that logs in to the router host"],
    ['ssh-private-key for a router without ssh:', () => ({ router: router(false), 'ssh-private-key': sshd.privateKey, 'ssh-known-hosts': sshd.knownHosts }), 'ssh-private-key or ssh-known-hosts is given, but the router settings have no `ssh:`'],
    ['a host key ssh-known-hosts does not hold', () => ({ router: router(true), 'ssh-private-key': sshd.privateKey, 'ssh-known-hosts': `[127.0.0.1]:${sshd.port} ${makeKeyPair().publicKey}` }), 'does not match ssh-known-hosts'],
    ['an unreachable router host', () => ({ router: JSON.stringify({ provider: 'command', run: [script], ssh: { ...sshd.settings, port: 1 } }), 'ssh-private-key': sshd.privateKey, 'ssh-known-hosts': sshd.knownHosts }), 'Cannot connect to router.ssh.host 127.0.0.1 on router.ssh.port 1'],
  ])('%s is refused naming what to fix, and the script never runs', async (_case, inputs, message) => {
    const run = await step(inputs());
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(message);
    expect(existsSync(state)).toBe(false);
  }, 120_000);
});
