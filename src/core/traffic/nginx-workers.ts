import { readdirSync, readFileSync } from 'node:fs';

// After `nginx -s reload` returns, the master has only been signalled: it still has to read the
// config, start new workers and tell the old ones to stop accepting. Until then requests are
// routed the old way. On Linux the switch is visible in /proc: old workers retitle themselves
// "worker process is shutting down". Elsewhere (no /proc, no pid file) there is nothing to watch.

/** The pid in nginx's pid file, or undefined when it cannot be read. */
export function masterPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Pids of the master's worker processes that still accept requests. */
export function acceptingWorkers(master: number): Set<number> {
  const workers = new Set<number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return workers;
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== master) continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.includes('worker process') && !title.includes('shutting down')) workers.add(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return workers;
}

/**
 * Waits until none of `before` accepts requests any more and a new worker does, looking with
 * `look` (the accepting workers now, on whichever host nginx runs): the reload is then in force
 * for every new request. Gives up quietly after `timeoutMs` (default 10 s).
 */
export async function waitForNewWorkers(look: () => Promise<Set<number>>, before: Set<number>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await look();
    if (now.size > 0 && [...now].every((pid) => !before.has(pid))) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** The `pid` directive of an nginx.conf (nginx's default /run/nginx.pid when it has none). */
export function pidFileOf(configText: string | undefined): string {
  const match = configText ? /^\s*pid\s+([^;\s]+)\s*;/m.exec(configText) : null;
  return match ? match[1] : '/run/nginx.pid';
}
