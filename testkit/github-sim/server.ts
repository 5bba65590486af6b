import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateRequest, validateResponse } from './contract.js';
import { faultResponse, FaultQueue, parseRouteKey, type FaultSpec } from './faults.js';
import { SecondaryLimiter } from './limits.js';
import type { Site } from './representations.js';
import { errorResponse, type Route, type Router, type SimRequest, type SimResponse } from './router.js';
import { actionsBot, type Access, type SimState } from './state.js';

// The HTTP front: logs and counts every request, applies faults, authentication, the rate-limit
// budget and permissions the way GitHub does, hands the request to its route, and checks what
// was accepted and returned against the contract.

/** One request as the simulator saw it; status 0 when the connection was dropped. */
export interface LoggedRequest { method: string; route: string; path: string; status: number }

/** A response tamper hook, for proving that contract validation catches drift. */
interface Corruption { method?: string; template?: string; left: number; mutate: (body: unknown) => unknown }

const rank: Record<Access, number> = { none: 0, read: 1, write: 2 };
const rateLimitTemplate = '/rate_limit';

export interface HandlerOptions {
  site: Site; state: SimState; router: Router; token: string; validate: boolean;
  /** Enforce GitHub's secondary limits (concurrency, content creation); off unless asked. */
  secondaryLimits: boolean;
}

/** The request pipeline behind the simulator's node:http server. */
export class SimHandler {
  readonly requestLog: LoggedRequest[] = [];
  readonly contractViolations: string[] = [];
  readonly faults = new FaultQueue();
  readonly corruptions: Corruption[] = [];
  private readonly limiter = new SecondaryLimiter();
  constructor(private readonly options: HandlerOptions) {}

  /** Adds a fault (see FaultSpec). */
  injectFault(fault: FaultSpec): void {
    this.faults.add(fault);
  }

  /** The rate-limit headers GitHub sends on every answer. */
  private rateLimitHeaders(): Record<string, string> {
    const { limit, used, resetAt } = this.options.state.currentBudget();
    return {
      'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(Math.max(0, limit - used)),
      'x-ratelimit-used': String(used), 'x-ratelimit-reset': String(resetAt), 'x-ratelimit-resource': 'core',
    };
  }

  /** Handles one HTTP request end to end. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.limiter.enter();
    try {
      await this.process(req, res);
    } finally {
      this.limiter.leave();
    }
  }

  private async process(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { site, state, router } = this.options;
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', site.baseUrl);
    // Link headers point at /repositories/{id}/…: the same repository under its numeric id.
    let path = url.pathname.replace(/(.)\/+$/, '$1');
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    if (byId && Number(byId[1]) === site.repoId) path = `/repos/${site.owner}/${site.repo}${byId[2] ?? ''}`;
    const matched = router.match(method, path);
    const template = matched?.route.template ?? path;
    const entry: LoggedRequest = { method, route: template, path: url.pathname + url.search, status: 0 };
    this.requestLog.push(entry);
    const request: SimRequest = {
      method, template, params: matched?.params ?? {}, query: url.searchParams, body: undefined, state, site, actor: actionsBot,
      repoPath: path.replace(/^\/repos\/[^/]+\/[^/]+/, ''),
    };

    const fault = this.faults.take(method, template, Buffer.concat(chunks).toString('utf8'));
    if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms ?? 0));
    const failing = fault && fault.kind !== 'latency' ? fault : undefined;
    if (failing && !failing.afterApply) return this.fail(failing, entry, req, res);

    let response = this.answer(request, matched?.route, req.headers.authorization, Buffer.concat(chunks).toString('utf8'));
    if (failing) return this.fail(failing, entry, req, res);
    response = this.corrupt(method, template, response);
    if (this.options.validate && matched) {
      this.contractViolations.push(...validateResponse(method, template, response.status, response.body));
    }
    this.send(res, entry, response);
  }

  private answer(request: SimRequest, route: Route | undefined, authorization: string | undefined, raw: string): SimResponse {
    const { site, state, token, validate } = this.options;
    const given = /^(?:token|bearer)\s+(.+)$/i.exec(authorization ?? '')?.[1];
    if (given === undefined) return errorResponse(401, 'Requires authentication', request);
    if (given !== token) return errorResponse(401, 'Bad credentials', request);
    if (request.template !== rateLimitTemplate) {
      // GET /rate_limit is free, as on GitHub.
      const budget = state.currentBudget();
      if (budget.used >= budget.limit) {
        return { status: 403, body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api', status: '403' } };
      }
      budget.used++;
    }
    const refusal = this.options.secondaryLimits ? this.limiter.admit(request.method) : undefined;
    if (refusal) return faultResponse({ kind: 'status', status: 403, retryAfter: refusal.retryAfter });
    const { owner, repo } = request.params;
    const sameRepo = owner === undefined || (owner.toLowerCase() === site.owner.toLowerCase() && repo?.toLowerCase() === site.repo.toLowerCase());
    if (!route || !sameRepo) return errorResponse(404, 'Not Found', undefined);
    const permitted = !route.permission || route.permission.some(([scope, need]) => rank[state.permissions[scope]] >= rank[need]);
    if (!permitted) {
      const response = errorResponse(403, 'Resource not accessible by integration', request);
      // GitHub names the permission that would have allowed the call (alternatives split by ';').
      return { ...response, headers: { 'x-accepted-github-permissions': (route.permission ?? []).map(([s, a]) => `${s}=${a}`).join('; ') } };
    }
    if (raw.trim() !== '') {
      try {
        request.body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return errorResponse(400, 'Problems parsing JSON', request);
      }
    }
    if (validate) {
      const problems = validateRequest(request.method, request.template, { params: request.params, query: Object.fromEntries(request.query), body: request.body });
      this.contractViolations.push(...problems);
      const bodyProblems = problems.filter((p) => p.includes(': request body:'));
      // GitHub rejects a body that breaks its schema ("Invalid request."): so does the simulator.
      if (bodyProblems.length > 0) return errorResponse(422, `Invalid request.\n\n${bodyProblems.map((p) => p.replace(/^.*: request body: /, '')).join('\n')}`, request);
    }
    return route.handle(request);
  }

  private fail(fault: FaultSpec, entry: LoggedRequest, req: IncomingMessage, res: ServerResponse): void {
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    this.send(res, entry, faultResponse(fault));
  }

  private corrupt(method: string, template: string, response: SimResponse): SimResponse {
    const index = this.corruptions.findIndex((c) => (!c.method || c.method === method) && (!c.template || c.template === template));
    if (index < 0) return response;
    const corruption = this.corruptions[index];
    if (--corruption.left <= 0) this.corruptions.splice(index, 1);
    return { ...response, body: corruption.mutate(structuredClone(response.body)) };
  }

  /** Registers a tamper hook on the next `times` answers of a route (see GitHubSimulator.corruptResponses). */
  addCorruption(route: string, mutate: (body: unknown) => unknown, times = 1): void {
    this.corruptions.push({ ...parseRouteKey(route), left: times, mutate });
  }

  private send(res: ServerResponse, entry: LoggedRequest, response: SimResponse): void {
    entry.status = response.status;
    const headers: Record<string, string> = {
      'x-github-api-version-selected': '2022-11-28', 'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(), ...this.rateLimitHeaders(), ...response.headers,
    };
    if (response.status === 204 || response.body === undefined) {
      res.writeHead(response.status, headers).end();
      return;
    }
    res.writeHead(response.status, { ...headers, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(response.body));
  }
}
