import { paginated } from '../pagination.js';
import { renderEnvironment } from '../representations.js';
import { notFound, validationFailed, type Route, type SimRequest, type SimResponse } from '../router.js';
import { timestamp } from '../state.js';

// Environments: get (with protection_rules), list, create-or-update (needs Administration:
// write, which GITHUB_TOKEN lacks), delete. Deployments auto-create theirs (see state.ts).

const collection = '/repos/{owner}/{repo}/environments';
const item = `${collection}/{environment_name}`;

/** GitHub's limits on environment protection. */
const MAX_WAIT_TIMER_MINUTES = 43_200;
const MAX_REVIEWERS = 6;

function get(request: SimRequest): SimResponse {
  const env = request.state.environments.get(request.params.environment_name);
  return env ? { status: 200, body: renderEnvironment(request.site, env) } : notFound(request);
}

function list(request: SimRequest): SimResponse {
  const all = [...request.state.environments.values()].sort((a, b) => a.name.localeCompare(b.name));
  return paginated(request, all, (env) => renderEnvironment(request.site, env), (environments) => ({ total_count: all.length, environments }));
}

function put(request: SimRequest): SimResponse {
  const body = request.body ?? {};
  const waitTimer = body.wait_timer as number | undefined;
  if (waitTimer !== undefined && (waitTimer < 0 || waitTimer > MAX_WAIT_TIMER_MINUTES)) {
    return validationFailed(request, 'Environment', 'wait_timer', `wait_timer must be between 0 and ${MAX_WAIT_TIMER_MINUTES} minutes`);
  }
  const reviewers = (body.reviewers ?? undefined) as { type: 'User' | 'Team'; id: number }[] | undefined;
  if (reviewers && reviewers.length > MAX_REVIEWERS) {
    return validationFailed(request, 'Environment', 'reviewers', `an environment can have at most ${MAX_REVIEWERS} reviewers`);
  }
  const policy = body.deployment_branch_policy as { protected_branches: boolean; custom_branch_policies: boolean } | null | undefined;
  if (policy && policy.protected_branches === policy.custom_branch_policies) {
    return validationFailed(request, 'Environment', 'deployment_branch_policy', 'exactly one of protected_branches and custom_branch_policies must be true');
  }
  const env = request.state.ensureEnvironment(request.params.environment_name);
  if (waitTimer !== undefined) env.waitTimer = waitTimer;
  if (body.reviewers !== undefined) env.reviewers = reviewers ?? [];
  if (policy !== undefined) env.branchPolicy = policy;
  if (typeof body.prevent_self_review === 'boolean') env.preventSelfReview = body.prevent_self_review;
  env.updatedAt = timestamp();
  return { status: 200, body: renderEnvironment(request.site, env) };
}

function remove(request: SimRequest): SimResponse {
  request.state.environments.delete(request.params.environment_name);
  return { status: 204 };
}

/** The environment routes. */
export const environmentRoutes: Route[] = [
  { method: 'GET', template: collection, handle: list },
  { method: 'GET', template: item, handle: get },
  { method: 'PUT', template: item, permission: [['administration', 'write']], handle: put },
  { method: 'DELETE', template: item, permission: [['administration', 'write']], handle: remove },
];
