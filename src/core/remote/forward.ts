import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { childEnvironment } from '../process/index.js';

// A socket forward is an ssh process that lives as long as the forward, which runCommand (run to
// completion, output collected) cannot hold. This is the one other place a child is started, with
// the same allow-listed environment (docs/security.md).

/** A local Unix socket that reaches a socket on the router host; close ends the forward. */
export interface ForwardedSocket {
  /** The local socket path to connect to (e.g. HAProxy router's `socket` setting). */
  path: string;
  /** Stops the ssh process and removes the local socket; safe to call twice. */
  close(): Promise<void>;
}

/** How a forward started: a running one, or ssh's error output when it exited first. */
export type ForwardStart = { ok: true; forward: ForwardedSocket; child: ChildProcess } | { ok: false; stderr: string; code: number };

/**
 * Starts `argv` (an `ssh -N -L <path>:<remote>` command) and waits until `path` accepts a
 * connection (polling every 50 ms) or the process exits, for at most `timeoutMs`.
 */
export async function startForward(argv: string[], path: string, timeoutMs: number): Promise<ForwardStart> {
  const child = spawn(argv[0], argv.slice(1), { env: childEnvironment(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8000)));
  let spawnError = '';
  child.on('error', (error) => (spawnError = error.message));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const forward: ForwardedSocket = { path, close: closer(child, exited, path) };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError !== '' || child.exitCode !== null || child.signalCode !== null) {
      await exited;
      rmSync(path, { force: true });
      return { ok: false, stderr: stderr + spawnError, code: child.exitCode ?? -1 };
    }
    if (await accepts(path)) return { ok: true, forward, child };
    if (Date.now() > deadline) {
      await forward.close();
      return { ok: false, stderr: `${stderr}\n(the forwarded socket did not accept connections within ${timeoutMs} ms)`, code: -1 };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function closer(child: ChildProcess, exited: Promise<void>, path: string): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(kill);
      }
      rmSync(path, { force: true });
    })());
}

function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
