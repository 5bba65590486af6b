import { renderRepository } from '../representations.js';
import type { Route, SimRequest, SimResponse } from '../router.js';

// The repository itself and the rate-limit endpoint (free: it does not use up the budget).

function rateLimit(request: SimRequest): SimResponse {
  const { limit, used, resetAt } = request.state.currentBudget();
  const core = { limit, used, remaining: Math.max(0, limit - used), reset: resetAt };
  const other = { limit: 60, used: 0, remaining: 60, reset: resetAt };
  return { status: 200, body: { resources: { core, search: other, graphql: other }, rate: core } };
}

/** The repository and rate_limit routes. */
export const repositoryRoutes: Route[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}', handle: (request) => ({ status: 200, body: renderRepository(request.site, request.state.defaultBranch) }) },
  { method: 'GET', template: '/rate_limit', handle: rateLimit },
];
