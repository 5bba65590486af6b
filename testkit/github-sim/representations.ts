import { responseSchema } from './contract.js';
import { actionsBot, timestamp, type Account, type CheckRunRecord, type CommentRecord, type CommitStatusRecord, type DeploymentRecord, type EnvironmentRecord, type PullRecord, type StatusRecord } from './state.js';

// How GitHub renders each resource. Small resources are written out; the huge ones (repository,
// pull request) start from a minimal valid instance of the contract's own schema, so every field
// GitHub promises is present, and override what tests care about.

/** Where the simulated repository lives: URLs in every representation derive from this. */
export interface Site { baseUrl: string; owner: string; repo: string; repoId: number }

const html = 'https://github.com';
const nodeId = (kind: string, id: number): string => Buffer.from(`0:${kind}${id}`).toString('base64');
export const repoUrl = (site: Site): string => `${site.baseUrl}/repos/${site.owner}/${site.repo}`;

/** A user or bot as GitHub's "Simple User". */
function renderAccount(site: Site, account: Account): Record<string, unknown> {
  const url = `${site.baseUrl}/users/${encodeURIComponent(account.login)}`;
  return {
    login: account.login, id: account.id, node_id: nodeId('User', account.id), avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    gravatar_id: '', url, html_url: `${html}/${account.login}`, followers_url: `${url}/followers`, following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`, starred_url: `${url}/starred{/owner}{/repo}`, subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`, repos_url: `${url}/repos`, events_url: `${url}/events{/privacy}`, received_events_url: `${url}/received_events`,
    type: account.type, user_view_type: 'public', site_admin: false,
  };
}

/** A deployment as GitHub returns it. */
export function renderDeployment(site: Site, d: DeploymentRecord): Record<string, unknown> {
  const url = `${repoUrl(site)}/deployments/${d.id}`;
  return {
    url, id: d.id, node_id: nodeId('Deployment', d.id), task: d.task, original_environment: d.originalEnvironment, environment: d.environment,
    description: d.description, created_at: d.createdAt, updated_at: d.updatedAt, statuses_url: `${url}/statuses`, repository_url: repoUrl(site),
    creator: renderAccount(site, d.creator), sha: d.sha, ref: d.ref, payload: d.payload, transient_environment: d.transient,
    production_environment: d.production, performed_via_github_app: null,
  };
}

/** A deployment status as GitHub returns it (target_url mirrors log_url). */
export function renderStatus(site: Site, s: StatusRecord): Record<string, unknown> {
  const deploymentUrl = `${repoUrl(site)}/deployments/${s.deploymentId}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`, id: s.id, node_id: nodeId('DeploymentStatus', s.id), state: s.state, creator: renderAccount(site, s.creator),
    description: s.description, environment: s.environment, target_url: s.logUrl, created_at: s.createdAt, updated_at: s.createdAt,
    deployment_url: deploymentUrl, repository_url: repoUrl(site), environment_url: s.environmentUrl, log_url: s.logUrl, performed_via_github_app: null,
  };
}

function renderReviewer(site: Site, reviewer: { type: 'User' | 'Team'; id: number }): Record<string, unknown> {
  if (reviewer.type === 'User') return renderAccount(site, { login: `user-${reviewer.id}`, id: reviewer.id, type: 'User' });
  const url = `${site.baseUrl}/organizations/1/team/${reviewer.id}`;
  return {
    id: reviewer.id, node_id: nodeId('Team', reviewer.id), url, members_url: `${url}/members{/member}`, name: `team-${reviewer.id}`, slug: `team-${reviewer.id}`,
    description: null, permission: 'pull', privacy: 'closed', notification_setting: 'notifications_enabled', html_url: `${html}/orgs/${site.owner}/teams/team-${reviewer.id}`,
    repositories_url: `${url}/repos`, parent: null, type: 'team',
  };
}

/** An environment with its protection rules (required_reviewers, wait_timer, branch_policy). */
export function renderEnvironment(site: Site, env: EnvironmentRecord): Record<string, unknown> {
  const rules: Record<string, unknown>[] = [];
  const ruleId = (n: number): number => env.id * 10 + n;
  if (env.reviewers.length > 0) {
    rules.push({
      id: ruleId(1), node_id: nodeId('Gate', ruleId(1)), type: 'required_reviewers', prevent_self_review: env.preventSelfReview,
      reviewers: env.reviewers.map((r) => ({ type: r.type, reviewer: renderReviewer(site, r) })),
    });
  }
  if (env.waitTimer > 0) rules.push({ id: ruleId(2), node_id: nodeId('Gate', ruleId(2)), type: 'wait_timer', wait_timer: env.waitTimer });
  if (env.branchPolicy) rules.push({ id: ruleId(3), node_id: nodeId('Gate', ruleId(3)), type: 'branch_policy' });
  return {
    id: env.id, node_id: nodeId('Environment', env.id), name: env.name, url: `${repoUrl(site)}/environments/${encodeURIComponent(env.name)}`,
    html_url: `${html}/${site.owner}/${site.repo}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
    created_at: env.createdAt, updated_at: env.updatedAt, protection_rules: rules, deployment_branch_policy: env.branchPolicy,
  };
}

/** An issue or pull-request comment. */
export function renderComment(site: Site, c: CommentRecord): Record<string, unknown> {
  return {
    id: c.id, node_id: nodeId('IssueComment', c.id), url: `${repoUrl(site)}/issues/comments/${c.id}`,
    html_url: `${html}/${site.owner}/${site.repo}/pull/${c.issueNumber}#issuecomment-${c.id}`, body: c.body, user: renderAccount(site, c.user),
    created_at: c.createdAt, updated_at: c.updatedAt, issue_url: `${repoUrl(site)}/issues/${c.issueNumber}`, author_association: 'NONE',
    performed_via_github_app: null,
  };
}

