import { spawn } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';

// The processes the demo's deploy command (demo/deploy-slot.ts) leaves running: one per slot, its
// pid in `<dir>/<slot>.pid`, so that the next deploy into a slot replaces what runs there and the
// demo can stop them all at the end. The pid files say what runs, not which slot serves whom: that
// is the ledger's and the router's.

/** How long a slot's process gets to close its connections before it is killed. */
const STOP_GRACE_MS = 5_000;

/** Stops the process serving `slot` (if any) and starts `argv` in its place, detached, its output in `<dir>/<slot>.log`. */
export async function replaceSlotProcess(dir: string, slot: string, argv: string[]): Promise<number> {
  await stopPid(pidFile(dir, slot));
  const log = openSync(join(dir, `${slot}.log`), 'a');
  try {
    // Detached, with no pipe to the deploy command: the command returns while the slot keeps running.
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
    child.unref();
    writeFileSync(pidFile(dir, slot), String(child.pid));
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Stops every slot process started in `dir`. */
export async function stopSlotProcesses(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  await Promise.all(readdirSync(dir).filter((f) => f.endsWith('.pid')).map((f) => stopPid(join(dir, f))));
}

function pidFile(dir: string, slot: string): string {
  return join(dir, `${slot}.pid`);
}

/** SIGTERM, then SIGKILL after the grace time; returns once the process is gone. */
async function stopPid(file: string): Promise<void> {
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8'));
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (const deadline = Date.now() + STOP_GRACE_MS; alive(pid) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
