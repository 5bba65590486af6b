import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { SlipwayError } from '../errors.js';
import { runCommand, tail, type CommandResult, type RunOptions } from '../process/index.js';
import { redact } from '../secrets/index.js';
import type { SshTransport } from '../remote/index.js';
import { acceptingWorkers, masterPid } from './nginx-workers.js';

/** How a router runs one command on its host. */
export interface HostRunOptions {
  /** Variables set for the command (the SLIPWAY_* a provider documents). */
  env?: Record<string, string>;
  /** Names passed through from the runner's environment (local host only: a remote host has its own environment). */
  passEnv?: string[];
  /** Fed to stdin. */
  input?: string;
  /** Default 30 000 ms. */
  timeoutMs?: number;
}

/** nginx's master and the workers that still accept requests (see nginx-workers.ts). */
export interface WorkerSnapshot {
  master?: number;
  workers: Set<number>;
}

/**
 * Where a router's files, commands and sockets are: this machine, or the router host reached over
 * SSH (`router.ssh`, docs/remote.md). haproxy, nginx and command do all their I/O through it, so
 * their guarantees (test before reload, restore on failure) are the same on both.
 */
export interface RouterHost {
  /** `local`, or `user@host:port`: for messages. */
  readonly where: string;
  /** Whether the host is another machine (a user's script then runs in its login environment). */
  readonly remote: boolean;
  /** Runs argv to completion (never through a local shell); resolves with its exit code and output. */
  run(argv: readonly string[], options?: HostRunOptions): Promise<CommandResult>;
  /** The text of `path`, or undefined when there is no such file. */
  readFile(path: string): Promise<string | undefined>;
  /** Replaces `path` atomically (a temp file beside it, then a rename): a reader sees the old file or the new one. */
  writeFile(path: string, text: string): Promise<void>;
  /** Removes `path`; nothing when it is absent. */
  removeFile(path: string): Promise<void>;
  /**
   * What to connect to for the socket `socket` of the host: itself on the local host; a local
   * socket forwarded to it over SSH (kept open until the transport closes) on a remote one.
   */
  reachSocket(socket: string): Promise<string>;
  /** nginx's master (from its pid file) and its workers that still accept requests. */
  nginxWorkers(pidFile: string): Promise<WorkerSnapshot>;
}

/** This machine: the behaviour of every router without `ssh:`. */
export const LOCAL_HOST: RouterHost = {
  where: 'local',
  remote: false,
  run: (argv, options = {}) => runCommand([...argv], { env: options.env, passEnv: options.passEnv, input: options.input, timeoutMs: options.timeoutMs } satisfies RunOptions),
  readFile: async (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
  async writeFile(path, text) {
    const temp = `${path}.slipway-tmp`;
    writeFileSync(temp, text);
    renameSync(temp, path);
  },
  removeFile: async (path) => rmSync(path, { force: true }),
  reachSocket: async (socket) => socket,
  async nginxWorkers(pidFile) {
    const master = masterPid(pidFile);
    return { master, workers: master ? acceptingWorkers(master) : new Set() };
  },
};

// Exit code of READ_FILE_SCRIPT for a missing file (cat's own failures exit 1).
const NO_FILE = 3;
const READ_FILE_SCRIPT = `[ -e "$1" ] || exit ${NO_FILE}; exec cat -- "$1"`;

// The remote twin of nginx-workers.ts, one SSH connection per look: the master's pid from the pid
// file, then every child of it whose title says it is a worker that is not shutting down. Field 4
// of /proc/<pid>/stat (the ppid) follows the parenthesised command name, which may hold spaces;
// `read` is a builtin, so looking at every process starts none.
const NGINX_WORKERS_SCRIPT = [
  'master=$(cat -- "$1" 2>/dev/null) || exit 0',
  'case "$master" in ""|*[!0-9]*) exit 0 ;; esac',
  'echo "master $master"',
  'for dir in /proc/[0-9]*; do',
  '  read -r stat 2>/dev/null < "$dir/stat" || continue',
  '  set -- ${stat##*) }',
  '  [ "$2" = "$master" ] || continue',
  '  title=$(tr "\\000" " " < "$dir/cmdline" 2>/dev/null) || continue',
  '  case "$title" in *"shutting down"*) ;; *"worker process"*) echo "worker ${dir#/proc/}" ;; esac',
  'done',
].join('\n');

/**
 * The router host reached through an SSH transport (src/core/remote): commands run there with
 * their arguments quoted for its shell, files are written with a temp file and `mv`, HAProxy's
 * socket is forwarded. A remote command gets its SLIPWAY_* variables through `env`, and no
 * variable of the runner.
 */
export class SshRouterHost implements RouterHost {
  readonly remote = true;
  private readonly forwards = new Map<string, Promise<string>>();

  constructor(private readonly transport: SshTransport) {}

  get where(): string {
    return this.transport.describe();
  }

  run(argv: readonly string[], options: HostRunOptions = {}): Promise<CommandResult> {
    if ((options.passEnv ?? []).length > 0) {
      throw new SlipwayError(`A command on the router host ${this.where} cannot get the runner's variables (${options.passEnv!.join(', ')}). Fix: drop router.env and set them on the router host.`);
    }
    const env = Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`);
    return this.transport.run(env.length > 0 ? ['env', ...env, ...argv] : argv, { input: options.input, timeoutMs: options.timeoutMs });
  }

  async readFile(path: string): Promise<string | undefined> {
    const result = await this.transport.run(['sh', '-c', READ_FILE_SCRIPT, 'slipway-read-file', path]);
    if (result.code === NO_FILE) return undefined;
    if (result.code !== 0) throw new SlipwayError(`Cannot read ${path} on ${this.where} (exit ${result.code}): ${redact(tail(result.stderr))}.`);
    return result.stdout;
  }

  writeFile(path: string, text: string): Promise<void> {
    return this.transport.writeFile(path, text);
  }

  async removeFile(path: string): Promise<void> {
    const result = await this.transport.run(['rm', '-f', '--', path]);
    if (result.code !== 0) throw new SlipwayError(`Cannot remove ${path} on ${this.where} (exit ${result.code}): ${redact(tail(result.stderr))}.`);
  }

  reachSocket(socket: string): Promise<string> {
    let forward = this.forwards.get(socket);
    if (!forward) {
      forward = this.transport.forwardUnixSocket(socket).then((forwarded) => forwarded.path);
      // A failed forward is tried afresh next time, not remembered.
      forward.catch(() => this.forwards.delete(socket));
      this.forwards.set(socket, forward);
    }
    return forward;
  }

  async nginxWorkers(pidFile: string): Promise<WorkerSnapshot> {
    const result = await this.transport.run(['sh', '-c', NGINX_WORKERS_SCRIPT, 'slipway-nginx-workers', pidFile]);
    const snapshot: WorkerSnapshot = { workers: new Set() };
    if (result.code !== 0) return snapshot;
    for (const line of result.stdout.split('\n')) {
      const [kind, pid] = line.split(' ');
      if (kind === 'master') snapshot.master = Number(pid);
      if (kind === 'worker') snapshot.workers.add(Number(pid));
    }
    return snapshot;
  }
}
