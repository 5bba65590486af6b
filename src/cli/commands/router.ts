import { existsSync, readFileSync } from 'node:fs';
import { errorMessage } from '../../core/errors.js';
import type { AdoptReport } from '../../core/traffic/adopt.js';
import type { SshRouterHosts } from '../../core/traffic/ssh-hosts.js';
import { parseFlags, type CliCommand, type CliIO } from '../command.js';

/** Exit codes of `slipway router init`. */
export const routerInitExitCodes = { ready: 0, toDo: 1, usage: 2 } as const;

/** Where the CLI takes the SSH credentials from when no flag names a file (the key's text, the known_hosts lines). */
export const SSH_KEY_ENV = 'SLIPWAY_SSH_PRIVATE_KEY';
export const SSH_KNOWN_HOSTS_ENV = 'SLIPWAY_SSH_KNOWN_HOSTS';

const usage = `usage: slipway router init (--plan <plan.yml> | --router <settings.yml or inline YAML>)
                          [--ssh-private-key <file>] [--ssh-known-hosts <file>]

The first step for an existing proxy (docs/traffic.md, "Adopting an existing proxy"):
  nginx    writes the router's include file with all traffic on the stable version (a file
           Slipway wrote already is left as it is), then runs the configuration test, so that
           nginx.conf can add the include line and pass nginx -t
  haproxy  checks through the runtime API that the backend and both servers exist, and prints
           what to add to haproxy.cfg when they do not (Slipway never edits it)

With \`ssh:\` in the router settings it works on the router host over SSH: the private key comes
from --ssh-private-key (a file) or $${SSH_KEY_ENV} (the key itself), the host's known_hosts lines from
--ssh-known-hosts (a file) or $${SSH_KNOWN_HOSTS_ENV}; the host key is always checked.

exit codes: 0 ready for a rollout, 1 something is left to do (printed), 2 bad usage or settings`;

/** `slipway router init`: the adoption first step of an nginx or HAProxy that does not use Slipway yet. */
export const routerCommand: CliCommand = {
  name: 'router',
  summary: 'first step for an existing nginx or HAProxy: write the first routing file, or check the backend (works over ssh)',
  usage,
  async run(args, io) {
    // The routers and the SSH transport load when this command runs, not whenever the CLI starts (docs/architecture.md, "Fast start").
    const [{ prepareAdoption }, { SshRouterHosts }] = await Promise.all([import('../../core/traffic/adopt.js'), import('../../core/traffic/ssh-hosts.js')]);
    let hosts: SshRouterHosts | undefined;
    let adoption: { run(): Promise<AdoptReport> };
    try {
      if (args[0] !== 'init') throw new Error(`expected 'init', got ${args[0] === undefined ? 'nothing' : `'${args[0]}'`}`);
      const flags = parseFlags(args.slice(1), { values: ['plan', 'router', 'ssh-private-key', 'ssh-known-hosts'] });
      const router = await routerFlags(flags);
      hosts = new SshRouterHosts(
        { privateKey: fileOrEnv(flags['ssh-private-key'], io, SSH_KEY_ENV), knownHosts: fileOrEnv(flags['ssh-known-hosts'], io, SSH_KNOWN_HOSTS_ENV) },
        { names: { privateKey: `--ssh-private-key (or $${SSH_KEY_ENV})`, knownHosts: `--ssh-known-hosts (or $${SSH_KNOWN_HOSTS_ENV})` } },
      );
      adoption = prepareAdoption(router.provider, router.settings, hosts.routerOptions);
    } catch (error) {
      await hosts?.close();
      io.err(`slipway router init: ${errorMessage(error)}\n\n${usage}\n`);
      return routerInitExitCodes.usage;
    }
    try {
      // The router host is reached and recognised before anything is read or written there.
      await hosts.check();
      const report = await adoption.run();
      io.out(`${report.lines.join('\n')}\n`);
      return report.ready ? routerInitExitCodes.ready : routerInitExitCodes.toDo;
    } finally {
      await hosts.close();
    }
  },
};

/** The router settings of --plan or --router (inline YAML, or the path of a file holding it). */
async function routerFlags(flags: Record<string, string | true>): Promise<{ provider?: string; settings: unknown }> {
  const { plan, router } = flags;
  if ((plan === undefined) === (router === undefined)) throw new Error('give one of --plan <plan.yml> and --router <settings>');
  if (typeof plan === 'string') {
    const { loadPlan } = await import('../../core/plan/index.js');
    const loaded = loadPlan(readFileSync(plan, 'utf8'), plan);
    return { provider: loaded.router.provider, settings: loaded.router.settings };
  }
  if (typeof router !== 'string') throw new Error('--router needs a value');
  const text = !router.includes('\n') && existsSync(router) ? readFileSync(router, 'utf8') : router;
  const { loadYaml } = await import('../../core/yaml.js');
  return { settings: loadYaml(text) };
}

function fileOrEnv(file: string | true | undefined, io: CliIO, variable: string): string | undefined {
  if (typeof file === 'string') return readFileSync(file, 'utf8');
  return io.env[variable] || undefined;
}
