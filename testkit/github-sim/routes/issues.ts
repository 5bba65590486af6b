import { paginated } from '../pagination.js';
import { renderComment, renderPull } from '../representations.js';
import { notFound, validationFailed, type Route, type SimRequest, type SimResponse } from '../router.js';
import { timestamp } from '../state.js';

// Pull requests (get) and issue comments (list, create, get, update, delete) — what a sticky
// PR comment needs. Comments exist only on seeded pull requests (addPullRequest), as GitHub
// answers 404 for an issue that does not exist.

const comments = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const comment = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
// Either permission lets a token comment on a pull request.
const commentWrite: Route['permission'] = [['issues', 'write'], ['pull_requests', 'write']];
const commentRead: Route['permission'] = [['issues', 'read'], ['pull_requests', 'read']];

function getPull(request: SimRequest): SimResponse {
  const pr = request.state.pulls.get(Number(request.params.pull_number));
  if (!pr) return notFound(request);
  return { status: 200, body: renderPull(request.site, pr, request.state.branches.get(request.state.defaultBranch) ?? '') };
}

function listComments(request: SimRequest): SimResponse {
  const issue = Number(request.params.issue_number);
  if (!request.state.pulls.has(issue)) return notFound(request);
  const since = request.query.get('since');
  const all = [...request.state.comments.values()].filter((c) => c.issueNumber === issue && (!since || c.updatedAt >= since));
  return paginated(request, all, (c) => renderComment(request.site, c));
}

function bodyOf(request: SimRequest): string | undefined {
  const body = request.body?.body;
  return typeof body === 'string' ? body : undefined;
}

function createComment(request: SimRequest): SimResponse {
  const issue = Number(request.params.issue_number);
  if (!request.state.pulls.has(issue)) return notFound(request);
  const body = bodyOf(request);
  if (body === undefined) return validationFailed(request, 'IssueComment', 'body', 'body is missing', 'missing_field');
  return { status: 201, body: renderComment(request.site, request.state.addComment(issue, body, request.actor)) };
}

function getComment(request: SimRequest): SimResponse {
  const found = request.state.comments.get(Number(request.params.comment_id));
  return found ? { status: 200, body: renderComment(request.site, found) } : notFound(request);
}

function updateComment(request: SimRequest): SimResponse {
  const found = request.state.comments.get(Number(request.params.comment_id));
  if (!found) return notFound(request);
  const body = bodyOf(request);
  if (body === undefined) return validationFailed(request, 'IssueComment', 'body', 'body is missing', 'missing_field');
  Object.assign(found, { body, updatedAt: timestamp() });
  return { status: 200, body: renderComment(request.site, found) };
}

function deleteComment(request: SimRequest): SimResponse {
  return request.state.comments.delete(Number(request.params.comment_id)) ? { status: 204 } : notFound(request);
}

/** Pull request and issue comment routes. */
export const issueRoutes: Route[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}/pulls/{pull_number}', permission: [['pull_requests', 'read']], handle: getPull },
  { method: 'GET', template: comments, permission: commentRead, handle: listComments },
  { method: 'POST', template: comments, permission: commentWrite, handle: createComment },
  { method: 'GET', template: comment, permission: commentRead, handle: getComment },
  { method: 'PATCH', template: comment, permission: commentWrite, handle: updateComment },
  { method: 'DELETE', template: comment, permission: commentWrite, handle: deleteComment },
];
