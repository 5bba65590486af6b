/**
 * The deploy step's vocabulary (docs/rollout.md, "Slots and the deploy step"): before any traffic
 * moves, the new version is started in the canary slot by a provider, then a readiness check must
 * pass. One file per provider (command.ts, kubernetes.ts), made by createDeployer (index.ts).
 */

/** One of the two places versions take turns in (the plan's `slots:`). */
export interface Slot {
  /** The slot's name as the plan writes it, e.g. blue; recorded in each deployment's payload. */
  name: string;
  /** HAProxy: the server of the backend that runs this slot. */
  server?: string;
  /** `host:port` where the slot answers: nginx's upstream, `{address}` in the ready URL, SLIPWAY_SLOT_ADDRESS. */
  address?: string;
  /** Kubernetes routers: the Service (istio: the host) in front of this slot. */
  service?: string;
}

/** `deploy: {run: [argv…]}`: the user's command starts the version in the slot. */
export interface CommandDeploySpec {
  provider: 'command';
  /** argv, run without a shell. */
  run: string[];
  /** Names of runner variables passed through besides the allow-list (docs/security.md). */
  env: string[];
  /** Seconds the command may take (default 600). */
  timeoutSeconds: number;
}

/** `deploy: {kubernetes: {...}}`: `kubectl set image`, then `kubectl rollout status`. */
export interface KubernetesDeploySpec {
  provider: 'kubernetes';
  /** The Deployment's name; `{slot}` is replaced by the slot's name (e.g. shop-{slot}). */
  deployment: string;
  /** The container whose image is set. */
  container: string;
  /** Default: kubectl's (the context's namespace). */
  namespace?: string;
  /** kubeconfig context; default kubectl's current one. */
  context?: string;
  /** Seconds `kubectl rollout status` waits (default 300). */
  timeoutSeconds: number;
}

/** Which provider starts the new version, and with what. */
export type DeploySpec = CommandDeploySpec | KubernetesDeploySpec;

/** `ready: {url, timeout}`: GET until 2xx. `{address}` and `{slot}` in the URL are the slot's. */
export interface ReadyCheck {
  url: string;
  /** Seconds to wait for a 2xx (default 60). */
  timeoutSeconds: number;
}

/** The plan's `deploy:` block. */
export interface PlanDeploy {
  spec: DeploySpec;
  /** Absent: the provider's own success is the readiness (kubectl rollout status waits for ready pods). */
  ready?: ReadyCheck;
}

/** What to deploy where. */
export interface DeployTarget {
  /** `name@sha256:…` */
  imageRef: string;
  digest: string;
  slot: Slot;
  environment: string;
}

/** A deploy provider: starts `target.imageRef` in `target.slot`. Idempotent: deploying the same again converges. */
export interface Deployer {
  readonly type: DeploySpec['provider'];
  /** Resolves once the provider says the version runs; throws DeployError otherwise. */
  deploy(target: DeployTarget): Promise<void>;
}

/** Why a deploy stopped: the provider failed, or the version never became ready. */
export class DeployError extends Error {
  override readonly name = 'DeployError';
  constructor(
    readonly reason: 'failed' | 'not-ready',
    message: string,
  ) {
    super(message);
  }
}
