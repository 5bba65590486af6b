import { parsePayload } from './payload.js';
import type { DeploymentState, LedgerDeployment, StatusInfo } from './types.js';

// Conversions from GitHub's REST shapes (only the fields the ledger reads) to the ledger's own.

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
