import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SlipwayError } from '../errors.js';
import { redact } from '../secrets/index.js';
import { runCommand, tail, type CommandResult } from '../process/index.js';
import { writeCredentialFiles, type CredentialFiles, type SshCredentials } from './credentials.js';
import { SSH_PRIVATE_KEY_INPUT, SshError, sshFailure, sshWords } from './errors.js';
import { startForward, type ForwardedSocket } from './forward.js';
import type { SshSettings } from './settings.js';
import { remoteCommandLine } from './shell-quote.js';

/** Everything an SSH transport needs: where the router host is, and the credentials. */
export interface SshTransportOptions extends SshCredentials {
  settings: SshSettings;
  /** Seconds ssh waits for the TCP connection (default 10). */
  connectTimeoutSeconds?: number;
  /** Where the private directory for the key is made (default: the system temp dir). */
  tempRoot?: string;
  /** The OpenSSH client (default `ssh` from PATH). */
  sshBinary?: string;
}

/** How to run one remote command. */
export interface RemoteRunOptions {
  /** Fed to the remote command's stdin. */
  input?: string;
  /** Default 30 000 ms, connection included. */
  timeoutMs?: number;
}

// The longest local socket path a Unix socket address holds (sun_path is 108 bytes on Linux).
const MAX_SOCKET_PATH = 100;

// Writes stdin to a temp name beside the target and renames it over the target: rename is atomic
// within a directory, so a reader (nginx reloading, a script) sees the old file or the new one,
// never half. The temp file starts as a copy of the target so the new file keeps its mode and
// owner; it is hidden and keeps no extension, so an `include *.conf` never loads it.
const WRITE_FILE_SCRIPT = [
  'case "$1" in */*) dir="${1%/*}/" ;; *) dir= ;; esac',
  'tmp="$dir.${1##*/}.slipway-$$"',
  'trap \'rm -f -- "$tmp"\' EXIT',
  'if [ -e "$1" ]; then cp -p -- "$1" "$tmp" 2>/dev/null || :; fi',
  'cat > "$tmp" && mv -f -- "$tmp" "$1"',
].join('\n');

// Exit codes of the socket check before a forward starts.
const NO_SOCKET = 3;
const SOCKET_NOT_WRITABLE = 4;
const SOCKET_CHECK_SCRIPT = `[ -S "$1" ] || exit ${NO_SOCKET}; [ -w "$1" ] || exit ${SOCKET_NOT_WRITABLE}`;

/**
 * Runs commands, moves files and forwards sockets on the router host through the system OpenSSH
 * client. The host key is always checked against `ssh-known-hosts`, only `ssh-private-key` is
 * offered, no user configuration or agent is read, and the key lives in a 0600 file in a private
 * directory until `close`. Make one with `openSshTransport`.
 */
export class SshTransport {
  readonly type = 'ssh';
  private readonly forwards = new Map<ForwardedSocket, ChildProcess>();
  private forwardCount = 0;
  private closed = false;
  // A process that exits without close (a crash, process.exit) still removes the key and ends its forwards.
  private readonly onExit = () => this.cleanUpNow();

  constructor(
    readonly settings: SshSettings,
    private readonly files: CredentialFiles,
    private readonly sshBinary: string,
    private readonly connectTimeoutSeconds: number,
  ) {
    process.once('exit', this.onExit);
  }

  /** `user@host:port`, for messages. */
  describe(): string {
    return `${this.settings.user}@${this.settings.host}:${this.settings.port}`;
  }

