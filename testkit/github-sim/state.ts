// The simulator's memory: one repository's deployments, statuses, environments, commit
// statuses, pull requests and comments, with GitHub's rules applied on write. Routes and the
// test helpers both go through these methods, so seeded data obeys the same rules as API calls.

/** The repository permissions a token has; GITHUB_TOKEN scopes them with `permissions:`. */
export type Access = 'read' | 'write' | 'none';
/** The permission scopes the simulator enforces. */
export type Scope = 'deployments' | 'issues' | 'pull_requests' | 'statuses' | 'checks' | 'administration';
/** Deployment status states GitHub accepts. */
export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

/** A GitHub account as the simulator renders it (login, id, User or Bot). */
export interface Account { login: string; id: number; type: 'User' | 'Bot' }

/** The account GitHub shows for GITHUB_TOKEN writes. */
export const actionsBot: Account = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

export interface StatusRecord {
  id: number;
  deploymentId: number;
  state: DeploymentState;
  description: string;
  environment: string;
  logUrl: string;
  environmentUrl: string;
  creator: Account;
  createdAt: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  creator: Account;
  createdAt: string;
  updatedAt: string;
  transient: boolean;
  production: boolean;
  /** Oldest first. */
  statuses: StatusRecord[];
}

export interface EnvironmentRecord {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  waitTimer: number;
  preventSelfReview: boolean;
  reviewers: { type: 'User' | 'Team'; id: number }[];
  branchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
}

export interface CommentRecord { id: number; issueNumber: number; body: string; user: Account; createdAt: string; updatedAt: string }
export interface PullRecord { number: number; headSha: string; headRef: string; baseRef: string; title: string; createdAt: string }
export interface CheckRunRecord {
  id: number; name: string; headSha: string; status: 'queued' | 'in_progress' | 'completed'; conclusion: string | null;
  startedAt: string | null; completedAt: string | null; detailsUrl: string | null; externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
}
export interface CommitStatusRecord { id: number; context: string; state: 'error' | 'failure' | 'pending' | 'success'; description: string | null; targetUrl: string | null; createdAt: string }

/** GitHub's timestamp format: ISO 8601 in UTC without milliseconds. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A 40-hex commit sha. */
export const isSha = (ref: string): boolean => /^[0-9a-f]{40}$/i.test(ref);

export class SimState {
  readonly deployments = new Map<number, DeploymentRecord>();
  readonly environments = new Map<string, EnvironmentRecord>();
  /** Branch name → head sha; a deployment's `ref` must be a branch here or a sha. */
  readonly branches = new Map<string, string>([['main', 'c0ffee0000000000000000000000000000000001']]);
  /** Branches behind the default branch: a deployment with auto_merge merges instead (202). */
  readonly behindDefault = new Set<string>();
  readonly commitStatuses = new Map<string, CommitStatusRecord[]>();
  readonly pulls = new Map<number, PullRecord>();
  readonly comments = new Map<number, CommentRecord>();
  readonly checkRuns = new Map<number, CheckRunRecord>();
  readonly permissions: Record<Scope, Access> = { deployments: 'write', issues: 'write', pull_requests: 'write', statuses: 'write', checks: 'write', administration: 'write' };
  /** Per environment, non-transient non-production deployments whose latest state is success: auto_inactive's candidates. */
  private readonly successful = new Map<string, Set<number>>();
  private lastCreatedMs = 0;
  private nextIds = { deployment: 1_000_001, status: 2_000_001, environment: 3_000_001, comment: 4_000_001, commitStatus: 5_000_001, checkRun: 6_000_001 };

  /** The core rate-limit budget: `limit` requests per hour, window ending at `resetAt` (epoch seconds). */
  readonly budget: { limit: number; used: number; resetAt: number };

  constructor(rateLimit = 1000, readonly defaultBranch = 'main') {
    this.budget = { limit: rateLimit, used: 0, resetAt: 0 };
  }

  /**
   * The creation time of the next deployment: `preferredMs` (default now), but never before the
   * previous deployment's unless `exact`, so that ids and times agree in order however tests mix
   * seeding and API calls.
   */
  creationTime(preferredMs = Date.now(), exact = false): string {
    const ms = exact ? preferredMs : Math.max(preferredMs, this.lastCreatedMs);
    this.lastCreatedMs = Math.max(ms, this.lastCreatedMs);
    return timestamp(new Date(ms));
  }

  /** The core budget, refilled when its hour is over. */
  currentBudget(nowSeconds = Math.floor(Date.now() / 1000)): SimState['budget'] {
    if (nowSeconds >= this.budget.resetAt) Object.assign(this.budget, { used: 0, resetAt: nowSeconds + 3600 });
    return this.budget;
  }

  private id(kind: keyof SimState['nextIds']): number {
    return this.nextIds[kind]++;
  }

