import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultSpec } from './faults.js';
import { parseRouteKey } from './faults.js';
import type { Site } from './representations.js';
import { Router } from './router.js';
import { allRoutes } from './routes/index.js';
import { SimHandler, type LoggedRequest } from './server.js';
import { actionsBot, SimState, timestamp, type Access, type DeploymentState, type Scope } from './state.js';

// A GitHub REST API on loopback for the tests: the endpoints Slipway uses, with GitHub's
// documented semantics, request counting, fault injection and contract validation.
// Semantics and deviations: README.md next to this file.

export type { FaultSpec } from './faults.js';
export type { LoggedRequest } from './server.js';

/** How to start a simulator. */
export interface SimulatorOptions {
  /** Repository owner (default 'octo-org'). */
  owner?: string;
  /** Repository name (default 'app'). */
  repo?: string;
  /** The token requests must carry (default 'sim-token'). */
  token?: string;
  /** Validate requests and responses against the contract (default true). */
  validate?: boolean;
  /** Port on 127.0.0.1 (default: one the OS picks). */
  port?: number;
  /** Core rate-limit budget per hour (default 1,000, GITHUB_TOKEN's). */
  rateLimit?: number;
  /** Enforce GitHub's secondary limits: ≤ 100 requests in flight, ≤ 80 POSTs a minute and 500 an hour (default false). */
  secondaryLimits?: boolean;
}

type Permissions = Partial<Record<Scope, Access>>;

/** Protection rules for `setEnvironment`. */
export interface EnvironmentProtection {
  reviewers?: { type: 'User' | 'Team'; id: number }[];
  /** Minutes. */
  waitTimer?: number;
  branchPolicy?: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  preventSelfReview?: boolean;
}

/** What `seedDeployments` makes, `count` times. */
export interface SeedTemplate {
  environment: string;
  sha?: string;
  /** Default: the sha. */
  ref?: string;
  /** Default 'deploy'. */
  task?: string;
  /** Default {}; a function gets the index (0 = oldest) to vary payloads. */
  payload?: unknown | ((index: number) => unknown);
  /** Login of the creator (default github-actions[bot]). */
  creator?: string;
  /** Creation time of the i-th (0 = oldest) deployment and its statuses; default one minute apart ending now, never before an existing deployment. */
  createdAt?: (index: number) => Date;
  /** Statuses to add in order, with GitHub's auto_inactive rule applied. */
  states?: DeploymentState[];
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
}

/** A running simulator. */
export interface GitHubSimulator {
  /** Octokit baseUrl, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** The repository's numeric id (Link headers use /repositories/{id}/…). */
  readonly repoId: number;
  /** Requests by route template, e.g. requests('POST /repos/{owner}/{repo}/deployments') or requests(template, 'POST'); all without args. */
  requests(route?: string, method?: string): number;
  readonly requestLog: LoggedRequest[];
  /** Forgets the request log (and counts). */
  resetCounts(): void;
  injectFault(fault: FaultSpec): void;
  /** Drops the faults not yet used up (GitHub is healthy again). */
  clearFaults(): void;
  /** Token permissions (deployments, issues, pull_requests, statuses, checks, administration); omitted scopes keep their value (all start at 'write'). */
  setPermissions(p: Permissions): void;
  /** Creates or updates an environment with protection rules. */
  setEnvironment(name: string, protection?: EnvironmentProtection): void;
  /** Fast seeding that bypasses HTTP and counts; returns ids oldest → newest. */
  seedDeployments(count: number, template: SeedTemplate): number[];
  /** The deployment GitHub makes for a job naming `environment:` (creator github-actions[bot], in_progress, log_url …/actions/runs/<runId>/job/<n>; ref defaults to the sha). */
  createJobDeployment(opts: { environment: string; sha: string; runId: number; job?: string; ref?: string }): number;
  /** Adds a status directly (auto_inactive applies); returns its id. */
  addDeploymentStatus(deploymentId: number, state: DeploymentState, opts?: { description?: string; logUrl?: string; environmentUrl?: string; autoInactive?: boolean }): number;
  /** Deletes a deployment bypassing the inactive rule, to make broken lineages. */
  deleteDeploymentDirect(id: number): void;
  /** Seeds a pull request (and its head branch); comments can then be made on it. */
  addPullRequest(number: number, headSha: string, headRef?: string): void;
  /** Points a branch at a sha (deployments may name it as `ref`). */
  setBranch(name: string, sha: string): void;
  /** Marks a branch behind the default branch: a deployment with auto_merge then answers 202 and creates nothing. */
  setBranchBehind(name: string): void;
  /** Records a commit status on a sha (what POST /statuses/{sha} does). */
  addCommitStatus(sha: string, context: string, state: 'error' | 'failure' | 'pending' | 'success'): void;
  /** The state behind the API, read-only use in assertions. */
  readonly state: SimState;
  /** Every request accepted / response returned that failed validation against the contract. */
  readonly contractViolations: string[];
  /** Tampers with the next `times` answers of a route (proves validation catches drift). */
  corruptResponses(route: string, mutate: (body: unknown) => unknown, times?: number): void;
  close(): Promise<void>;
}

let nextRepoId = 700_000_001;