  /**
   * Checks, before anything changes, that the key can be read and the router host reached,
   * recognised by its host key and logged in to (it runs `true` there). Throws an SshError naming
   * the input or setting to fix.
   */
  async check(): Promise<void> {
    const key = await runCommand(['ssh-keygen', '-y', '-P', '', '-f', this.files.keyFile], { timeoutMs: 10_000 });
    if (key.code !== 0 && !/ENOENT/.test(key.stderr)) {
      throw new SshError(
        `ssh cannot use ${SSH_PRIVATE_KEY_INPUT} (ssh-keygen: ${sshWords(key.stderr)}). Fix: give the whole private key with its BEGIN and END lines, without a passphrase (ssh runs unattended).`,
        SSH_PRIVATE_KEY_INPUT,
      );
    }
    const result = await this.run(['true']);
    if (result.code !== 0) throw new SshError(`Logged in to ${this.describe()}, but \`true\` exited ${result.code} there: ${sshWords(result.stderr)}. Fix: give router.ssh.user a working POSIX login shell.`, 'router.ssh.user');
  }

  /**
   * Runs `argv` on the router host: each argument is quoted for the remote POSIX shell, so it
   * arrives as written and nothing in it runs. Resolves with the remote exit code and output
   * (code -1 on a timeout); throws an SshError when ssh itself failed (unknown host key, refused
   * key, unreachable host).
   */
  async run(argv: readonly string[], options: RemoteRunOptions = {}): Promise<CommandResult> {
    this.assertOpen();
    const result = await runCommand([...this.sshArgv(['-T']), remoteCommandLine(argv)], { input: options.input, timeoutMs: options.timeoutMs });
    this.throwIfSshFailed(result);
    return result;
  }

  /** Replaces `path` on the router host with `contents` atomically (temp file beside it, then `mv`), keeping its mode. */
  async writeFile(path: string, contents: string): Promise<void> {
    checkRemotePath(path);
    const result = await this.run(['sh', '-c', WRITE_FILE_SCRIPT, 'slipway-write-file', path], { input: contents });
    if (result.code !== 0) {
      throw new SlipwayError(`Cannot write ${path} on ${this.settings.host} (exit ${result.code}): ${redact(tail(result.stderr))}. Fix: let ${this.settings.user} write to that file and its directory.`);
    }
  }

  /** The text of `path` on the router host. */
  async readFile(path: string): Promise<string> {
    checkRemotePath(path);
    const result = await this.run(['cat', '--', path]);
    if (result.code !== 0) throw new SlipwayError(`Cannot read ${path} on ${this.settings.host} (exit ${result.code}): ${redact(tail(result.stderr))}.`);
    return result.stdout;
  }

  /**
   * A local Unix socket that reaches the Unix socket `remotePath` on the router host (OpenSSH
   * streamlocal forwarding, `ssh -N -L <local>:<remote>`), ready when this resolves: HAProxy's
   * runtime API is spoken through it unchanged. The local socket lives in the private directory.
   */
  async forwardUnixSocket(remotePath: string): Promise<ForwardedSocket> {
    checkRemotePath(remotePath);
    if (remotePath.includes(':')) throw new SlipwayError(`The socket path ${JSON.stringify(remotePath)} holds ':', which ssh -L reads as a separator. Fix: use a socket path without ':'.`);
    const check = await this.run(['sh', '-c', SOCKET_CHECK_SCRIPT, 'slipway-socket-check', remotePath]);
    if (check.code === NO_SOCKET) throw new SlipwayError(`There is no socket at ${remotePath} on ${this.settings.host}. Fix: check the socket path, and that the server behind it runs.`);
    if (check.code === SOCKET_NOT_WRITABLE) {
      throw new SlipwayError(`${this.settings.user} may not connect to ${remotePath} on ${this.settings.host}. Fix: give the socket a group ${this.settings.user} is in (HAProxy: \`stats socket ${remotePath} mode 660 group <group> level admin\`).`);
    }
    if (check.code !== 0) throw new SlipwayError(`Cannot check ${remotePath} on ${this.settings.host} (exit ${check.code}): ${redact(tail(check.stderr))}.`);
    const local = join(this.files.dir, `forward-${++this.forwardCount}.sock`);
    if (local.length > MAX_SOCKET_PATH) throw new SlipwayError(`The local socket path ${local} is longer than a Unix socket address allows. Fix: point TMPDIR (or RUNNER_TEMP) at a shorter path.`);
    const started = await startForward(
      this.sshArgv(['-N', '-T', '-o', 'ExitOnForwardFailure=yes', '-o', 'StreamLocalBindMask=0177', '-L', `${local}:${remotePath}`]),
      local,
      (this.connectTimeoutSeconds + 10) * 1000,
    );
    if (!started.ok) {
      this.throwIfSshFailed({ code: 255, stdout: '', stderr: started.stderr });
      throw new SlipwayError(`Cannot forward ${remotePath} from ${this.describe()} (exit ${started.code}): ${sshWords(started.stderr)}.`);
    }
    const { forward, child } = started;
    this.forwards.set(forward, child);
    return {
      path: forward.path,
      close: async () => {
        this.forwards.delete(forward);
        await forward.close();
      },
    };
  }

