import { renderCheckRun } from '../representations.js';
import { notFound, validationFailed, type Route, type SimRequest, type SimResponse } from '../router.js';
import { isSha, timestamp, type CheckRunRecord } from '../state.js';

// Check runs: create, get, update (`checks: write`). A conclusion completes the run; a
// `completed` status needs a conclusion — GitHub's documented rules.

const collection = '/repos/{owner}/{repo}/check-runs';

type Body = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Applies a create or update body to a run (or to a new one); an error answer when the body breaks a rule. */
function apply(request: SimRequest, run: Omit<CheckRunRecord, 'id'>, body: Body): SimResponse | undefined {
  const conclusion = text(body.conclusion) ?? run.conclusion;
  let status = (text(body.status) ?? run.status) as CheckRunRecord['status'];
  if (text(body.conclusion)) status = 'completed';
  if (status === 'completed' && !conclusion) return validationFailed(request, 'CheckRun', 'conclusion', 'conclusion is required when status is completed', 'missing_field');
  if (conclusion === 'stale' && text(body.conclusion)) return validationFailed(request, 'CheckRun', 'conclusion', 'only GitHub can set stale', 'invalid');
  const output = (body.output ?? {}) as Body;
  Object.assign(run, {
    name: text(body.name) ?? run.name, status, conclusion, detailsUrl: text(body.details_url) ?? run.detailsUrl, externalId: text(body.external_id) ?? run.externalId,
    startedAt: text(body.started_at) ?? run.startedAt, completedAt: text(body.completed_at) ?? (status === 'completed' ? run.completedAt ?? timestamp() : run.completedAt),
    output: { title: text(output.title) ?? run.output.title, summary: text(output.summary) ?? run.output.summary, text: text(output.text) ?? run.output.text },
  });
  return undefined;
}

function create(request: SimRequest): SimResponse {
  const body = request.body ?? {};
  const headSha = String(body.head_sha ?? '');
  if (!isSha(headSha)) return validationFailed(request, 'CheckRun', 'head_sha', `No commit found for SHA: ${headSha}`, 'invalid');
  const draft: Omit<CheckRunRecord, 'id'> = {
    name: '', headSha: headSha.toLowerCase(), status: 'queued', conclusion: null, startedAt: timestamp(), completedAt: null, detailsUrl: null, externalId: null,
    output: { title: null, summary: null, text: null },
  };
  const refused = apply(request, draft, body);
  if (refused) return refused;
  return { status: 201, body: renderCheckRun(request.site, request.state.addCheckRun(draft)) };
}

function get(request: SimRequest): SimResponse {
  const run = request.state.checkRuns.get(Number(request.params.check_run_id));
  return run ? { status: 200, body: renderCheckRun(request.site, run) } : notFound(request);
}

function update(request: SimRequest): SimResponse {
  const run = request.state.checkRuns.get(Number(request.params.check_run_id));
  if (!run) return notFound(request);
  // Validate on a copy so a refused update changes nothing.
  const draft = structuredClone(run);
  const refused = apply(request, draft, request.body ?? {});
  if (refused) return refused;
  Object.assign(run, draft);
  return { status: 200, body: renderCheckRun(request.site, run) };
}

/** The check run routes. */
export const checkRunRoutes: Route[] = [
  { method: 'POST', template: collection, permission: [['checks', 'write']], handle: create },
  { method: 'GET', template: `${collection}/{check_run_id}`, permission: [['checks', 'read']], handle: get },
  { method: 'PATCH', template: `${collection}/{check_run_id}`, permission: [['checks', 'write']], handle: update },
];
