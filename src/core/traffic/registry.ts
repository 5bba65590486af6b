import { InputError } from '../errors.js';
import { CommandRouter, commandSettings } from './command.js';
import { HaproxyRouter, haproxySettings } from './haproxy.js';
import { gatewayApiRouter, ingressNginxRouter, istioRouter, smiRouter } from './kubernetes/index.js';
import { NginxRouter, nginxSettings } from './nginx.js';
import type { TrafficRouter } from './types.js';

type Factory = (settings: Record<string, unknown>) => TrafficRouter;

const FACTORIES: Record<string, Factory> = {
  haproxy: (s) => new HaproxyRouter(haproxySettings(s)),
  nginx: (s) => new NginxRouter(nginxSettings(s)),
  'gateway-api': gatewayApiRouter,
  istio: istioRouter,
  smi: smiRouter,
  'ingress-nginx': ingressNginxRouter,
  command: (s) => new CommandRouter(commandSettings(s)),
};

/** The provider names the registry knows. */
export const TRAFFIC_PROVIDERS = Object.keys(FACTORIES);

/**
 * Makes the router of `provider` from its settings (the `router:` YAML, parsed). The settings may
 * carry the provider themselves as `provider:` (the form of a rollout plan). Unknown providers and
 * bad settings are rejected before anything is touched.
 */
export function createRouter(provider: string | undefined, settings: unknown): TrafficRouter {
  if (settings === null || settings === undefined) settings = {};
  if (typeof settings !== 'object' || Array.isArray(settings)) {
    throw new InputError('router', settings, 'the provider settings as a YAML mapping, e.g. `{socket: /run/haproxy/admin.sock, backend: app, stable: v1, canary: v2}`');
  }
  const { provider: named, ...rest } = settings as Record<string, unknown>;
  const name = provider ?? (typeof named === 'string' ? named : undefined);
  if (named !== undefined && provider !== undefined && named !== provider) {
    throw new InputError('router.provider', named, `the same provider as the input \`provider\` (${provider})`, 'drop one of the two');
  }
  const factory = name === undefined ? undefined : FACTORIES[name];
  if (!factory) throw new InputError('provider', name, `one of ${TRAFFIC_PROVIDERS.join(', ')}`);
  return factory(rest);
}