  /** The environment, created on first use as GitHub does when a deployment names it. */
  ensureEnvironment(name: string, at = timestamp()): EnvironmentRecord {
    let env = this.environments.get(name);
    if (!env) {
      env = { id: this.id('environment'), name, createdAt: at, updatedAt: at, waitTimer: 0, preventSelfReview: false, reviewers: [], branchPolicy: null };
      this.environments.set(name, env);
    }
    return env;
  }

  /** Resolves a deployment ref: a sha stands for itself, a branch for its head; else undefined. */
  resolveRef(ref: string): string | undefined {
    if (isSha(ref)) return ref.toLowerCase();
    return this.branches.get(ref.replace(/^refs\/heads\//, ''));
  }

  /**
   * Required status contexts that did not succeed on the commit, with their latest state
   * ('missing' when never reported). `required` undefined means every context on the commit.
   */
  failingContexts(sha: string, required: string[] | undefined): { context: string; state: string }[] {
    const latest = new Map<string, string>();
    for (const status of this.commitStatuses.get(sha) ?? []) latest.set(status.context, status.state);
    const contexts = required ?? [...latest.keys()];
    return contexts.filter((c) => latest.get(c) !== 'success').map((context) => ({ context, state: latest.get(context) ?? 'missing' }));
  }

  /** Stores a deployment (no status yet) and auto-creates its environment. */
  createDeployment(input: Omit<DeploymentRecord, 'id' | 'statuses' | 'originalEnvironment' | 'updatedAt'>): DeploymentRecord {
    this.ensureEnvironment(input.environment, input.createdAt);
    const deployment: DeploymentRecord = { ...input, id: this.id('deployment'), originalEnvironment: input.environment, updatedAt: input.createdAt, statuses: [] };
    this.deployments.set(deployment.id, deployment);
    return deployment;
  }

  /** The latest status of a deployment, or undefined when it has none. */
  latest(deployment: DeploymentRecord): StatusRecord | undefined {
    return deployment.statuses[deployment.statuses.length - 1];
  }

  /**
   * Adds a status. A `success` with autoInactive (GitHub's default) adds an `inactive` status to
   * every earlier non-transient, non-production deployment of the same environment whose latest
   * state is success. A given `environment` moves the deployment to that environment.
   */
  addStatus(deployment: DeploymentRecord, input: Omit<StatusRecord, 'id' | 'deploymentId' | 'environment'> & { environment?: string }, autoInactive = true): StatusRecord {
    const environment = input.environment || this.latest(deployment)?.environment || deployment.environment;
    this.ensureEnvironment(environment, input.createdAt);
    if (environment !== deployment.environment) {
      this.successful.get(deployment.environment)?.delete(deployment.id);
      deployment.environment = environment;
    }
    if (input.state === 'success' && autoInactive) {
      for (const otherId of [...(this.successful.get(environment) ?? [])]) {
        const other = this.deployments.get(otherId);
        if (!other || other.id >= deployment.id) continue;
        this.appendStatus(other, { state: 'inactive', description: '', environment, logUrl: '', environmentUrl: '', creator: input.creator, createdAt: input.createdAt });
      }
    }
    return this.appendStatus(deployment, { ...input, environment });
  }

  private appendStatus(deployment: DeploymentRecord, input: Omit<StatusRecord, 'id' | 'deploymentId'>): StatusRecord {
    const status: StatusRecord = { ...input, id: this.id('status'), deploymentId: deployment.id };
    deployment.statuses.push(status);
    deployment.updatedAt = status.createdAt;
    let set = this.successful.get(deployment.environment);
    if (!set) this.successful.set(deployment.environment, (set = new Set()));
    // Only what auto_inactive can retire is indexed: production ones would make it O(history).
    if (status.state === 'success' && !deployment.transient && !deployment.production) set.add(deployment.id);
    else set.delete(deployment.id);
    return status;
  }

  /** Removes a deployment and its statuses, whatever its state. */
  removeDeployment(id: number): boolean {
    const deployment = this.deployments.get(id);
    if (!deployment) return false;
    this.successful.get(deployment.environment)?.delete(id);
    return this.deployments.delete(id);
  }

  /** Records a commit status (POST /statuses/{sha}); required contexts are checked against these. */
  addCommitStatus(sha: string, input: Omit<CommitStatusRecord, 'id'>): CommitStatusRecord {
    const status = { ...input, id: this.id('commitStatus') };
    const list = this.commitStatuses.get(sha.toLowerCase()) ?? [];
    list.push(status);
    this.commitStatuses.set(sha.toLowerCase(), list);
    return status;
  }

  /** Stores a check run under a new id. */
  addCheckRun(input: Omit<CheckRunRecord, 'id'>): CheckRunRecord {
    const run = { ...input, id: this.id('checkRun') };
    this.checkRuns.set(run.id, run);
    return run;
  }

  /** Adds a comment to an issue or pull request. */
  addComment(issueNumber: number, body: string, user: Account, at = timestamp()): CommentRecord {
    const comment = { id: this.id('comment'), issueNumber, body, user, createdAt: at, updatedAt: at };
    this.comments.set(comment.id, comment);
    return comment;
  }
}
