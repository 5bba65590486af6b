import { SlipwayError } from '../errors.js';
import { quote } from '../secrets/quote.js';
import { parsePayload } from './payload.js';
import type { DeploymentState, LedgerDeployment, StatusInfo } from './types.js';
import { isRecord } from '../objects.js';

// Conversions from GitHub's REST shapes (only the fields the ledger reads) to the ledger's own.
// Answers are checked before they are used: a 200 of another shape (a proxy's page, another API
// behind GITHUB_API_URL) is an error naming the endpoint and what was expected, never a TypeError
// deep in a walk nor a deployment read as missing.

/** A deployment as the REST API returns it (the fields the ledger reads). */
export interface RawDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  created_at: string;
  creator: { login: string } | null;
  description?: string | null;
  production_environment?: boolean;
  transient_environment?: boolean;
  payload: unknown;
}

/** A deployment status as the REST API returns it (the fields the ledger reads). */
export interface RawStatus {
  id: number;
  state: string;
  description?: string | null;
  created_at: string;
  log_url?: string;
  target_url?: string;
  environment_url?: string;
}

const STATES: readonly string[] = ['queued', 'pending', 'in_progress', 'success', 'failure', 'error', 'inactive'] satisfies DeploymentState[];

/** A list of deployments as GitHub answered `endpoint`, checked item by item. */
export function checkDeployments(data: unknown, endpoint: string): RawDeployment[] {
  if (!Array.isArray(data)) throw malformed(endpoint, data, 'a JSON array of deployments');
  for (const item of data) checkDeployment(item, endpoint);
  return data as RawDeployment[];
}

/** One deployment as GitHub answered `endpoint`: an object with the fields the ledger reads. */
export function checkDeployment(data: unknown, endpoint: string): RawDeployment {
  const item = data as Record<string, unknown> | null;
  const fine =
    isRecord(item) &&
    isId(item.id) &&
    ['sha', 'ref', 'task', 'environment', 'created_at'].every((field) => typeof item[field] === 'string') &&
    (item.creator === null || item.creator === undefined || isRecord(item.creator));
  if (!fine) throw malformed(endpoint, data, 'a deployment with a numeric id and sha, ref, task, environment and created_at strings');
  return item as unknown as RawDeployment;
}

/** A list of deployment statuses as GitHub answered `endpoint`, checked item by item. */
export function checkStatuses(data: unknown, endpoint: string): RawStatus[] {
  if (!Array.isArray(data)) throw malformed(endpoint, data, 'a JSON array of deployment statuses');
  for (const item of data) {
    if (!(isRecord(item) && isId(item.id) && typeof item.state === 'string' && STATES.includes(item.state) && typeof item.created_at === 'string')) {
      throw malformed(endpoint, item, `deployment statuses with a numeric id, a created_at string and a state among ${STATES.join(', ')}`);
    }
  }
  return data as RawStatus[];
}

function malformed(endpoint: string, got: unknown, expected: string): SlipwayError {
  return new SlipwayError(
    `GitHub answered ${endpoint} with something else than expected: got ${quote(got, 120)}, expected ${expected}. Nothing was read from it. ` +
      'Check that GITHUB_API_URL (or --api-url) points at GitHub or GitHub Enterprise Server and not at a proxy page, then run again.',
  );
}


function isId(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** The ledger's view of a raw deployment with its latest status (payload null when foreign). */
export function toLedgerDeployment(raw: RawDeployment, latest: RawStatus | null): LedgerDeployment {
  return {
    id: raw.id,
    sha: raw.sha,
    ref: raw.ref,
    task: raw.task,
    environment: raw.environment,
    createdAt: raw.created_at,
    creator: raw.creator?.login ?? '',
    description: raw.description ?? '',
    productionEnvironment: raw.production_environment ?? false,
    transientEnvironment: raw.transient_environment ?? false,
    payload: parsePayload(raw.payload),
    latestStatus: latest ? toStatusInfo(latest) : null,
  };
}

/** The ledger's view of a raw status. */
export function toStatusInfo(raw: RawStatus): StatusInfo {
  return {
    id: raw.id,
    state: raw.state as DeploymentState,
    description: raw.description ?? '',
    createdAt: raw.created_at,
    logUrl: raw.log_url ?? raw.target_url ?? '',
    environmentUrl: raw.environment_url ?? '',
  };
}