/** Starts a simulator on 127.0.0.1 (see SimulatorOptions for defaults). */
export async function startGitHubSimulator(options: SimulatorOptions = {}): Promise<GitHubSimulator> {
  const owner = options.owner ?? 'octo-org';
  const repo = options.repo ?? 'app';
  const token = options.token ?? 'sim-token';
  const state = new SimState(options.rateLimit ?? 1000);
  const site: Site = { baseUrl: '', owner, repo, repoId: nextRepoId++ };
  const handler = new SimHandler({ site, state, router: new Router(allRoutes), token, validate: options.validate ?? true, secondaryLimits: options.secondaryLimits ?? false });
  const server = createServer((req, res) => {
    handler.handle(req, res).catch((error: unknown) => {
      // A client that hung up mid-request is not the simulator's fault; anything else is a bug here.
      if (req.destroyed && res.destroyed) return;
      handler.contractViolations.push(`simulator crashed on ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end(JSON.stringify({ message: 'Server Error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  site.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A stable id per login, so the same seeded creator always has the same account.
  const userId = (login: string) => [...login].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) % 1_000_000, 7) + 100_000;
  const account = (login: string | undefined) => (login && login !== actionsBot.login ? { login, id: userId(login), type: 'User' as const } : actionsBot);
  const deployment = (id: number) => {
    const found = state.deployments.get(id);
    if (!found) throw new Error(`github-sim: no deployment ${id}`);
    return found;
  };
  const addStatus: GitHubSimulator['addDeploymentStatus'] = (id, stateName, opts = {}) =>
    state.addStatus(deployment(id), {
      state: stateName, description: opts.description ?? '', logUrl: opts.logUrl ?? '', environmentUrl: opts.environmentUrl ?? '', creator: actionsBot, createdAt: timestamp(),
    }, opts.autoInactive ?? true).id;

  return {
    url: site.baseUrl, token, owner, repo, repoId: site.repoId, state,
    requestLog: handler.requestLog,
    contractViolations: handler.contractViolations,
    requests(route, method) {
      const key = parseRouteKey(route, method);
      return handler.requestLog.filter((r) => (!key.method || r.method === key.method) && (!key.template || r.route === key.template)).length;
    },
    resetCounts: () => void handler.requestLog.splice(0),
    injectFault: (fault) => handler.injectFault(fault),
    clearFaults: () => handler.faults.clear(),
    corruptResponses: (route, mutate, times) => handler.addCorruption(route, mutate, times),
    setPermissions: (p) => void Object.assign(state.permissions, p),
    setEnvironment(name, protection = {}) {
      const env = state.ensureEnvironment(name);
      Object.assign(env, {
        reviewers: protection.reviewers ?? env.reviewers, waitTimer: protection.waitTimer ?? env.waitTimer,
        branchPolicy: protection.branchPolicy === undefined ? env.branchPolicy : protection.branchPolicy,
        preventSelfReview: protection.preventSelfReview ?? env.preventSelfReview, updatedAt: timestamp(),
      });
    },
    seedDeployments(count, template) {
      const ids: number[] = [];
      const start = Date.now() - count * 60_000;
      for (let i = 0; i < count; i++) {
        const sha = template.sha ?? (i.toString(16).padStart(8, '0') + 'a'.repeat(32));
        const payload = typeof template.payload === 'function' ? (template.payload as (index: number) => unknown)(i) : template.payload ?? {};
        const createdAt = template.createdAt ? state.creationTime(template.createdAt(i).getTime(), true) : state.creationTime(start + i * 60_000);
        const d = state.createDeployment({
          sha, ref: template.ref ?? sha, task: template.task ?? 'deploy', payload, environment: template.environment, description: '',
          creator: account(template.creator), createdAt, transient: template.transientEnvironment ?? false,
          production: template.productionEnvironment ?? template.environment === 'production',
        });
        for (const s of template.states ?? []) {
          state.addStatus(d, { state: s, description: '', logUrl: '', environmentUrl: '', creator: d.creator, createdAt });
        }
        ids.push(d.id);
      }
      return ids;
    },
    createJobDeployment({ environment, sha, runId, job, ref = sha }) {
      const d = state.createDeployment({
        sha, ref, task: 'deploy', payload: {}, environment, description: '', creator: actionsBot, createdAt: state.creationTime(),
        transient: false, production: environment === 'production',
      });
      const runUrl = `https://github.com/${owner}/${repo}/actions/runs/${runId}`;
      state.addStatus(d, { state: 'in_progress', description: job ?? '', logUrl: `${runUrl}/job/${runId * 10 + 1}`, environmentUrl: '', creator: actionsBot, createdAt: timestamp() });
      return d.id;
    },
    addDeploymentStatus: addStatus,
    deleteDeploymentDirect: (id) => void state.removeDeployment(id),
    addPullRequest(number, headSha, headRef = `feature-${number}`) {
      state.branches.set(headRef, headSha);
      state.pulls.set(number, { number, headSha, headRef, baseRef: state.defaultBranch, title: `Pull request #${number}`, createdAt: timestamp() });
    },
    setBranch: (name, sha) => void state.branches.set(name, sha),
    setBranchBehind: (name) => void state.behindDefault.add(name),
    addCommitStatus: (sha, context, s) => void state.addCommitStatus(sha, { context, state: s, description: null, targetUrl: null, createdAt: timestamp() }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Throws, listing them, when the simulator recorded contract violations (call in afterEach/at the end of a test). */
export function expectNoContractViolations(sim: Pick<GitHubSimulator, 'contractViolations'>): void {
  if (sim.contractViolations.length > 0) {
    throw new Error(`GitHub simulator saw ${sim.contractViolations.length} contract violation(s):\n- ${sim.contractViolations.join('\n- ')}`);
  }
}
