import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server process of the test bed, running in its own temp dir. */
export interface ServerProcess {
  child: ChildProcess;
  /** The temp dir holding its config, sockets and logs (removed by stop). */
  dir: string;
  /** The last 4 kB the process wrote to stdout/stderr. */
  log(): string;
  /** Kills the process (SIGTERM, then SIGKILL after 5 s) and removes the dir; safe to call twice. */
  stop(): Promise<void>;
}

/** Makes the temp dir a server will run in. */
export function serverDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `slipway-${name}-`));
}

/**
 * Starts `binary args` in `dir` and waits until `ready()` holds (polling every 100 ms, default
 * 20 s); on a timeout or an early exit it stops the process and throws with its log.
 */
export async function startServerProcess(name: string, binary: string, args: string[], dir: string, ready: () => Promise<boolean>, timeoutMs = 20_000): Promise<ServerProcess> {
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let stopping: Promise<void> | undefined;
  const server: ServerProcess = {
    child,
    dir,
    log: () => output,
    stop: () => (stopping ??= stopChild(child).finally(() => rmSync(dir, { recursive: true, force: true }))),
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await server.stop();
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    if (await ready().catch(() => false)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
