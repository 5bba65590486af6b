import { paginated } from '../pagination.js';
import { renderStatus } from '../representations.js';
import { notFound, validationFailed, type Route, type SimRequest, type SimResponse } from '../router.js';
import { timestamp, type DeploymentState } from '../state.js';
import { findDeployment } from './deployments.js';

// Deployment statuses: create (description ≤ 140 characters, log_url also sets target_url,
// auto_inactive as GitHub defines it), list (newest first, paginated), get.

const collection = '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses';

/** GitHub's limit on a deployment status description. */
export const MAX_DESCRIPTION = 140;

function create(request: SimRequest): SimResponse {
  const deployment = findDeployment(request);
  if (!deployment) return notFound(request);
  const body = request.body ?? {};
  const description = typeof body.description === 'string' ? body.description : '';
  if (description.length > MAX_DESCRIPTION) {
    return validationFailed(request, 'DeploymentStatus', 'description', `description is too long (maximum is ${MAX_DESCRIPTION} characters)`);
  }
  const logUrl = typeof body.log_url === 'string' ? body.log_url : typeof body.target_url === 'string' ? body.target_url : '';
  const status = request.state.addStatus(
    deployment,
    {
      state: body.state as DeploymentState, description, logUrl, creator: request.actor, createdAt: timestamp(),
      environment: typeof body.environment === 'string' ? body.environment : undefined,
      environmentUrl: typeof body.environment_url === 'string' ? body.environment_url : '',
    },
    body.auto_inactive !== false,
  );
  return { status: 201, body: renderStatus(request.site, status) };
}

function list(request: SimRequest): SimResponse {
  const deployment = findDeployment(request);
  if (!deployment) return notFound(request);
  return paginated(request, [...deployment.statuses].reverse(), (s) => renderStatus(request.site, s));
}

function get(request: SimRequest): SimResponse {
  const status = findDeployment(request)?.statuses.find((s) => s.id === Number(request.params.status_id));
  return status ? { status: 200, body: renderStatus(request.site, status) } : notFound(request);
}

/** The deployment status routes. */
export const deploymentStatusRoutes: Route[] = [
  { method: 'POST', template: collection, permission: [['deployments', 'write']], handle: create },
  { method: 'GET', template: collection, permission: [['deployments', 'read']], handle: list },
  { method: 'GET', template: `${collection}/{status_id}`, permission: [['deployments', 'read']], handle: get },
];
