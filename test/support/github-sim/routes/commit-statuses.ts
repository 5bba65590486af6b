import { errorResponse, validationFailed, type Route, type SimRequest, type SimResponse } from '../router.js';
import { timestamp, type CommitStatusRecord } from '../state.js';

// Commit statuses (POST /statuses/{sha}): they feed the required_contexts check of deployment
// creation. Not in the contract subset (Slipway does not call it), so not validated.

const states = ['error', 'failure', 'pending', 'success'];

function create(request: SimRequest): SimResponse {
  const body = request.body ?? {};
  if (!states.includes(String(body.state))) return validationFailed(request, 'Status', 'state', `state must be one of ${states.join(', ')}`, 'invalid');
  const sha = request.params.sha;
  if (!/^[0-9a-f]{40}$/i.test(sha)) return errorResponse(422, `No commit found for SHA: ${sha}`, request);
  const status = request.state.addCommitStatus(sha, {
    context: typeof body.context === 'string' ? body.context : 'default', state: body.state as CommitStatusRecord['state'],
    description: typeof body.description === 'string' ? body.description : null, targetUrl: typeof body.target_url === 'string' ? body.target_url : null,
    createdAt: timestamp(),
  });
  const { id, context, state, description, targetUrl, createdAt } = status;
  return { status: 201, body: { id, context, state, description, target_url: targetUrl, created_at: createdAt, updated_at: createdAt, creator: null } };
}

/** The commit status route. */
export const commitStatusRoutes: Route[] = [
  { method: 'POST', template: '/repos/{owner}/{repo}/statuses/{sha}', permission: [['statuses', 'write']], handle: create },
];
