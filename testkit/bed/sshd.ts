import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { freePort } from './ports.js';
import { serverDir, startServerProcess } from './process.js';

/** A running OpenSSH server of the test bed and what a client needs to log in to it. */
export interface RunningSshd {
  /** Always 127.0.0.1. */
  host: string;
  port: number;
  /** The account the key logs in as: the user running the tests. */
  user: string;
  /** The `ssh:` router settings that reach this server. */
  settings: { host: string; port: number; user: string };
  /** A private key the server accepts (OpenSSH format, no passphrase). */
  privateKey: string;
  /** The known_hosts line of the server's own host key: `[127.0.0.1]:<port> ssh-ed25519 …`. */
  knownHosts: string;
  /** The last 4 kB sshd logged. */
  log(): string;
  stop(): Promise<void>;
}

/** An ed25519 key pair made for a test. */
export interface KeyPair {
  privateKey: string;
  /** The `ssh-ed25519 AAAA…` line. */
  publicKey: string;
}

const INSTALL = 'apt-get install -y openssh-server openssh-client';

/** Makes an ed25519 key pair with ssh-keygen (no passphrase). */
export function makeKeyPair(): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-key-'));
  try {
    const file = join(dir, 'key');
    execFileSync(sshBinary('ssh-keygen'), ['-q', '-t', 'ed25519', '-N', '', '-C', 'slipway-test', '-f', file], { stdio: 'ignore' });
    return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts the Debian `sshd` on a free port of 127.0.0.1 in a temp dir: its own host key, an
 * authorized_keys holding a key pair made for this server, public-key login only, for the user
 * running the tests alone. It runs in the foreground (`-D -e`), so stop() ends it. As root it
 * needs sshd's privilege separation directory (/run/sshd), which it creates when missing, as the
 * package's service does; as another user sshd runs unprivileged and lets only that user in.
 */
export async function startSshd(): Promise<RunningSshd> {
  const binary = sshBinary('sshd');
  const dir = serverDir('sshd');
  const port = await freePort();
  const user = userInfo().username;
  const hostKey = join(dir, 'host_ed25519');
  execFileSync(sshBinary('ssh-keygen'), ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', hostKey], { stdio: 'ignore' });
  const clientKey = makeKeyPair();
  writeFileSync(join(dir, 'authorized_keys'), `${clientKey.publicKey}\n`, { mode: 0o600 });
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      // The temp dir lives under the world-writable /tmp, which StrictModes refuses.
      'StrictModes no',
      'UsePAM no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${user}`,
      'AllowStreamLocalForwarding yes',
      'AllowTcpForwarding yes',
      'X11Forwarding no',
      'PrintMotd no',
      'PermitUserEnvironment no',
      // The tests open many short connections, some refused on purpose.
      'MaxStartups 100',
      'MaxSessions 100',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  // OpenSSH 9.8 and later penalise a source address after failed logins; the tests fail logins
  // on purpose from 127.0.0.1. Older versions do not know the option.
  const extra = spawnSync(binary, ['-t', '-f', config, '-o', 'PerSourcePenalties=no'], { stdio: 'ignore' }).status === 0 ? ['-o', 'PerSourcePenalties=no'] : [];
  const server = await startServerProcess('sshd', binary, ['-D', '-e', '-f', config, ...extra], dir, () => sendsBanner(port));
  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  return {
    host: '127.0.0.1',
    port,
    user,
    settings: { host: '127.0.0.1', port, user },
    privateKey: clientKey.privateKey,
    knownHosts: `[127.0.0.1]:${port} ${hostPublicKey}`,
    log: server.log,
    stop: server.stop,
  };
}

/** The absolute path of an OpenSSH program, or an error with the Debian packages to install. */
function sshBinary(name: 'sshd' | 'ssh-keygen'): string {
  const path = findBinary(name);
  if (!path) throw new Error(`${name} is not installed: ${INSTALL}`);
  return path;
}

/** Whether something on the port answers with an SSH banner. */
function sendsBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('data', (data) => {
      received += data.toString();
      if (received.includes('\n')) done(received.startsWith('SSH-2.0-'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(received.startsWith('SSH-2.0-')));
  });
}
