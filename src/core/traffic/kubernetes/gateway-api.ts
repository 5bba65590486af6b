import { SlipwayError } from '../../errors.js';
import { SettingsReader } from '../settings.js';
import type { RouteSpec } from '../spec-router.js';
import type { HeaderRoute } from '../types.js';
import { canaryPercent, KUBECTL_FIELDS, kubectlSettings, KubectlRouter, MANAGED_BY, type ManifestKind } from './kubectl.js';

/** Settings of the gateway-api provider. */
export interface GatewayApiSettings {
  /** HTTPRoute name. */
  name: string;
  namespace: string;
  /** Gateway the route attaches to. */
  gateway: string;
  /** Hostnames the route serves (default: all of the gateway's). */
  hostnames: string[];
  stableService: string;
  canaryService: string;
  /** Service port (default 80). */
  port: number;
}

interface BackendRef { name: string; port: number; weight?: number }
interface Rule {
  matches?: { headers?: { type: string; name: string; value: string }[] }[];
  backendRefs: BackendRef[];
  filters?: { type: string; requestMirror?: { backendRef: BackendRef; percent?: number } }[];
}

/**
 * HTTPRoute (gateway.networking.k8s.io/v1): one rule per header route (exact header match → the
 * canary service), then the default rule with weighted backendRefs and, for a dark launch, a
 * RequestMirror filter to the canary (`percent` below 100 needs Gateway API v1.2 or later).
 */
export function gatewayApiKind(settings: GatewayApiSettings): ManifestKind {
  const { name, namespace, gateway, hostnames, stableService, canaryService, port } = settings;
  return {
    type: 'gateway-api',
    capabilities: { headerRoutes: true, mirror: true },
    resource: { kind: 'httproutes.gateway.networking.k8s.io', name },
    render(spec: RouteSpec) {
      const routes: Rule[] = spec.headerRoutes.map((route) => ({
        matches: [{ headers: [{ type: 'Exact', name: headerName(route), value: route.value }] }],
        backendRefs: [{ name: canaryService, port }],
      }));
      const main: Rule = {
        backendRefs: [
          { name: stableService, port, weight: 100 - spec.canaryWeight },
          { name: canaryService, port, weight: spec.canaryWeight },
        ],
      };
      if (spec.mirrorPercentage > 0) {
        main.filters = [{ type: 'RequestMirror', requestMirror: { backendRef: { name: canaryService, port }, ...(spec.mirrorPercentage < 100 ? { percent: spec.mirrorPercentage } : {}) } }];
      }
      return {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name, namespace, labels: MANAGED_BY },
        spec: { parentRefs: [{ name: gateway }], ...(hostnames.length > 0 ? { hostnames } : {}), rules: [...routes, main] },
      };
    },
    parse(object) {
      const rules = ((object.spec as { rules?: Rule[] } | undefined)?.rules ?? []) as Rule[];
      const main = rules.find((r) => !r.matches?.some((m) => m.headers));
      const weightOf = (service: string) => main?.backendRefs.find((b) => b.name === service)?.weight ?? (main?.backendRefs.some((b) => b.name === service) ? 1 : 0);
      const mirror = main?.filters?.find((f) => f.type === 'RequestMirror')?.requestMirror;
      return {
        canaryWeight: canaryPercent(weightOf(stableService), weightOf(canaryService)),
        headerRoutes: rules.flatMap((r) => r.matches?.flatMap((m) => m.headers?.map((h) => ({ name: h.name, value: h.value })) ?? []) ?? []),
        mirrorPercentage: mirror ? (mirror.percent ?? 100) : 0,
      };
    },
  };
}

function headerName(route: HeaderRoute): string {
  if (route.kind === 'cookie') throw new SlipwayError('Gateway API HTTPRoute matches headers, not cookies: route on a header (e.g. x-canary) instead.');
  return route.name;
}

/** Validates the gateway-api settings and makes the router. */
export function gatewayApiRouter(raw: Record<string, unknown>): KubectlRouter {
  const read = new SettingsReader('gateway-api', raw);
  read.rejectUnknown(['name', 'gateway', 'hostnames', 'stableService', 'canaryService', 'port', ...KUBECTL_FIELDS]);
  const kubectl = kubectlSettings(read);
  const hostnames = raw.hostnames === undefined ? [] : Array.isArray(raw.hostnames) ? raw.hostnames.map(String) : [read.string('hostnames')];
  const settings: GatewayApiSettings = {
    name: read.kubernetesName('name'),
    namespace: kubectl.namespace,
    gateway: read.kubernetesName('gateway'),
    hostnames,
    stableService: read.kubernetesServiceName('stableService'),
    canaryService: read.kubernetesServiceName('canaryService'),
    port: read.integer('port', { min: 1, max: 65535 }, 80),
  };
  return new KubectlRouter(gatewayApiKind(settings), kubectl);
}
