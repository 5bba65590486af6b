import { SettingsReader } from '../settings.js';
import { canaryPercent, KUBECTL_FIELDS, kubectlSettings, KubectlRouter, MANAGED_BY, type ManifestKind } from './kubectl.js';

/** Settings of the smi provider. */
export interface SmiSettings {
  /** TrafficSplit name. */
  name: string;
  namespace: string;
  /** The root service clients call. */
  service: string;
  stableService: string;
  canaryService: string;
}

/**
 * TrafficSplit (split.smi-spec.io/v1alpha2): the root service split by weight between the stable
 * and canary services. SMI has no header routes nor mirroring in TrafficSplit.
 */
export function smiKind(settings: SmiSettings): ManifestKind {
  const { name, namespace, service, stableService, canaryService } = settings;
  return {
    type: 'smi',
    capabilities: { headerRoutes: false, mirror: false },
    resource: { kind: 'trafficsplits.split.smi-spec.io', name },
    render(spec) {
      return {
        apiVersion: 'split.smi-spec.io/v1alpha2',
        kind: 'TrafficSplit',
        metadata: { name, namespace, labels: MANAGED_BY },
        spec: {
          service,
          backends: [
            { service: stableService, weight: 100 - spec.canaryWeight },
            { service: canaryService, weight: spec.canaryWeight },
          ],
        },
      };
    },
    parse(object) {
      const backends = ((object.spec as { backends?: { service: string; weight: number }[] } | undefined)?.backends ?? []);
      const weightOf = (s: string) => backends.find((b) => b.service === s)?.weight ?? 0;
      return { canaryWeight: canaryPercent(weightOf(stableService), weightOf(canaryService)), headerRoutes: [], mirrorPercentage: 0 };
    },
  };
}

/** Validates the smi settings and makes the router. */
export function smiRouter(raw: Record<string, unknown>): KubectlRouter {
  const read = new SettingsReader('smi', raw);
  read.rejectUnknown(['name', 'service', 'stableService', 'canaryService', ...KUBECTL_FIELDS]);
  const kubectl = kubectlSettings(read);
  return new KubectlRouter(
    smiKind({
      name: read.kubernetesName('name'),
      namespace: kubectl.namespace,
      service: read.kubernetesServiceName('service'),
      stableService: read.kubernetesServiceName('stableService'),
      canaryService: read.kubernetesServiceName('canaryService'),
    }),
    kubectl,
  );
}
