import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startHaproxy, type RunningHaproxy } from '../../../testkit/bed/haproxy.js';
import { freePort } from '../../../testkit/bed/ports.js';
import { makeKeyPair, startSshd, type RunningSshd } from '../../../testkit/bed/sshd.js';
import { openSshTransport, SshError, type SshTransport, type SshTransportOptions } from '../../../src/core/remote/index.js';
import { redact } from '../../../src/core/secrets/index.js';
import { createRouter } from '../../../src/core/traffic/registry.js';

// The router host is a real OpenSSH server on loopback with its own host key; the transport
// reaches it through the system ssh client exactly as it would reach lb1.internal.

const haveSshd = serverAvailable('sshd');
const suite = haveSshd ? describe : describe.skip;

/** Lines of a key long enough to recognise it in a message. */
function keyLines(key: string): string[] {
  return key.split('\n').map((line) => line.trim()).filter((line) => line.length >= 16);
}

/** The SshError `promise` rejects with. */
async function sshErrorOf(promise: Promise<unknown>): Promise<SshError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SshError);
  return error as SshError;
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

suite('the SSH transport against a real sshd', () => {
  let sshd: RunningSshd;
  let work: string;
  let tempRoot: string;
  let transport: SshTransport;
  const options = (overrides: Partial<SshTransportOptions> = {}): SshTransportOptions => ({
    settings: sshd.settings,
    privateKey: sshd.privateKey,
    knownHosts: sshd.knownHosts,
    tempRoot,
    connectTimeoutSeconds: 5,
    ...overrides,
  });

  beforeAll(async () => {
    sshd = await startSshd();
    work = mkdtempSync(join(tmpdir(), 'slipway-remote-work-'));
    tempRoot = mkdtempSync(join(tmpdir(), 'slipway-remote-temp-'));
    transport = openSshTransport(options());
  });
  afterAll(async () => {
    await transport?.close();
    await sshd?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(tempRoot, { recursive: true, force: true });
  });

  test('check passes when the host key, the key and the user are right', async () => {
    await expect(transport.check()).resolves.toBeUndefined();
  });

  test('runs a command on the router host and returns its output and exit code', async () => {
    const result = await transport.run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(result).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await transport.run(['cat'], { input: 'from stdin\n' })).stdout).toBe('from stdin\n');
  });

  test('arguments with spaces, quotes, `;`, `$()` and globs arrive literally and nothing in them runs', async () => {
    const marker = join(work, 'pwned');
    const hostile = [
      'two words',
      "it's",
      '"double"',
      `x; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `a && touch ${marker}`,
      `| touch ${marker}`,
      '*',
      '~',
      'NAME=value',
      '$HOME',
      '',
      '-n',
      'new\nline',
      'back\\slash',
      '!event',
      'ünïcødé ✓',
    ];
    const result = await transport.run(['printf', '%s\\0', ...hostile]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(hostile);
    expect(existsSync(marker)).toBe(false);
  });

  test('writeFile and readFile round-trip a file whose name starts with - and holds spaces, leaving no temp file', async () => {
    const path = join(work, '-n routing file.conf');
    const contents = 'upstream app {\n  server 127.0.0.1:8081 weight=75;\n}\n# ünïcødé, no final newline';
    await transport.writeFile(path, contents);
    expect(readFileSync(path, 'utf8')).toBe(contents);
    expect(await transport.readFile(path)).toBe(contents);
    expect(readdirSync(work)).toEqual(['-n routing file.conf']);
  });

  test('writeFile keeps the mode of the file it replaces', async () => {
    const path = join(work, 'mode.conf');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o640);
    await transport.writeFile(path, 'new\n');
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  test('a reader never sees half a file while writeFile replaces it', async () => {
    const path = join(work, 'big.conf');
    const size = 2 * 1024 * 1024;
    await transport.writeFile(path, 'a'.repeat(size));
    let writing = true;
    let reads = 0;
    const seen = new Set<string>();
    const reader = (async () => {
      while (writing) {
        const text = readFileSync(path, 'utf8');
        reads += 1;
        // Whole means the full length, one letter throughout (the first and last are enough: the new letter is written from the start).
        seen.add(text.length === size && text[0] === text[size - 1] ? text[0] : `torn (${text.length} bytes)`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await transport.writeFile(path, 'b'.repeat(size));
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(10);
    expect([...seen].filter((kind) => kind.startsWith('torn'))).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('b'.repeat(size));
    expect(readdirSync(work).filter((name) => name.includes('slipway'))).toEqual([]);
  });

  test('writeFile into a missing directory and readFile of a missing file fail naming the path', async () => {
    const missing = join(work, 'missing', 'x.conf');
    await expect(transport.writeFile(missing, 'x')).rejects.toThrow(new RegExp(`^Cannot write ${missing} on 127\\.0\\.0\\.1 \\(exit \\d+\\): .*(nonexistent|No such file).*\\. Fix: let ${sshd.user} write to that file and its directory\\.$`));
    expect(existsSync(join(work, 'missing'))).toBe(false);
    await expect(transport.readFile(join(work, 'missing.conf'))).rejects.toThrow(`Cannot read ${join(work, 'missing.conf')} on 127.0.0.1 (exit 1)`);
  });

  describe('socket forwarding', () => {
    let haproxy: RunningHaproxy;
    beforeAll(async () => {
      if (!serverAvailable('haproxy')) return;
      haproxy = await startHaproxy({ blue: '127.0.0.1:1', green: '127.0.0.1:2' });
    });
    afterAll(async () => {
      await haproxy?.stop();
    });

    test("the HAProxy router sets weights through the forwarded runtime API socket", async () => {
      if (!haproxy) return;
      const forward = await transport.forwardUnixSocket(haproxy.socket);
      try {
        expect(forward.path).not.toBe(haproxy.socket);
        const router = createRouter('haproxy', { ...haproxy.routerSettings('blue', 'green'), socket: forward.path });
        expect((await router.setCanaryWeight(30)).canaryWeight).toBe(30);
        // Read back from HAProxy's own socket, not through the forward.
        const state = await sendToSocket(haproxy.socket, 'show servers state app');
        const weights = Object.fromEntries(
          state
            .split('\n')
            .filter((line) => /^\d+ app /.test(line))
            .map((line) => line.split(' '))
            .map((fields) => [fields[3], Number(fields[7])]),
        );
        expect(weights).toEqual({ blue: 70, green: 30 });
      } finally {
        await forward.close();
      }
      expect(existsSync(forward.path)).toBe(false);
    });

    test('forwarding a socket that does not exist on the router host is refused naming the path', async () => {
      await expect(transport.forwardUnixSocket(join(work, 'no-such.sock'))).rejects.toThrow(`There is no socket at ${join(work, 'no-such.sock')} on 127.0.0.1.`);
    });
  });

  test('a known_hosts line with another key is refused naming ssh-known-hosts, and nothing runs', async () => {
    const marker = join(work, 'ran-despite-host-key');
    const impostor = `[127.0.0.1]:${sshd.port} ${makeKeyPair().publicKey}`;
    const other = openSshTransport(options({ knownHosts: impostor }));
    try {
      const error = await sshErrorOf(other.run(['touch', marker]));
      expect(error.setting).toBe('ssh-known-hosts');
      expect(error.message).toContain('presented a host key that does not match ssh-known-hosts');
      expect(existsSync(marker)).toBe(false);
    } finally {
      await other.close();
    }
  });

  test('known hosts without a line for the host and port are refused naming ssh-known-hosts and the [host]:port form', async () => {
    const elsewhere = `lb1.internal ${sshd.knownHosts.split(' ').slice(1).join(' ')}`;
    const other = openSshTransport(options({ knownHosts: elsewhere }));
    try {
      const error = await sshErrorOf(other.check());
      expect(error.setting).toBe('ssh-known-hosts');
      expect(error.message).toContain(`ssh-known-hosts has no key for the router host [127.0.0.1]:${sshd.port}`);
      expect(error.message).toContain(`ssh-keyscan -p ${sshd.port} 127.0.0.1`);
    } finally {
      await other.close();
    }
  });

  test('a key the host does not accept is refused naming ssh-private-key, and the key is in no message', async () => {
    const wrong = makeKeyPair().privateKey;
    const other = openSshTransport(options({ privateKey: wrong }));
    try {
      const error = await sshErrorOf(other.check());
      expect(error.setting).toBe('ssh-private-key');
      expect(error.message).toContain(`The router host refused ssh-private-key for ${sshd.user}@127.0.0.1 port ${sshd.port}`);
      for (const line of keyLines(wrong)) expect(error.message).not.toContain(line);
      // Registered with the redaction boundary: whatever prints it gets ***.
      for (const line of keyLines(wrong)) expect(redact(`key: ${line}`)).toBe('key: ***');
    } finally {
      await other.close();
    }
  });

  test('a key protected by a passphrase is refused naming ssh-private-key before any connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-remote-passphrase-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-C', '', '-f', join(dir, 'key')]);
      const other = openSshTransport(options({ privateKey: readFileSync(join(dir, 'key'), 'utf8') }));
      try {
        const error = await sshErrorOf(other.check());
        expect(error.setting).toBe('ssh-private-key');
        expect(error.message).toMatch(/^ssh cannot use ssh-private-key \(ssh-keygen: .*passphrase.*\)\. Fix: .*without a passphrase/);
      } finally {
        await other.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unreachable port is refused naming router.ssh.host and router.ssh.port', async () => {
    const other = openSshTransport(options({ settings: { ...sshd.settings, port: await freePort() } }));
    try {
      const error = await sshErrorOf(other.check());
      expect(error.setting).toBe('router.ssh.host');
      expect(error.message).toMatch(/^Cannot connect to router\.ssh\.host 127\.0\.0\.1 on router\.ssh\.port \d+ \(ssh: ssh: connect to host 127\.0\.0\.1 port \d+: Connection refused\)/);
    } finally {
      await other.close();
    }
  });

  test('the private key lives in a 0600 file of a private directory, gone after close, forwards included', async () => {
    const root = mkdtempSync(join(tmpdir(), 'slipway-remote-key-'));
    try {
      const own = openSshTransport(options({ tempRoot: root }));
      const [dir] = readdirSync(root);
      expect(statSync(join(root, dir)).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, dir, 'id')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(root, dir, 'id'), 'utf8')).toBe(sshd.privateKey);
      let forwardPath: string | undefined;
      const haproxy = serverAvailable('haproxy') ? await startHaproxy({ blue: '127.0.0.1:1', green: '127.0.0.1:2' }) : undefined;
      try {
        if (haproxy) forwardPath = (await own.forwardUnixSocket(haproxy.socket)).path;
        await own.close();
      } finally {
        await haproxy?.stop();
      }
      expect(readdirSync(root)).toEqual([]);
      if (forwardPath) expect(existsSync(forwardPath)).toBe(false);
      await expect(own.run(['true'])).rejects.toThrow('was closed');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
