import { InputError } from '../errors.js';
import { parseSshSettings, SSH_KNOWN_HOSTS_INPUT, SSH_PRIVATE_KEY_INPUT, type SshSettings } from '../remote/index.js';
import { CommandRouter, commandSettings } from './command.js';
import { HaproxyRouter, haproxySettings } from './haproxy.js';
import { LOCAL_HOST, type RouterHost } from './host.js';
import { gatewayApiRouter, ingressNginxRouter, istioRouter, smiRouter } from './kubernetes/index.js';
import { NginxRouter, nginxSettings } from './nginx.js';
import type { TrafficRouter } from './types.js';

/**
 * Makes a provider's router from its settings. `host` gives the router host; it is called only
 * once the settings are valid, so bad settings are refused before any credential is written.
 */
type Factory = (settings: Record<string, unknown>, host: () => RouterHost, place: { remote: boolean }) => TrafficRouter;

const FACTORIES: Record<string, Factory> = {
  haproxy: (s, host, place) => {
    const settings = haproxySettings(s, place);
    return new HaproxyRouter(settings, host());
  },
  nginx: (s, host, place) => {
    const settings = nginxSettings(s, place);
    return new NginxRouter(settings, host());
  },
  'gateway-api': gatewayApiRouter,
  istio: istioRouter,
  smi: smiRouter,
  'ingress-nginx': ingressNginxRouter,
  command: (s, host, place) => {
    const settings = commandSettings(s, place);
    return new CommandRouter(settings, host());
  },
};

/** The provider names the registry knows. */
export const TRAFFIC_PROVIDERS = Object.keys(FACTORIES);

/** The providers whose router may live on another machine, reached over SSH (`router.ssh`). */
export const SSH_PROVIDERS = ['haproxy', 'nginx', 'command'] as const;

/** How createRouter reaches a router host. */
export interface RouterOptions {
  /**
   * The router host of settings with `ssh:`, called once they are valid (the edge opens the SSH
   * transport here: see RouterHostConnector). Without it, settings with `ssh:` are refused.
   */
  sshHost?: (ssh: SshSettings) => RouterHost;
}

/** A router's settings taken apart: the provider, its own settings, and where its host is. */
export interface RouterSettingsParts {
  provider: string;
  /** The provider's own settings (without `provider:` and `ssh:`). */
  settings: Record<string, unknown>;
  /** The validated `ssh:` block; undefined for a router on this machine. */
  ssh?: SshSettings;
}

/**
 * Names the provider of `settings` (the `provider` argument, or `provider:` among them, the form of
 * a rollout plan) and validates `ssh:`, which only haproxy, nginx and command accept. Touches nothing.
 */
export function routerSettingsParts(provider: string | undefined, settings: unknown): RouterSettingsParts {
  if (settings === null || settings === undefined) settings = {};
  if (typeof settings !== 'object' || Array.isArray(settings)) {
    throw new InputError('router', settings, 'the provider settings as a YAML mapping, e.g. `{socket: /run/haproxy/admin.sock, backend: app, stable: v1, canary: v2}`');
  }
  const { provider: named, ssh, ...rest } = settings as Record<string, unknown>;
  const name = provider ?? (typeof named === 'string' ? named : undefined);
  if (named !== undefined && provider !== undefined && named !== provider) {
    throw new InputError('router.provider', named, `the same provider as the input \`provider\` (${provider})`, 'drop one of the two');
  }
  if (name === undefined || !FACTORIES[name]) throw new InputError('provider', name, `one of ${TRAFFIC_PROVIDERS.join(', ')}`);
  if (ssh === undefined || ssh === null) return { provider: name, settings: rest };
  if (!(SSH_PROVIDERS as readonly string[]).includes(name)) {
    throw new InputError(
      'router.ssh',
      ssh,
      `no \`ssh:\` for the ${name} provider: it reaches the cluster's API server through kubectl and the kubeconfig, not a router host (\`ssh:\` is for ${SSH_PROVIDERS.join(', ')})`,
      `remove router.ssh; point kubectl at the cluster with router.context or KUBECONFIG`,
    );
  }
  return { provider: name, settings: rest, ssh: parseSshSettings(ssh) };
}

/**
 * Makes the router of `provider` from its settings (the `router:` YAML, parsed). The settings may
 * carry the provider themselves as `provider:` (the form of a rollout plan). Unknown providers and
 * bad settings are rejected before anything is touched; settings with `ssh:` need
 * `options.sshHost`, and nothing connects here (the edge checks the host before traffic moves).
 */
export function createRouter(provider: string | undefined, settings: unknown, options: RouterOptions = {}): TrafficRouter {
  const parts = routerSettingsParts(provider, settings);
  const { ssh } = parts;
  return FACTORIES[parts.provider](parts.settings, () => routerHost(ssh, options), { remote: ssh !== undefined });
}

/** The host of a router: this machine without `ssh:`, else the one `options.sshHost` opens (refused without it). */
export function routerHost(ssh: SshSettings | undefined, options: RouterOptions): RouterHost {
  if (ssh === undefined) return LOCAL_HOST;
  if (!options.sshHost) {
    throw new InputError(
      SSH_PRIVATE_KEY_INPUT,
      undefined,
      `the private key that logs in to the router host ${ssh.user}@${ssh.host} (router.ssh is set)`,
      `pass \`${SSH_PRIVATE_KEY_INPUT}: \${{ secrets.ROUTER_SSH_KEY }}\` and \`${SSH_KNOWN_HOSTS_INPUT}\`, or remove router.ssh to drive a router on the runner itself`,
    );
  }
  return options.sshHost(ssh);
}
