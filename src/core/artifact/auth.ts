import { SlipwayError } from '../errors.js';

// Registry authentication: anonymous, basic, and the bearer-token challenge flow of the
// distribution spec's token auth (ghcr.io, Docker Hub): a 401 carries
// `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`; the client asks the realm for a
// token for that service and scope (with basic credentials when it has them) and retries with
// `Authorization: Bearer <token>`. Credentials only ever go into headers, never into messages.

/** Username and password (or token) for a registry. */
export interface Credentials {
  username: string;
  password: string;
}

/** A parsed `WWW-Authenticate` challenge. */
export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parses the first challenge of a `WWW-Authenticate` header; undefined for schemes we do not speak. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  const pair = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = pair.exec(match[2]); m; m = pair.exec(match[2])) params[m[1].toLowerCase()] = (m[2] ?? m[3]).replace(/\\(.)/g, '$1');
  return { scheme, params };
}

/** The `Authorization` value for basic credentials. */
export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** The scope string of the token flow: `repository:<name>:pull` or `…:pull,push`. */
export function repositoryScope(repository: string, push: boolean): string {
  return `repository:${repository}:${push ? 'pull,push' : 'pull'}`;
}

/** A bearer token and when it stops being valid (ms since the epoch). */
export interface BearerToken {
  token: string;
  expiresAt: number;
  /** Its lifetime in ms, from `expires_in` (60 s when absent, as the token spec says). */
  lifetimeMs: number;
}

/**
 * Fetches a bearer token from the challenge's realm for `scope` (the challenge's own scope is
 * merged in). Errors say what the token service answered, never the credentials.
 */
export async function fetchToken(challenge: Challenge, scope: string, credentials: Credentials | undefined, fetchImpl: typeof fetch): Promise<BearerToken> {
  const realm = challenge.params.realm;
  if (!realm) throw new SlipwayError('The registry asked for a bearer token but named no realm in its WWW-Authenticate header.');
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  const scopes = new Set([scope, ...(challenge.params.scope ? challenge.params.scope.split(' ') : [])]);
  for (const s of scopes) url.searchParams.append('scope', s);
  if (credentials) url.searchParams.set('account', credentials.username);
  const headers: Record<string, string> = credentials ? { authorization: basicAuthorization(credentials) } : {};
  const response = await fetchImpl(url, { headers });
  const text = await response.text();
  if (response.status === 401) throw new RegistryAuthError(401, `the token service ${url.origin} rejected the credentials`);
  if (response.status === 403) throw new RegistryAuthError(403, `the token service ${url.origin} denied access to ${[...scopes].join(' ')}`);
  if (!response.ok) throw new SlipwayError(`The token service ${url.origin} answered ${response.status} for scope ${scope}.`);
  let body: { token?: string; access_token?: string; expires_in?: number };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new SlipwayError(`The token service ${url.origin} answered with something that is not JSON.`);
  }
  const token = body.token ?? body.access_token;
  if (!token) throw new SlipwayError(`The token service ${url.origin} answered without a token.`);
  const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60) * 1000;
  return { token, expiresAt: Date.now() + lifetimeMs, lifetimeMs };
}

/** A 401 or 403 from a registry or its token service; the message says what to fix. */
export class RegistryAuthError extends SlipwayError {
  override readonly name = 'RegistryAuthError';
  constructor(
    readonly status: 401 | 403,
    detail: string,
  ) {
    super(detail);
  }
}
