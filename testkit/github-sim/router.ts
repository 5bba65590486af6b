import { documentationUrl } from './contract.js';
import type { Site } from './representations.js';
import type { Access, Account, Scope, SimState } from './state.js';

// The route table's vocabulary: a route is a contract template plus a handler over the state.

/** A request as a route handler sees it (already authenticated, permitted and parsed). */
export interface SimRequest {
  method: string;
  /** The contract template, e.g. '/repos/{owner}/{repo}/deployments'. */
  template: string;
  /** Path after the repository prefix, e.g. '/deployments/7/statuses' (for Link headers). */
  repoPath: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  state: SimState;
  site: Site;
  /** Who the token acts as (github-actions[bot] for the simulator's token). */
  actor: Account;
}

/** What a handler answers. */
export interface SimResponse { status: number; body?: unknown; headers?: Record<string, string> }

/** One endpoint: method + contract template, the permission it needs (any of), its handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  template: string;
  /** Alternatives: any one of these grants access. Omitted: only a valid token is needed. */
  permission?: [Scope, Access][];
  handle(request: SimRequest): SimResponse;
}

/** GitHub's error body: message, documentation_url and the status as a string. */
export function errorResponse(status: number, message: string, request: Pick<SimRequest, 'method' | 'template'> | undefined, extra: Record<string, unknown> = {}): SimResponse {
  const docs = request ? documentationUrl(request.method, request.template) : 'https://docs.github.com/rest';
  return { status, body: { message, documentation_url: docs, ...extra, status: String(status) } };
}

/** 404 as GitHub answers it for a missing resource. */
export const notFound = (request: SimRequest): SimResponse => errorResponse(404, 'Not Found', request);

/** 422 "Validation Failed" with one error naming the resource, field and reason. */
export function validationFailed(request: SimRequest, resource: string, field: string, message: string, code = 'custom'): SimResponse {
  return errorResponse(422, 'Validation Failed', request, { errors: [{ resource, code, field, message }] });
}

interface Compiled { route: Route; pattern: RegExp; names: string[] }

/** Matches request paths against route templates. */
export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        // A git ref may contain slashes (heads/feature/x); other parameters are one segment.
        return name === 'ref' ? '(.+?)' : '([^/]+)';
      });
      return { route, pattern: new RegExp(`^${source}$`), names };
    });
  }

  /** The route and decoded path parameters for a request, or undefined (GitHub's 404). */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const { route, pattern, names } of this.compiled) {
      if (route.method !== method) continue;
      const found = pattern.exec(path);
      if (found) return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1])])) };
    }
    return undefined;
  }
}
