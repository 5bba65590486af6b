import type { Ingress } from 'kubernetes-types/networking/v1.js';
import { SlipwayError } from '../../errors.js';
import { SettingsReader } from '../settings.js';
import type { RouteSpec } from '../spec-router.js';
import { KUBECTL_FIELDS, kubectlSettings, KubectlRouter, MANAGED_BY, type ManifestKind } from './kubectl.js';

/** Settings of the ingress-nginx provider. */
export interface IngressNginxSettings {
  /** Name of the canary Ingress Slipway writes (next to the user's main Ingress). */
  name: string;
  namespace: string;
  /** Host of the main Ingress. */
  host: string;
  /** Path of the main Ingress (default /). */
  path: string;
  canaryService: string;
  /** Service port (default 80). */
  port: number;
  /** IngressClass (default: the cluster default). */
  ingressClassName?: string;
}

const A = 'nginx.ingress.kubernetes.io/';

/**
 * The canary Ingress of ingress-nginx (networking.k8s.io/v1): same host and path as the main
 * Ingress, `canary: "true"`, `canary-weight`, and one header route (`canary-by-header` and
 * `canary-by-header-value`) or cookie route (`canary-by-cookie`, value `always`). The main
 * Ingress stays the user's. ingress-nginx cannot mirror a share to the canary.
 */
export function ingressNginxKind(settings: IngressNginxSettings): ManifestKind {
  const { name, namespace, host, path, canaryService, port, ingressClassName } = settings;
  return {
    type: 'ingress-nginx',
    capabilities: { headerRoutes: true, mirror: false },
    resource: { kind: 'ingresses.networking.k8s.io', name },
    render(spec: RouteSpec) {
      if (spec.headerRoutes.length > 1) throw new SlipwayError('ingress-nginx allows one header or cookie route per canary Ingress: clear the route in force first.');
      const annotations: Record<string, string> = { [`${A}canary`]: 'true', [`${A}canary-weight`]: String(spec.canaryWeight) };
      const route = spec.headerRoutes[0];
      if (route?.kind === 'cookie') {
        if (route.value !== 'always') throw new SlipwayError(`ingress-nginx routes a cookie to the canary only when its value is 'always' (got '${route.value}').`);
        annotations[`${A}canary-by-cookie`] = route.name;
      } else if (route) {
        annotations[`${A}canary-by-header`] = route.name;
        annotations[`${A}canary-by-header-value`] = route.value;
      }
      const ingress: Ingress = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name, namespace, labels: MANAGED_BY, annotations },
        spec: {
          ...(ingressClassName ? { ingressClassName } : {}),
          rules: [{ host, http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: canaryService, port: { number: port } } } }] } }],
        },
      };
      return ingress as unknown as Record<string, unknown>;
    },
    parse(object) {
      const annotations = ((object as Ingress).metadata?.annotations ?? {}) as Record<string, string>;
      const header = annotations[`${A}canary-by-header`];
      const cookie = annotations[`${A}canary-by-cookie`];
      return {
        canaryWeight: Number(annotations[`${A}canary-weight`] ?? 0),
        headerRoutes: header ? [{ name: header, value: annotations[`${A}canary-by-header-value`] ?? 'always' }] : cookie ? [{ name: cookie, value: 'always', kind: 'cookie' }] : [],
        mirrorPercentage: 0,
      };
    },
  };
}

/** Validates the ingress-nginx settings and makes the router. */
export function ingressNginxRouter(raw: Record<string, unknown>): KubectlRouter {
  const read = new SettingsReader('ingress-nginx', raw);
  read.rejectUnknown(['name', 'host', 'path', 'canaryService', 'port', 'ingressClassName', ...KUBECTL_FIELDS]);
  const kubectl = kubectlSettings(read);
  return new KubectlRouter(
    ingressNginxKind({
      name: read.kubernetesName('name'),
      namespace: kubectl.namespace,
      host: read.string('host'),
      path: read.string('path', '/'),
      canaryService: read.kubernetesServiceName('canaryService'),
      port: read.integer('port', { min: 1, max: 65535 }, 80),
      ingressClassName: read.optional('ingressClassName', (field) => read.kubernetesName(field)),
    }),
    kubectl,
  );
}
