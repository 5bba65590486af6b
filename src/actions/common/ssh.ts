import { SshRouterHosts } from '../../core/traffic/ssh-hosts.js';
import { optionalString, secretInput } from './inputs.js';

/** The names of an action's two SSH inputs (its constants table's values). */
export interface SshInputNames {
  privateKey: string;
  knownHosts: string;
}

/**
 * Reads `ssh-private-key` (masked before anything else sees it) and `ssh-known-hosts`, and returns
 * the router hosts of this run: hand its `routerOptions` to createRouter, `check()` before traffic
 * moves, `close()` in a finally. The key directory is made in RUNNER_TEMP, which the runner empties
 * after the job.
 */
export function sshRouterHostsInput(names: SshInputNames): SshRouterHosts {
  return new SshRouterHosts({ privateKey: secretInput(names.privateKey), knownHosts: optionalString(names.knownHosts) }, { tempRoot: process.env.RUNNER_TEMP || undefined, names });
}

/** Runs `use` with the router hosts of the SSH inputs `names`, closing them (key removed, forwards ended) whatever happens. */
export async function withSshRouterHosts(names: SshInputNames, use: (hosts: SshRouterHosts) => Promise<void>): Promise<void> {
  const hosts = sshRouterHostsInput(names);
  try {
    await use(hosts);
  } finally {
    await hosts.close();
  }
}