/** A commit status (made with GITHUB_TOKEN, so by github-actions[bot]). */
export function renderCommitStatus(site: Site, sha: string, s: CommitStatusRecord): Record<string, unknown> {
  return {
    url: `${repoUrl(site)}/statuses/${sha}`, avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4', id: s.id, node_id: nodeId('StatusContext', s.id),
    state: s.state, description: s.description, target_url: s.targetUrl, context: s.context, created_at: s.createdAt, updated_at: s.createdAt,
    creator: renderAccount(site, actionsBot),
  };
}

/** A check run, made by the GitHub Actions app as GITHUB_TOKEN's are. */
export function renderCheckRun(site: Site, run: CheckRunRecord): Record<string, unknown> {
  const schema = responseSchema('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 200) as { properties: Record<string, unknown> };
  const app = merge(minimalInstance({ ...(schema.properties.app as object), nullable: false }), {
    id: 15368, slug: 'github-actions', node_id: 'MDM6QXBwMTUzNjg=', name: 'GitHub Actions', html_url: `${html}/apps/github-actions`,
    owner: renderAccount(site, { login: 'github', id: 9919, type: 'User' }),
  });
  const url = `${repoUrl(site)}/check-runs/${run.id}`;
  return {
    id: run.id, node_id: nodeId('CheckRun', run.id), head_sha: run.headSha, external_id: run.externalId, url,
    html_url: `${html}/${site.owner}/${site.repo}/runs/${run.id}`, details_url: run.detailsUrl, status: run.status, conclusion: run.conclusion,
    started_at: run.startedAt, completed_at: run.completedAt, name: run.name, check_suite: { id: 7_000_000 + run.id }, app, pull_requests: [],
    output: { ...run.output, annotations_count: 0, annotations_url: `${url}/annotations` },
  };
}

/** A minimal value satisfying an OpenAPI schema: required fields only, nullable ones null. */
function minimalInstance(schema: unknown): unknown {
  const s = (schema ?? {}) as Record<string, unknown>;
  if (s.nullable === true) return null;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.allOf)) return Object.assign({}, ...s.allOf.map(minimalInstance));
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (branches) return minimalInstance(branches[0]);
  switch (s.type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(((s.required ?? []) as string[]).map((name) => [name, minimalInstance(properties[name])]));
    }
    case 'array': return [];
    case 'integer': case 'number': return typeof s.example === 'number' ? s.example : 0;
    case 'boolean': return false;
    case 'string':
      if (s.format === 'date-time') return timestamp();
      if (s.format === 'uri') return html;
      return typeof s.example === 'string' ? s.example : '';
    default: return null;
  }
}

function merge(base: unknown, override: Record<string, unknown>): Record<string, unknown> {
  const out = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
      ? merge(current, value as Record<string, unknown>) : value;
  }
  return out;
}

/** The repository (GET /repos/{owner}/{repo}). */
export function renderRepository(site: Site, defaultBranch: string): Record<string, unknown> {
  return merge(minimalInstance(responseSchema('GET', '/repos/{owner}/{repo}', 200)), {
    id: site.repoId, node_id: nodeId('Repository', site.repoId), name: site.repo, full_name: `${site.owner}/${site.repo}`, private: false,
    owner: renderAccount(site, { login: site.owner, id: 9919, type: 'User' }), url: repoUrl(site), html_url: `${html}/${site.owner}/${site.repo}`,
    default_branch: defaultBranch, deployments_url: `${repoUrl(site)}/deployments`, visibility: 'public',
  });
}

/** A pull request (GET /repos/{owner}/{repo}/pulls/{pull_number}). */
export function renderPull(site: Site, pr: PullRecord, baseSha: string): Record<string, unknown> {
  const user = renderAccount(site, { login: 'octocat', id: 583231, type: 'User' });
  const side = (ref: string, sha: string) => ({ label: `${site.owner}:${ref}`, ref, sha, user, repo: renderRepository(site, 'main') });
  return merge(minimalInstance(responseSchema('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', 200)), {
    id: 10_000_000 + pr.number, node_id: nodeId('PullRequest', pr.number), number: pr.number, state: 'open', title: pr.title, user,
    url: `${repoUrl(site)}/pulls/${pr.number}`, html_url: `${html}/${site.owner}/${site.repo}/pull/${pr.number}`,
    issue_url: `${repoUrl(site)}/issues/${pr.number}`, created_at: pr.createdAt, updated_at: pr.createdAt,
    head: side(pr.headRef, pr.headSha), base: side(pr.baseRef, baseSha), author_association: 'CONTRIBUTOR', mergeable_state: 'clean',
  });
}