  /** Ends every forward and removes the private directory with the key; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.forwards.keys()].map((forward) => forward.close()));
    this.forwards.clear();
    this.files.remove();
    process.removeListener('exit', this.onExit);
  }

  private cleanUpNow(): void {
    for (const child of this.forwards.values()) child.kill('SIGKILL');
    this.files.remove();
  }

  private assertOpen(): void {
    if (this.closed) throw new SlipwayError(`The SSH transport to ${this.describe()} was closed.`);
  }

  /** ssh with the options that make it safe unattended, `mode` options, `--`, then the destination. */
  private sshArgv(mode: string[]): string[] {
    const { host, port, user } = this.settings;
    const option = (setting: string) => ['-o', setting];
    return [
      this.sshBinary,
      // No user or system configuration: only what is written here applies.
      '-F', '/dev/null',
      ...option('BatchMode=yes'),
      ...option('StrictHostKeyChecking=yes'),
      ...option(`UserKnownHostsFile=${this.files.knownHostsFile}`),
      ...option('GlobalKnownHostsFile=/dev/null'),
      ...option('UpdateHostKeys=no'),
      ...option('IdentitiesOnly=yes'),
      ...option('IdentityAgent=none'),
      '-i', this.files.keyFile,
      ...option('PasswordAuthentication=no'),
      ...option('KbdInteractiveAuthentication=no'),
      ...option(`ConnectTimeout=${this.connectTimeoutSeconds}`),
      ...option('ServerAliveInterval=15'),
      ...option('ServerAliveCountMax=3'),
      ...option('ControlMaster=no'),
      ...option('ControlPath=none'),
      ...option('LogLevel=ERROR'),
      '-p', String(port),
      ...mode,
      '--',
      `${user}@${host}`,
    ];
  }

  private throwIfSshFailed(result: CommandResult): void {
    if (result.code === -1 && /ENOENT/.test(result.stderr)) {
      throw new SshError(`The OpenSSH client (${this.sshBinary}) is not installed on the runner. Fix: install it (\`apt-get install -y openssh-client\`); GitHub-hosted runners have it.`, 'router.ssh');
    }
    if (result.code !== 255) return;
    const failure = sshFailure(result.stderr, this.settings);
    if (failure) throw failure;
  }
}

/**
 * Opens an SSH transport to the router host: registers the private key as a secret and writes the
 * credentials into a private directory (see writeCredentialFiles). Nothing is contacted yet; call
 * `check()` to validate before anything happens, and `close()` when done.
 */
export function openSshTransport(options: SshTransportOptions): SshTransport {
  const files = writeCredentialFiles(options, options.tempRoot);
  return new SshTransport(options.settings, files, options.sshBinary ?? 'ssh', options.connectTimeoutSeconds ?? 10);
}

function checkRemotePath(path: string): void {
  if (path === '' || path.includes('\0') || path.includes('\n')) throw new SlipwayError(`${JSON.stringify(path)} is not a usable path on the router host. Fix: give a file path without newlines.`);
}
