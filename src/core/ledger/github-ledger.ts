import { randomUUID } from 'node:crypto';
import { SlipwayError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { withRetry } from '../retry.js';
import { explainRequestError, githubRetryPolicy, isTransient, statusOf } from './client.js';
import type { GitHubClient } from './client.js';
import { ForeignNotice, firstPage, historyOf, rawDeployment, statusesOf } from './history.js';
import type { ReadContext } from './history.js';
import { lastGoodDeployment, lastIrreversibleOf, lineageHead, scanForGood } from './last-good.js';
import { buildPayload, cutDescription, parsePayload } from './payload.js';
import { checkDeployment, toLedgerDeployment, toStatusInfo } from './records.js';
import type { RawDeployment } from './records.js';
import type { CreateDeploymentRequest, EnvironmentInfo, HistoryOptions, Ledger, LedgerDeployment, SourceInfo, StatusInfo, StatusRequest } from './types.js';

/** Everything a GitHubLedger needs. */
export interface GitHubLedgerOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  /** The run that writes: the payload's `source`. */
  source: SourceInfo;
  /** The run's page: the default `log_url` of every status, and how GitHub's own job deployment is recognised. */
  runUrl: string;
  logger?: Logger;
  /** Attempts at creating one deployment (default 4: githubRetryPolicy). */
  createAttempts?: number;
  /** Unit of the back-off between create attempts and of `retry-after` seconds (default 1000 ms: githubRetryPolicy). */
  retryBaseMs?: number;
}

/** The login GitHub uses for the deployments it makes for jobs that name `environment:`. */
const GITHUB_ACTIONS_BOT = 'github-actions[bot]';
const WRITE_PERMISSION = 'deployments: write';

/** The ledger over GitHub's REST API: deployments and statuses of one repository. */
export class GitHubLedger implements Ledger {
  readonly type = 'github';
  private readonly context: ReadContext;
  private readonly logger: Logger;

  constructor(private readonly options: GitHubLedgerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.context = { client: options.client, owner: options.owner, repo: options.repo, foreign: new ForeignNotice(this.logger) };
  }

  /**
   * Creates the deployment with `previousGood` from the lineage. Costs the first page of the
   * environment (which also shows GitHub's own job deployment, if any), the statuses of its newest
   * deployment, and the POST. A create that fails in transit is retried only
   * after looking for the deployment by its nonce, so a POST that GitHub applied is not repeated.
   */
  async createDeployment(request: CreateDeploymentRequest): Promise<LedgerDeployment> {
    // A caller that knows the lineage already (a rollback) saves the environment's first page.
    let { previousGood, lastIrreversible } = request;
    if (previousGood === undefined) {
      const page = await firstPage(this.context, request.environment);
      this.warnAboutJobDeployment(page, request);
      previousGood = await lineageHead(this.context, page, request.rollbackOf);
      lastIrreversible = lastIrreversibleOf(this.context, page);
    }
    const nonce = randomUUID();
    const payload = buildPayload({ ...request, lastIrreversible }, this.options.source, previousGood, nonce);
    const params = {
      owner: this.options.owner,
      repo: this.options.repo,
      ref: request.ref,
      environment: request.environment,
      task: request.task ?? 'deploy',
      payload: payload as unknown as Record<string, unknown>,
      description: request.description ?? '',
      required_contexts: request.requiredContexts ?? [],
      auto_merge: request.autoMerge ?? false,
      transient_environment: request.transientEnvironment ?? false,
      // Omitted, GitHub's own default applies: true only for an environment named `production`.
      ...(request.productionEnvironment === undefined ? {} : { production_environment: request.productionEnvironment }),
    };
    const what = `Creating a deployment of ${request.ref} in ${request.environment}`;
    const policy = githubRetryPolicy(this.options.retryBaseMs, this.options.createAttempts);
    try {
      return await withRetry(
        async (attempt) => {
          if (attempt > 1) {
            const applied = (await firstPage(this.context, request.environment)).find((raw) => parsePayload(raw.payload)?.nonce === nonce);
            if (applied) return toLedgerDeployment(applied, null);
          }
          // No automatic retries here: a blind retry of an applied POST makes a second deployment.
          const response = await this.options.client.rest.repos.createDeployment({ ...params, request: { retries: 0 } });
          if ((response.status as number) === 202) {
            throw new SlipwayError(
              `GitHub merged the default branch instead of creating a deployment (202: ${(response.data as { message?: string }).message ?? 'merged'}); no deployment exists. Set \`auto-merge: false\` (the default) so GitHub deploys ${request.ref} as it is.`,
            );
          }
          return toLedgerDeployment(checkDeployment(response.data, `POST /repos/${this.options.owner}/${this.options.repo}/deployments`), null);
        },
        {
          policy,
          classify: (error) => (!(error instanceof SlipwayError) && isTransient(error) ? { retryAfterMs: retryAfterOf(error, policy.firstDelayMs) } : undefined),
          onRetry: ({ error, attempt, attempts }) => {
            this.logger.warning(`${what} failed (${statusOf(error) || 'no answer'}); looking for it before retrying (attempt ${attempt + 1} of ${attempts}).`);
          },
        },
      );
    } catch (error) {
      if (error instanceof SlipwayError) throw error;
      throw this.explainCreateError(error, what);
    }
  }

