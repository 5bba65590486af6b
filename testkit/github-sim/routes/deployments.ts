import { paginated } from '../pagination.js';
import { renderDeployment } from '../representations.js';
import { errorResponse, notFound, validationFailed, type Route, type SimRequest, type SimResponse } from '../router.js';
import type { DeploymentRecord } from '../state.js';

// Deployments: create (201, 202 when auto_merge merged instead, 409 on failing required
// contexts, 422 on a bad ref or payload), list (filters, newest first, paginated), get, delete
// (422 unless inactive or the repository's only deployment).

const collection = '/repos/{owner}/{repo}/deployments';
const item = '/repos/{owner}/{repo}/deployments/{deployment_id}';

/** The deployment named by the `deployment_id` path parameter, if it exists. */
export function findDeployment(request: SimRequest): DeploymentRecord | undefined {
  return request.state.deployments.get(Number(request.params.deployment_id));
}

/** Parses a string payload as GitHub does; objects pass through; absent means {}. */
function parsePayload(payload: unknown): { value: unknown } | undefined {
  if (payload === undefined || payload === '') return { value: {} };
  if (typeof payload !== 'string') return { value: payload };
  try {
    return { value: JSON.parse(payload) };
  } catch {
    return undefined;
  }
}

function create(request: SimRequest): SimResponse {
  const { state, body = {} } = request;
  const ref = String(body.ref ?? '');
  const sha = state.resolveRef(ref);
  if (!sha) return errorResponse(422, `No ref found for: ${ref}`, request);
  const payload = parsePayload(body.payload);
  if (!payload) return validationFailed(request, 'Deployment', 'payload', 'payload is not valid JSON');
  const branch = ref.replace(/^refs\/heads\//, '');
  if (body.auto_merge !== false && state.behindDefault.has(branch)) {
    // GitHub merges the default branch into the ref instead of deploying: no deployment exists.
    state.behindDefault.delete(branch);
    return { status: 202, body: { message: `Auto-merged ${state.defaultBranch} into ${branch} on deployment.` } };
  }
  const failing = state.failingContexts(sha, body.required_contexts as string[] | undefined);
  if (failing.length > 0) {
    return errorResponse(409, `Conflict: Commit status checks failed for ${ref}.`, request, {
      errors: [{ contexts: failing, resource: 'Deployment', field: 'required_contexts', code: 'invalid' }],
    });
  }
  const environment = typeof body.environment === 'string' ? body.environment : 'production';
  const deployment = state.createDeployment({
    sha, ref, task: typeof body.task === 'string' ? body.task : 'deploy', payload: payload.value, environment,
    description: body.description === undefined ? '' : (body.description as string | null), creator: request.actor, createdAt: state.creationTime(),
    transient: body.transient_environment === true,
    production: typeof body.production_environment === 'boolean' ? body.production_environment : environment === 'production',
  });
  return { status: 201, body: renderDeployment(request.site, deployment) };
}

function list(request: SimRequest): SimResponse {
  const filters = (['sha', 'ref', 'task', 'environment'] as const)
    .map((name) => [name, request.query.get(name)] as const)
    .filter(([, value]) => value !== null && value !== 'none');
  const matches: DeploymentRecord[] = [];
  for (const d of request.state.deployments.values()) {
    if (filters.every(([name, value]) => d[name] === value)) matches.push(d);
  }
  // The store keeps insertion order, which is id order: reversing is newest first without a sort.
  matches.reverse();
  return paginated(request, matches, (d) => renderDeployment(request.site, d));
}

function get(request: SimRequest): SimResponse {
  const deployment = findDeployment(request);
  return deployment ? { status: 200, body: renderDeployment(request.site, deployment) } : notFound(request);
}

function remove(request: SimRequest): SimResponse {
  const { state } = request;
  const deployment = findDeployment(request);
  if (!deployment) return notFound(request);
  if (state.latest(deployment)?.state !== 'inactive' && state.deployments.size > 1) {
    return errorResponse(422, 'We cannot delete an active deployment unless it is the only deployment in a given environment.', request);
  }
  state.removeDeployment(deployment.id);
  return { status: 204 };
}

/** The deployment routes. */
export const deploymentRoutes: Route[] = [
  { method: 'POST', template: collection, permission: [['deployments', 'write']], handle: create },
  { method: 'GET', template: collection, permission: [['deployments', 'read']], handle: list },
  { method: 'GET', template: item, permission: [['deployments', 'read']], handle: get },
  { method: 'DELETE', template: item, permission: [['deployments', 'write']], handle: remove },
];
