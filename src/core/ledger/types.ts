/**
 * The ledger's vocabulary: what Slipway writes into GitHub Deployments and what it reads back.
 * See docs/ledger.md, "What is recorded". Every other part of Slipway talks to GitHub through these.
 */

/** Version tag of the payload Slipway writes; deployments without it are foreign and skipped. */
export const PAYLOAD_SCHEMA = 'slipway/v1';

/** The deployment tasks Slipway creates. */
export type DeploymentTask = 'deploy' | 'deploy:promote' | 'deploy:rollback';

/** Every state GitHub accepts for a deployment status. */
export type DeploymentState = 'queued' | 'pending' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** Where a deployment came from: the workflow run that made it. */
export interface SourceInfo {
  /** Commit the deployment is for (the PR head sha on pull_request events). */
  sha: string;
  /** Git ref of the run, e.g. refs/heads/main. */
  ref: string;
  runId: number;
  runAttempt: number;
  actor: string;
  workflow: string;
}

/** The immutable artifact a deployment ships: always pinned by digest. */
export interface ArtifactInfo {
  /** `name@sha256:<64 hex>` */
  ref: string;
  /** `sha256:<64 hex>` */
  digest: string;
  tags?: string[];
}

/** The JSON Slipway stores in `payload` (schema slipway/v1). */
export interface DeploymentPayload {
  schema: typeof PAYLOAD_SCHEMA;
  artifact?: ArtifactInfo;
  source: SourceInfo;
  /** canary | blue-green | direct | … */
  strategy?: string;
  promotedFrom?: { environment: string; deploymentId: number };
  /** Id of the deployment this one rolls back. */
  rollbackOf?: number;
  /** Id of the last good deployment this one replaces: the lineage that makes last-good O(1). */
  previousGood?: number | null;
  /** sha256 of the rollout plan, when a plan drove the deployment. */
  planDigest?: string;
  /** Rolling back past this deployment is refused unless forced (e.g. a contract-phase migration). */
  irreversible?: boolean;
  /**
   * Id of the newest deployment of the environment before this one marked `irreversible` (null:
   * none): a rollback to a chosen deployment checks what it passes without reading each one.
   * Absent on payloads from before the pointer existed (readers then scan).
   */
  lastIrreversible?: number | null;
  /** Random id of the create call that made it: a retried create finds its own deployment by it. */
  nonce?: string;
  /**
   * The plan's slot this deployment's version was put into (a rollout: the canary slot; a
   * rollback: the slot that serves the restored version). Absent on deployments without slots
   * and on payloads from before slots existed.
   */
  slot?: string;
}

/** The latest status of a deployment, as read back. */
export interface StatusInfo {
  id: number;
  state: DeploymentState;
  description: string;
  createdAt: string;
  logUrl: string;
  environmentUrl: string;
}

/** A deployment as the ledger reads it back. `payload` is null for foreign deployments. */
export interface LedgerDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  createdAt: string;
  creator: string;
  description: string;
  productionEnvironment: boolean;
  transientEnvironment: boolean;
  payload: DeploymentPayload | null;
  /** Null when the deployment has no status yet. */
  latestStatus: StatusInfo | null;
}

/** What `createDeployment` needs; the source info comes from the ledger's run context. */
export interface CreateDeploymentRequest extends Pick<DeploymentPayload, 'artifact' | 'strategy' | 'promotedFrom' | 'rollbackOf' | 'planDigest' | 'irreversible' | 'slot'> {
  environment: string;
  /** Commit sha (or ref) to deploy; the PR head sha on PR deploys so it shows on the PR. */
  ref: string;
  task?: DeploymentTask;
  /**
   * The last good deployment this one replaces, when the caller knows it already (a rollback
   * does); given, the ledger skips its own lineage look-up. Default: found from the history.
   */
  previousGood?: number | null;
  /** With `previousGood`: the `lastIrreversible` pointer, which the caller then knows too. */
  lastIrreversible?: number | null;
  description?: string;
  /** Default: true only for an environment named `production` (GitHub's rule). */
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
  /** Default [] (environments, not commit statuses, are the gate). */
  requiredContexts?: string[];
  /** Default false. */
  autoMerge?: boolean;
}

/** What `setStatus` needs. */
export interface StatusRequest {
  state: DeploymentState;
  /** Cut to 140 characters. */
  description?: string;
  environmentUrl?: string;
  /** Default: the run URL of the ledger's run context. */
  logUrl?: string;
  /** Default true, as GitHub's. */
  autoInactive?: boolean;
}

/** The protection rules of an environment, as read from the environments API. */
export interface EnvironmentInfo {
  name: string;
  /** e.g. ['required_reviewers', 'wait_timer', 'branch_policy'] */
  protectionRules: string[];
}

/** How much of an environment's history to read. */
export interface HistoryOptions {
  /** Stop at the first deployment created before this. */
  since?: Date;
  /** Read each deployment's latest status (default true; one request per deployment). */
  statuses?: boolean;
  /** Read at most this many pages of 100 deployments (default: every page). */
  pages?: number;
}

/** The ledger's operations; `GitHubLedger` implements them over the REST API. */
export interface Ledger {
  /** Creates the deployment (with `previousGood` filled from the current last good) and returns it. */
  createDeployment(request: CreateDeploymentRequest): Promise<LedgerDeployment>;
  /** Adds a status to a deployment; returns the status id. */
  setStatus(deploymentId: number, request: StatusRequest): Promise<number>;
  /** One deployment by id, with its latest status; null when it does not exist. */
  getDeployment(deploymentId: number): Promise<LedgerDeployment | null>;
  /**
   * Slipway's deployments in an environment, newest first, following every page. With
   * `statuses: false` the latest statuses are not read (`latestStatus` is null): one request a
   * page instead of one more per deployment, for walks that need only payloads. `pages` stops
   * after that many pages of 100 (default: every page).
   */
  history(environment: string, options?: HistoryOptions): AsyncIterable<LedgerDeployment>;
  /** The latest status of one deployment (one request); null when it has none or does not exist. */
  latestStatus(deploymentId: number): Promise<StatusInfo | null>;
  /** The active deployment: the newest whose latest status is `success`. */
  current(environment: string): Promise<LedgerDeployment | null>;
  /** The newest deployment that reached `success` and was not rolled back. */
  lastGood(environment: string): Promise<LedgerDeployment | null>;
  /** The newest successful deployment of this digest in the environment (never rolled back). */
  findSuccessfulByDigest(environment: string, digest: string): Promise<LedgerDeployment | null>;
  /** The environment's protection rules; null when it does not exist. */
  getEnvironment(name: string): Promise<EnvironmentInfo | null>;
}
