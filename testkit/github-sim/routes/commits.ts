import { paginated } from '../pagination.js';
import { renderCommitStatus, renderPull, renderRepository, repoUrl } from '../representations.js';
import { errorResponse, notFound, validationFailed, type Route, type SimRequest, type SimResponse } from '../router.js';
import { isSha, timestamp, type CommitStatusRecord } from '../state.js';

// Commits: statuses (create, list, combined), the git ref of a branch, and the pull requests
// of a commit. Commit statuses feed the required_contexts check of deployment creation.
// POST /statuses/{sha} is not in the contract subset (Slipway does not call it): not validated.

const states = ['error', 'failure', 'pending', 'success'];

function create(request: SimRequest): SimResponse {
  const body = request.body ?? {};
  if (!states.includes(String(body.state))) return validationFailed(request, 'Status', 'state', `state must be one of ${states.join(', ')}`, 'invalid');
  const sha = request.params.sha;
  if (!isSha(sha)) return errorResponse(422, `No commit found for SHA: ${sha}`, request);
  const status = request.state.addCommitStatus(sha, {
    context: typeof body.context === 'string' ? body.context : 'default', state: body.state as CommitStatusRecord['state'],
    description: typeof body.description === 'string' ? body.description : null, targetUrl: typeof body.target_url === 'string' ? body.target_url : null,
    createdAt: timestamp(),
  });
  return { status: 201, body: renderCommitStatus(request.site, sha.toLowerCase(), status) };
}

/** The commit a ref names and its statuses, newest first; undefined when the ref is unknown. */
function statusesOf(request: SimRequest): { sha: string; statuses: CommitStatusRecord[] } | undefined {
  const sha = request.state.resolveRef(request.params.ref);
  return sha ? { sha, statuses: [...(request.state.commitStatuses.get(sha) ?? [])].reverse() } : undefined;
}

function list(request: SimRequest): SimResponse {
  const found = statusesOf(request);
  return found ? paginated(request, found.statuses, (s) => renderCommitStatus(request.site, found.sha, s)) : notFound(request);
}

/** GitHub's combined state: failure if any context failed or errored, pending if any is pending or none reported, else success. */
function combinedState(latest: CommitStatusRecord[]): 'failure' | 'pending' | 'success' {
  if (latest.some((s) => s.state === 'failure' || s.state === 'error')) return 'failure';
  return latest.length === 0 || latest.some((s) => s.state === 'pending') ? 'pending' : 'success';
}

function combined(request: SimRequest): SimResponse {
  const found = statusesOf(request);
  if (!found) return notFound(request);
  const latest = [...new Map(found.statuses.map((s) => [s.context, s] as const).reverse()).values()];
  const { site } = request;
  return paginated(request, latest, (s) => renderCommitStatus(site, found.sha, s), (page) => ({
    state: combinedState(latest), sha: found.sha, total_count: latest.length, statuses: page, repository: renderRepository(site, request.state.defaultBranch),
    commit_url: `${repoUrl(site)}/commits/${found.sha}`, url: `${repoUrl(site)}/commits/${found.sha}/status`,
  }));
}

function gitRef(request: SimRequest): SimResponse {
  const name = request.params.ref;
  const branch = /^heads\/(.+)$/.exec(name)?.[1];
  const sha = branch ? request.state.branches.get(branch) : undefined;
  if (!sha) return notFound(request);
  const url = `${repoUrl(request.site)}/git/refs/${name}`;
  return { status: 200, body: { ref: `refs/${name}`, node_id: Buffer.from(`0:Ref${name}`).toString('base64'), url, object: { type: 'commit', sha, url: `${repoUrl(request.site)}/git/commits/${sha}` } } };
}

function pullsOfCommit(request: SimRequest): SimResponse {
  const sha = request.params.commit_sha.toLowerCase();
  const base = request.state.branches.get(request.state.defaultBranch) ?? '';
  const pulls = [...request.state.pulls.values()].filter((pr) => pr.headSha.toLowerCase() === sha);
  return paginated(request, pulls, (pr) => renderPull(request.site, pr, base));
}

/** The commit routes. */
export const commitRoutes: Route[] = [
  { method: 'POST', template: '/repos/{owner}/{repo}/statuses/{sha}', permission: [['statuses', 'write']], handle: create },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{ref}/statuses', permission: [['statuses', 'read']], handle: list },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{ref}/status', permission: [['statuses', 'read']], handle: combined },
  { method: 'GET', template: '/repos/{owner}/{repo}/git/ref/{ref}', handle: gitRef },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', permission: [['pull_requests', 'read']], handle: pullsOfCommit },
];
