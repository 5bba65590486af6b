import { SlipwayError } from '../errors.js';

// Registry authentication: anonymous, basic, and the bearer-token challenge flow of the
// distribution spec's token auth (ghcr.io, Docker Hub): a 401 carries
// `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`; the client asks the realm for a
// token for that service and scope (with basic credentials when it has them) and retries with
// `Authorization: Bearer <token>`. Credentials only ever go into headers, never into messages.
//
// The realm is named by the registry, so it could point anywhere: Basic credentials go to it only
// over https (any host: Docker Hub's realm is auth.docker.io for registry-1.docker.io), or over
// plain http when the registry itself is plain http on the same host name (a local registry with
// its token service on another port). Any other realm is refused rather than asked anonymously:
// an anonymous token would only fail later with a confusing 401 or 403.

/** Username and password (or token) for a registry. */
export interface Credentials {
  username: string;
  password: string;
  /**
   * An OAuth refresh token (docker's `identitytoken`, from config.json): exchanged for bearer
   * tokens by a POST to the realm (grant_type=refresh_token), as docker does, instead of Basic.
   */
  identityToken?: string;
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
 * merged in). `registryUrl` is the base URL of the registry that sent the challenge: it decides
 * whether the realm may receive the credentials (see the module comment). Errors say what the
 * token service answered, never the credentials.
 */
export async function fetchToken(challenge: Challenge, scope: string, credentials: Credentials | undefined, registryUrl: string, fetchImpl: typeof fetch): Promise<BearerToken> {
  const realm = challenge.params.realm;
  if (!realm) throw new SlipwayError('The registry asked for a bearer token but named no realm in its WWW-Authenticate header.');
  const url = realmUrl(realm, registryUrl, credentials !== undefined);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  const scopes = new Set([scope, ...(challenge.params.scope ? challenge.params.scope.split(' ') : [])]);
  for (const s of scopes) url.searchParams.append('scope', s);
  let response: Response;
  if (credentials?.identityToken) {
    // The OAuth2 refresh-token grant of the token spec: the scopes go space-separated in the form.
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'slipway', scope: [...scopes].join(' ') });
    if (challenge.params.service) form.set('service', challenge.params.service);
    url.search = '';
    response = await fetchImpl(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  } else {
    if (credentials) url.searchParams.set('account', credentials.username);
    const headers: Record<string, string> = credentials ? { authorization: basicAuthorization(credentials) } : {};
    response = await fetchImpl(url, { headers });
  }
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

/**
 * The realm as a URL, once it is known to be one the request may go to: http or https without user
 * info, and, when credentials go along, https or plain http on the host name of a plain-http
 * registry. The port may differ (a token service beside a local registry); the host name may
 * differ over https only.
 */
export function realmUrl(realm: string, registryUrl: string, withCredentials: boolean): URL {
  const registry = new URL(registryUrl);
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    // The realm is the registry's text, not ours: quoted short, as any registry answer is.
    throw new SlipwayError(`The registry ${registry.host} named the token realm ${JSON.stringify(realm.slice(0, 100))}, which is not a URL, so no token can be asked for. Fix: have the registry name an https realm (distribution's auth.token.realm).`);
  }
  // Shown without user info or query: only what identifies where the request would go.
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SlipwayError(`The registry ${registry.host} named the token realm ${shown}, which is neither https nor http, so no token was asked for. Fix: have the registry name an https realm (distribution's auth.token.realm).`);
  }
  if (url.username || url.password) {
    // fetch refuses such a URL; and credentials of the registry's choosing are not ours to send.
    throw new SlipwayError(`The registry ${registry.host} named the token realm ${shown} with user info in its URL, so no token was asked for. Fix: have the registry name a realm URL without user info.`);
  }
  if (!withCredentials || url.protocol === 'https:') return url;
  let why: string;
  if (registry.protocol !== 'http:') why = 'plain http, while the registry itself is reached over https';
  else if (url.hostname !== registry.hostname) why = `plain http to another host than the registry's (${registry.hostname})`;
  else return url;
  throw new SlipwayError(
    `The registry ${registry.host} named the token realm ${shown}, which would receive the registry credentials over ${why}; Slipway sends registry credentials to a token realm only over https, or over http on the host of a plain-http registry, so it sent nothing. ` +
      `Fix: have the registry name an https realm (distribution's auth.token.realm), or leave the registry credentials empty if the registry allows anonymous access.`,
  );
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
