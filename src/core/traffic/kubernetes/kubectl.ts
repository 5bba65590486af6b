import { SlipwayError } from '../../errors.js';
import { runCommand, tail } from '../../process/index.js';
import type { SettingsReader } from '../settings.js';
import { SpecRouter, STABLE_ONLY, type Capabilities, type RouteSpec } from '../spec-router.js';

/** Settings every Kubernetes provider shares. */
export interface KubectlSettings {
  /** Namespace of the routing resource (default default). */
  namespace: string;
  /** The kubectl binary (default kubectl). */
  kubectl: string;
  /** kubeconfig context (default: the current one). */
  context?: string;
  /** Runner variables kubectl gets besides the allow-list and KUBECONFIG (credential plugins' AWS_PROFILE and the like). */
  env: string[];
}

/** The kubectl fields of a provider's settings. */
export const KUBECTL_FIELDS = ['namespace', 'kubectl', 'context', 'env'] as const;

/** Reads the kubectl fields of a provider's settings. */
export function kubectlSettings(read: SettingsReader): KubectlSettings {
  return {
    namespace: read.kubernetesNamespace('namespace', 'default'),
    kubectl: read.string('kubectl', 'kubectl'),
    context: read.optional('context', (field) => read.kubeconfigContext(field)),
    env: read.envNames(),
  };
}

/** The label Slipway puts on the resources it writes. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'slipway' };

/** One Kubernetes routing resource: how a spec becomes a manifest, and back. Pure. */
export interface ManifestKind {
  readonly type: string;
  readonly capabilities: Capabilities;
  /** kubectl resource name (e.g. httproutes.gateway.networking.k8s.io) and object name. */
  readonly resource: { kind: string; name: string };
  render(spec: RouteSpec): Record<string, unknown>;
  parse(object: Record<string, unknown>): RouteSpec;
}

/**
 * A router over one Kubernetes resource, applied with `kubectl apply --server-side
 * --field-manager=slipway` (Slipway owns only the fields it sets; an apply either lands whole or
 * not at all, so a failed one leaves traffic as it was). A resource that does not exist yet reads
 * as "everything on stable".
 */
export class KubectlRouter extends SpecRouter {
  readonly type: string;

  constructor(
    private readonly kind: ManifestKind,
    private readonly settings: KubectlSettings,
  ) {
    super(kind.capabilities);
    this.type = kind.type;
  }

  protected async read(): Promise<RouteSpec> {
    const { kind, name } = this.kind.resource;
    // After `--` kubectl reads every argument as positional, whatever it starts with.
    const result = await this.kubectl(['get', '-o', 'json', '--', kind, name]);
    if (result.code !== 0) {
      if (/NotFound|not found/.test(result.stderr)) return STABLE_ONLY;
      throw new SlipwayError(`kubectl could not read ${kind}/${name} in namespace ${this.settings.namespace} (exit ${result.code}):\n${tail(result.stderr)}`);
    }
    return this.kind.parse(JSON.parse(result.stdout) as Record<string, unknown>);
  }

  protected render(spec: RouteSpec): Record<string, unknown> {
    return this.kind.render(spec);
  }

  protected async write(next: RouteSpec): Promise<void> {
    const manifest = this.render(next);
    const result = await this.kubectl(['apply', '--server-side', '--field-manager=slipway', '-f', '-'], JSON.stringify(manifest));
    if (result.code !== 0) {
      const { kind, name } = this.kind.resource;
      throw new SlipwayError(`kubectl apply of ${kind}/${name} failed (exit ${result.code}); traffic was not changed:\n${tail(result.stderr)}`);
    }
  }

  protected detail(): Record<string, unknown> {
    return { resource: `${this.kind.resource.kind}/${this.kind.resource.name}`, namespace: this.settings.namespace };
  }

  private kubectl(args: string[], input?: string) {
    const { kubectl, namespace, context, env } = this.settings;
    // KUBECONFIG is how azure/k8s-set-context and aws eks update-kubeconfig hand kubectl its cluster.
    return runCommand([kubectl, ...(context ? ['--context', context] : []), '--namespace', namespace, ...args], { input, passEnv: ['KUBECONFIG', ...env] });
  }
}

/** The weights of a two-backend list, as the canary's percent of their sum. */
export function canaryPercent(stableWeight: number, canaryWeight: number): number {
  const total = stableWeight + canaryWeight;
  return total === 0 ? 0 : Math.round((100 * canaryWeight) / total);
}
