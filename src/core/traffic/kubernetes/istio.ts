import { SettingsReader } from '../settings.js';
import type { RouteSpec } from '../spec-router.js';
import type { HeaderRoute } from '../types.js';
import { canaryPercent, KUBECTL_FIELDS, kubectlSettings, KubectlRouter, MANAGED_BY, type ManifestKind } from './kubectl.js';

/** Settings of the istio provider. */
export interface IstioSettings {
  /** VirtualService name. */
  name: string;
  namespace: string;
  /** Hosts the VirtualService serves (default: [name]). */
  hosts: string[];
  /** Istio gateways it binds to (default: the mesh). */
  gateways: string[];
  /** Destination host of the stable version (a Service name). */
  stableHost: string;
  /** Destination host of the canary version. */
  canaryHost: string;
}

interface Destination { destination: { host: string }; weight?: number }
interface HttpRoute {
  name: string;
  match?: { headers: Record<string, { exact?: string; regex?: string }> }[];
  route: Destination[];
  mirror?: { host: string };
  mirrorPercentage?: { value: number };
}

const PRIMARY = 'slipway-primary';

/**
 * VirtualService (networking.istio.io/v1beta1): an http route per header route (exact header
 * match, or a cookie regex) to the canary host, then the weighted primary route with an optional
 * mirror and mirrorPercentage.
 */
export function istioKind(settings: IstioSettings): ManifestKind {
  const { name, namespace, hosts, gateways, stableHost, canaryHost } = settings;
  return {
    type: 'istio',
    capabilities: { headerRoutes: true, mirror: true },
    resource: { kind: 'virtualservices.networking.istio.io', name },
    render(spec: RouteSpec) {
      const routes: HttpRoute[] = spec.headerRoutes.map((route, i) => ({
        name: `slipway-route-${i}`,
        match: [{ headers: match(route) }],
        route: [{ destination: { host: canaryHost } }],
      }));
      const primary: HttpRoute = {
        name: PRIMARY,
        route: [
          { destination: { host: stableHost }, weight: 100 - spec.canaryWeight },
          { destination: { host: canaryHost }, weight: spec.canaryWeight },
        ],
      };
      if (spec.mirrorPercentage > 0) Object.assign(primary, { mirror: { host: canaryHost }, mirrorPercentage: { value: spec.mirrorPercentage } });
      return {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name, namespace, labels: MANAGED_BY },
        spec: { hosts, ...(gateways.length > 0 ? { gateways } : {}), http: [...routes, primary] },
      };
    },
    parse(object) {
      const http = ((object.spec as { http?: HttpRoute[] } | undefined)?.http ?? []) as HttpRoute[];
      const primary = http.find((r) => r.name === PRIMARY) ?? http[http.length - 1];
      const weightOf = (host: string) => primary?.route.find((d) => d.destination.host === host)?.weight ?? 0;
      return {
        canaryWeight: canaryPercent(weightOf(stableHost), weightOf(canaryHost)),
        headerRoutes: http.filter((r) => r !== primary).flatMap((r) => r.match?.flatMap((m) => Object.entries(m.headers).map(([header, v]) => unmatch(header, v))) ?? []),
        mirrorPercentage: primary?.mirror ? (primary.mirrorPercentage?.value ?? 100) : 0,
      };
    },
  };
}

const COOKIE = /^\^\(\.\*\?;\)\?\(([^=]+)=(.*)\)\(;\.\*\)\?\$$/;

function match(route: HeaderRoute): Record<string, { exact?: string; regex?: string }> {
  if (route.kind === 'cookie') return { cookie: { regex: `^(.*?;)?(${route.name}=${route.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(;.*)?$` } };
  return { [route.name.toLowerCase()]: { exact: route.value } };
}

function unmatch(header: string, value: { exact?: string; regex?: string }): HeaderRoute {
  const cookie = header === 'cookie' && value.regex ? COOKIE.exec(value.regex) : null;
  if (cookie) return { name: cookie[1], value: cookie[2].replace(/\\(.)/g, '$1'), kind: 'cookie' };
  return { name: header, value: value.exact ?? value.regex ?? '' };
}

/** Validates the istio settings and makes the router. */
export function istioRouter(raw: Record<string, unknown>): KubectlRouter {
  const read = new SettingsReader('istio', raw);
  read.rejectUnknown(['name', 'hosts', 'gateways', 'stableHost', 'canaryHost', ...KUBECTL_FIELDS]);
  const kubectl = kubectlSettings(read);
  const list = (field: string) => (raw[field] === undefined ? [] : Array.isArray(raw[field]) ? (raw[field] as unknown[]).map(String) : [read.string(field)]);
  const name = read.kubernetesName('name');
  const hosts = list('hosts');
  return new KubectlRouter(
    istioKind({ name, namespace: kubectl.namespace, hosts: hosts.length > 0 ? hosts : [name], gateways: list('gateways'), stableHost: read.string('stableHost'), canaryHost: read.string('canaryHost') }),
    kubectl,
  );
}
