import type { Logger } from '../log.js';
import { explainRequestError, statusOf } from './client.js';
import type { GitHubClient } from './client.js';
import { checkDeployment, checkDeployments, checkStatuses, toLedgerDeployment } from './records.js';
import type { RawDeployment, RawStatus } from './records.js';
import type { HistoryOptions, LedgerDeployment } from './types.js';

// Reading the ledger back: pages of deployments (newest first, GitHub's order) and their statuses.
// Every page is followed through the Link header (octokit.paginate): reading only the first 100,
// as some deployment actions do, silently loses history.

/** GitHub's largest page. */
export const PAGE_SIZE = 100;

/** What the readers need: the client, the repository, and where to say what they skipped. */
export interface ReadContext {
  client: GitHubClient;
  owner: string;
  repo: string;
  foreign: ForeignNotice;
}

/** Says once (per ledger) that deployments Slipway did not create were skipped, and why. */
export class ForeignNotice {
  private told = false;
  constructor(private readonly logger: Logger) {}
  /** Notes a skipped foreign deployment; only the first one is logged. */
  skipped(raw: RawDeployment): void {
    if (this.told) return;
    this.told = true;
    this.logger.info(
      `Skipping deployments Slipway did not create (no slipway/v1 payload), e.g. #${raw.id} by ${raw.creator?.login ?? 'unknown'} in ${raw.environment}; they are left alone.`,
    );
  }
}

const READ_PERMISSION = 'deployments: read';

/** How messages name an endpoint of the repository's deployments API. */
function endpoint(context: ReadContext, path: string): string {
  return `GET /repos/${context.owner}/${context.repo}/deployments${path}`;
}

/** The newest page of an environment's deployments (up to 100). */
export async function firstPage(context: ReadContext, environment: string): Promise<RawDeployment[]> {
  try {
    const response = await context.client.rest.repos.listDeployments({ owner: context.owner, repo: context.repo, environment, per_page: PAGE_SIZE });
    return checkDeployments(response.data, endpoint(context, `?environment=${environment}`));
  } catch (error) {
    throw explainRequestError(error, `Listing the deployments of ${environment}`, READ_PERMISSION);
  }
}

/** The pages of an environment's deployments, newest first: every page, or the first `limit`. */
export async function* pagesOf(context: ReadContext, environment: string, limit = Infinity): AsyncGenerator<RawDeployment[]> {
  const pages = context.client.paginate.iterator(context.client.rest.repos.listDeployments, {
    owner: context.owner,
    repo: context.repo,
    environment,
    per_page: PAGE_SIZE,
  });
  let read = 0;
  try {
    for await (const page of pages) {
      yield checkDeployments(page.data, endpoint(context, `?environment=${environment}`));
      if (++read >= limit) return;
    }
  } catch (error) {
    throw explainRequestError(error, `Listing the deployments of ${environment}`, READ_PERMISSION);
  }
}

/** A deployment's statuses, newest first (the latest `count`); null when the deployment is gone. */
export async function statusesOf(context: ReadContext, deploymentId: number, count: number = PAGE_SIZE): Promise<RawStatus[] | null> {
  try {
    const response = await context.client.rest.repos.listDeploymentStatuses({ owner: context.owner, repo: context.repo, deployment_id: deploymentId, per_page: count });
    return checkStatuses(response.data, endpoint(context, `/${deploymentId}/statuses`));
  } catch (error) {
    if (statusOf(error) === 404 && !/not accessible/i.test(String((error as Error).message))) return null;
    throw explainRequestError(error, `Reading the statuses of deployment ${deploymentId}`, READ_PERMISSION);
  }
}

/** One deployment by id (raw); null when it does not exist. */
export async function rawDeployment(context: ReadContext, deploymentId: number): Promise<RawDeployment | null> {
  try {
    const response = await context.client.rest.repos.getDeployment({ owner: context.owner, repo: context.repo, deployment_id: deploymentId });
    return checkDeployment(response.data, endpoint(context, `/${deploymentId}`));
  } catch (error) {
    if (statusOf(error) === 404 && !/not accessible/i.test(String((error as Error).message))) return null;
    throw explainRequestError(error, `Reading deployment ${deploymentId}`, READ_PERMISSION);
  }
}

/**
 * Slipway's deployments in an environment, newest first, each with its latest status (unless
 * `statuses` is false), through every page; foreign ones are skipped. With `since`, stops at the
 * first one created before it.
 */
export async function* historyOf(context: ReadContext, environment: string, options: HistoryOptions = {}): AsyncGenerator<LedgerDeployment> {
  for await (const page of pagesOf(context, environment, options.pages)) {
    for (const raw of page) {
      if (options.since && new Date(raw.created_at) < options.since) return;
      const deployment = toLedgerDeployment(raw, null);
      if (!deployment.payload) {
        context.foreign.skipped(raw);
        continue;
      }
      if (options.statuses === false) {
        yield deployment;
        continue;
      }
      const statuses = await statusesOf(context, raw.id, 1);
      if (statuses === null) continue; // deleted while we read
      yield toLedgerDeployment(raw, statuses[0] ?? null);
    }
  }
}