  /** Adds a status (description cut to 140 characters, `log_url` defaulting to the run URL). */
  async setStatus(deploymentId: number, request: StatusRequest): Promise<number> {
    try {
      const response = await this.options.client.rest.repos.createDeploymentStatus({
        owner: this.options.owner,
        repo: this.options.repo,
        deployment_id: deploymentId,
        state: request.state,
        description: cutDescription(request.description ?? ''),
        log_url: request.logUrl ?? this.options.runUrl,
        ...(request.environmentUrl === undefined ? {} : { environment_url: request.environmentUrl }),
        ...(request.autoInactive === undefined ? {} : { auto_inactive: request.autoInactive }),
      });
      return response.data.id;
    } catch (error) {
      if (statusOf(error) === 404 && !/not accessible/i.test(String((error as Error).message))) {
        throw new SlipwayError(`Deployment ${deploymentId} does not exist in ${this.options.owner}/${this.options.repo}: check \`deployment-id\` (the output of the step that started the deployment).`);
      }
      throw explainRequestError(error, `Setting deployment ${deploymentId} to ${request.state}`, WRITE_PERMISSION);
    }
  }

  /** One deployment with its latest status; null when it does not exist. */
  async getDeployment(deploymentId: number): Promise<LedgerDeployment | null> {
    const raw = await rawDeployment(this.context, deploymentId);
    if (!raw) return null;
    const statuses = await statusesOf(this.context, deploymentId, 1);
    return toLedgerDeployment(raw, statuses?.[0] ?? null);
  }

  /** Slipway's deployments in an environment, newest first, through every page. */
  history(environment: string, options?: HistoryOptions): AsyncIterable<LedgerDeployment> {
    return historyOf(this.context, environment, options);
  }

  /** The latest status of one deployment; null when it has none or does not exist. */
  async latestStatus(deploymentId: number): Promise<StatusInfo | null> {
    const statuses = await statusesOf(this.context, deploymentId, 1);
    return statuses?.[0] ? toStatusInfo(statuses[0]) : null;
  }

  /** The newest deployment whose latest status is `success`. */
  async current(environment: string): Promise<LedgerDeployment | null> {
    for await (const deployment of this.history(environment)) {
      if (deployment.latestStatus?.state === 'success') return deployment;
    }
    return null;
  }

  /** The newest deployment that reached success and was not rolled back (≤ 3 requests on an intact lineage). */
  async lastGood(environment: string): Promise<LedgerDeployment | null> {
    return lastGoodDeployment(this.context, await firstPage(this.context, environment), environment);
  }

  /** The newest deployment of this digest that reached success and was not rolled back. */
  async findSuccessfulByDigest(environment: string, digest: string): Promise<LedgerDeployment | null> {
    return scanForGood(this.context, environment, (payload) => payload.artifact?.digest === digest);
  }

  /** The environment's protection rules; null when it does not exist. */
  async getEnvironment(name: string): Promise<EnvironmentInfo | null> {
    try {
      const response = await this.options.client.rest.repos.getEnvironment({ owner: this.options.owner, repo: this.options.repo, environment_name: name });
      return { name: response.data.name, protectionRules: (response.data.protection_rules ?? []).map((rule) => rule.type) };
    } catch (error) {
      if (statusOf(error) === 404 && !/not accessible/i.test(String((error as Error).message))) return null;
      throw explainRequestError(error, `Reading environment ${name}`, 'actions: read');
    }
  }

  /**
   * A job that names `environment:` makes GitHub record a deployment of its own for the same sha
   * when the job starts: the environment then shows every rollout twice. GitHub's deployment is
   * recognised without another request: made by github-actions[bot] for this sha, without a
   * Slipway payload, and newer than every Slipway deployment of the environment — a job deployment
   * of an earlier run is always followed by that run's own Slipway deployment, so only one made
   * for a job now running (this one, or a concurrent run of the same commit) can be newer.
   */
  private warnAboutJobDeployment(page: readonly RawDeployment[], request: CreateDeploymentRequest): void {
    const shas = new Set([request.ref, this.options.source.sha]);
    for (const raw of page) {
      if (parsePayload(raw.payload)) return;
      if (raw.creator?.login !== GITHUB_ACTIONS_BOT || !shas.has(raw.sha)) continue;
      this.logger.warning(
        `GitHub also recorded deployment #${raw.id} in ${request.environment} for this job, because the job names \`environment: ${request.environment}\`, so every rollout shows twice. ` +
          `Fix: \`environment: {name: ${request.environment}, deployment: false}\` keeps the environment's protection rules and secrets without GitHub's own deployment.`,
      );
      return;
    }
  }

  private explainCreateError(error: unknown, what: string): Error {
    if (statusOf(error) === 409) {
      return new SlipwayError(
        `${what} was refused by GitHub (409: ${(error as Error).message}). GitHub checks commit statuses (required_contexts) or merges the default branch (auto_merge) before deploying; Slipway skips both unless \`required-contexts\` or \`auto-merge\` asks for them — check those inputs and the commit's statuses.`,
      );
    }
    return explainRequestError(error, what, WRITE_PERMISSION);
  }
}

/** GitHub's `retry-after` seconds, counted in `unitMs` (the retry unit tests shrink); undefined when absent. */
function retryAfterOf(error: unknown, unitMs: number): number | undefined {
  const retryAfter = Number((error as { response?: { headers?: Record<string, string> } }).response?.headers?.['retry-after']);
  return Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * unitMs : undefined;
}
