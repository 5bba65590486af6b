import { InputError } from '../errors.js';
import { openSshTransport, SshError, SSH_KNOWN_HOSTS_INPUT, SSH_PRIVATE_KEY_INPUT, type SshSettings, type SshTransport } from '../remote/index.js';
import { SshRouterHost, type RouterHost } from './host.js';
import type { RouterOptions } from './registry.js';

/** The SSH credentials as an edge (an action's inputs, the CLI's files) received them: either may be missing. */
export interface GivenSshCredentials {
  privateKey?: string;
  knownHosts?: string;
}

/** Where the credentials go and how long ssh waits. */
export interface SshHostsOptions {
  /** Where the private key directory is made (the actions pass RUNNER_TEMP; default the system temp dir). */
  tempRoot?: string;
  /** Seconds ssh waits for the TCP connection (default 10). */
  connectTimeoutSeconds?: number;
  /** How the edge names the key and known hosts in messages (default the action inputs `ssh-private-key`, `ssh-known-hosts`). */
  names?: { privateKey: string; knownHosts: string };
}

/**
 * The SSH side of routers at an edge (an action or the CLI). Hand `routerOptions` to createRouter:
 * a router with `ssh:` gets an SSH transport opened with the given credentials (nothing connects
 * yet). Then `check()` before anything moves: every router host is reached and recognised by its
 * key, and credentials given for a router without `ssh:` are refused. `close()` in a finally.
 */
export class SshRouterHosts {
  // One transport per router host: the routers of one run (a plan's, and the one turned the other way for slots) share it.
  private readonly transports = new Map<string, SshTransport>();
  private readonly names: { privateKey: string; knownHosts: string };

  constructor(
    private readonly credentials: GivenSshCredentials,
    private readonly options: SshHostsOptions = {},
  ) {
    this.names = options.names ?? { privateKey: SSH_PRIVATE_KEY_INPUT, knownHosts: SSH_KNOWN_HOSTS_INPUT };
  }

  /** The options for createRouter. */
  readonly routerOptions: RouterOptions = { sshHost: (ssh) => this.open(ssh) };

  /** Whether any credential was given. */
  private get given(): boolean {
    return Boolean(this.credentials.privateKey?.trim() || this.credentials.knownHosts?.trim());
  }

  private open(ssh: SshSettings): RouterHost {
    const { privateKey, knownHosts } = this.credentials;
    if (!privateKey?.trim()) {
      throw new InputError(this.names.privateKey, undefined, `the private key that logs in to the router host ${ssh.user}@${ssh.host} (router.ssh is set)`, `give ${this.names.privateKey} and ${this.names.knownHosts}, or remove router.ssh to drive a router on this machine`);
    }
    const key = `${ssh.user}@${ssh.host}:${ssh.port}`;
    let transport = this.transports.get(key);
    if (!transport) {
      transport = openSshTransport({ settings: ssh, privateKey, knownHosts: knownHosts ?? '', tempRoot: this.options.tempRoot, connectTimeoutSeconds: this.options.connectTimeoutSeconds });
      this.transports.set(key, transport);
    }
    return new SshRouterHost(transport);
  }

  /**
   * Before anything moves: each router host opened is reached, recognised by its host key and
   * logged in to (SshError naming what to fix otherwise); credentials given for routers that have
   * no `ssh:` are refused, since the user meant a remote router and would drive a local one.
   */
  async check(): Promise<void> {
    if (this.transports.size === 0) {
      if (this.given) {
        throw new SshError(
          `${this.names.privateKey} or ${this.names.knownHosts} is given, but the router settings have no \`ssh:\`: the router would be driven on this machine. Fix: add \`ssh: {host: <router host>, port: 22, user: <account>}\` to the router settings, or remove ${this.names.privateKey} and ${this.names.knownHosts}.`,
          this.names.privateKey,
        );
      }
      return;
    }
    for (const transport of this.transports.values()) await transport.check();
  }

  /** Ends every forward and removes every key file; safe to call twice. */
  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map((transport) => transport.close()));
  }
}
