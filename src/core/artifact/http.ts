import { SlipwayError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { fetchToken, basicAuthorization, parseChallenge, repositoryScope, RegistryAuthError, type BearerToken, type Challenge, type Credentials } from './auth.js';
import { registryBaseUrl } from './reference.js';
import type { Clock } from '../analysis/clock.js';
import { isRetryableStatus, isTransientNetworkError, parseRetryAfter, transientNetworkCode, withRetry, type RetryPolicy } from '../retry.js';

// The HTTP layer of the distribution client: one registry, its auth state (scheme learnt from the
// first 401, bearer tokens cached per scope) and retries (src/core/retry.ts). Requests whose body
// can be sent again (none, or a buffer) are retried on 5xx, 429 and dropped connections; streamed
// bodies are not, their callers restart the whole upload (blobs.ts).

/** What to tell the user to fix on a 401 or a 403; the action fills in its input names. */
export interface AuthHints {
  /** On a 401, or a 403 to anonymous access: e.g. "check `registry-username` and `registry-password`". */
  credentials: string;
  /** e.g. "grant `permissions: packages: write`". */
  permission: string;
}

/** Options of a `RegistryHttp`. */
export interface RegistryHttpOptions {
  /** Host[:port] of the registry, as in image names. */
  registry: string;
  /** Default: anonymous. */
  credentials?: Credentials;
  logger?: Logger;
  /** Attempts for a replayable request (default 6: waits of 0.25, 0.5, 1, 2, 4 s between them). */
  attempts?: number;
  /** First wait between attempts in ms (default 250, doubling, at most 8 s; a `Retry-After` up to a minute is obeyed). */
  retryDelayMs?: number;
  /** What the waits between attempts sleep on (default: the wall clock). */
  clock?: Pick<Clock, 'sleep'>;
  hints?: Partial<AuthHints>;
  /** Base URL override (default: http for loopback, https otherwise). */
  baseUrl?: string;
}

/** One request to a repository of the registry. */
export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  repository: string;
  /** Path below `/v2/<repository>/`, or an absolute URL (an upload location). */
  path: string;
  /** Whether the request writes (asks the token service for `pull,push`). */
  push?: boolean;
  headers?: Record<string, string>;
  /** A buffer (replayable) or a stream factory (sent once, never buffered). */
  body?: Buffer | (() => AsyncIterable<Uint8Array>);
}

const DEFAULT_HINTS: AuthHints = {
  credentials: 'give a username and password (or token) that the registry accepts',
  permission: 'grant the credentials access to the repository (for ghcr.io with GITHUB_TOKEN: `permissions: packages: write`)',
};

/** An HTTP client bound to one registry, with auth and retries. */
export class RegistryHttp {
  readonly registry: string;
  readonly baseUrl: string;
  private readonly credentials?: Credentials;
  private readonly logger: Logger;
  /** The patience of a replayable request, and of a restarted upload (blobs.ts). */
  readonly retryPolicy: RetryPolicy;
  readonly clock?: Pick<Clock, 'sleep'>;
  private readonly hints: AuthHints;
  private challenge?: Challenge;
  private readonly tokens = new Map<string, BearerToken>();

  constructor(options: RegistryHttpOptions) {
    this.registry = options.registry;
    this.baseUrl = options.baseUrl ?? registryBaseUrl(options.registry);
    this.credentials = options.credentials;
    this.logger = options.logger ?? silentLogger;
    // A registry that says when to come back (429/503 Retry-After) is obeyed, up to a minute.
    this.retryPolicy = { attempts: options.attempts ?? 6, firstDelayMs: options.retryDelayMs ?? 250, multiplier: 2, maxDelayMs: 8000, retryAfterLimitMs: 60_000 };
    this.clock = options.clock;
    this.hints = { ...DEFAULT_HINTS, ...options.hints };
  }

  /** The absolute URL of a path below `/v2/<repository>/` (or `url` itself when absolute). */
  url(repository: string, path: string): string {
    return /^https?:\/\//.test(path) ? path : new URL(path, `${this.baseUrl}/v2/${repository}/`).toString();
  }

  /** Sends a request, authenticating as challenged and retrying what can be retried. 401/403 throw. */
  async send(request: RegistryRequest): Promise<Response> {
    // A streamed body is sent once: its caller restarts the whole upload instead (blobs.ts).
    const policy = typeof request.body === 'function' ? { ...this.retryPolicy, attempts: 1 } : this.retryPolicy;
    return withRetry(() => this.authenticated(request), {
      policy,
      clock: this.clock,
      classify: (error) => (isConnectionError(error) ? {} : undefined),
      retryResult: (response) => (isRetryableStatus(response.status) ? { retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) } : undefined),
      onRetry: async ({ error, result, attempt, attempts, delayMs }) => {
        await result?.body?.cancel();
        const what = result ? String(result.status) : connectionErrorText(error);
        this.logger.debug(`${request.method} ${this.describe(request)}: ${what}, retrying in ${delayMs} ms (attempt ${attempt + 1}/${attempts})`);
      },
    });
  }

  private async authenticated(request: RegistryRequest): Promise<Response> {
    const origin = new URL(this.url(request.repository, request.path)).origin;
    if (origin !== new URL(this.baseUrl).origin) {
      // An upload location on another origin (a storage service the registry hands the upload
      // to) authorizes by its URL: the registry's credentials and tokens are never sent there and
      // its challenges are not answered, as docker's client does. fetch likewise drops them on a
      // redirect to another origin.
      const response = await this.once(request, undefined);
      if (response.status !== 401 && response.status !== 403) return response;
      await response.body?.cancel();
      throw new RegistryAuthError(
        response.status,
        `${request.method} ${this.describe(request)} answered ${response.status}: the registry ${this.registry} handed out this location on another origin, where Slipway sends none of the registry's credentials. Fix: have the registry hand out upload locations on its own origin, or ones that carry their own authorization.`,
      );
    }
    let response = await this.once(request, await this.authorization(request, false));
    if (response.status === 401) {
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      const insufficientScope = /insufficient_scope/.test(response.headers.get('www-authenticate') ?? '');
      await response.body?.cancel();
      if (!challenge || insufficientScope) throw this.authError(request, insufficientScope ? 403 : 401);
      this.challenge = challenge;
      if (challenge.scheme === 'basic' && !this.credentials) throw this.authError(request, 401);
      const authorization = await this.authorization(request, true);
      if (typeof request.body === 'function') {
        // A streamed body may be partly spent (a token expired mid-upload): with the fresh token
        // in hand, the caller restarts the whole upload rather than resend a slice.
        throw new TokenRefreshedError(`${request.method} ${this.describe(request)} needed a fresh token.`);
      }
      response = await this.once(request, authorization);
      if (response.status === 401) {
        const denied = /insufficient_scope/.test(response.headers.get('www-authenticate') ?? '');
        await response.body?.cancel();
        throw this.authError(request, denied ? 403 : 401);
      }
    }
    if (response.status === 403) {
      await response.body?.cancel();
      throw this.authError(request, 403);
    }
    return response;
  }

  private async authorization(request: RegistryRequest, refresh: boolean): Promise<string | undefined> {
    if (!this.challenge) return undefined;
    if (this.challenge.scheme === 'basic') return this.credentials ? basicAuthorization(this.credentials) : undefined;
    const scope = repositoryScope(request.repository, request.push ?? false);
    let token = refresh ? undefined : this.tokens.get(scope);
    // Renewed ahead of expiry (with half its lifetime, at most 30 s, to spare) so that a long
    // chunked upload never has a streamed request rejected halfway.
    if (token && token.expiresAt - Date.now() < Math.min(30_000, token.lifetimeMs / 2)) token = undefined;
    if (!token) {
      try {
        token = await fetchToken(this.challenge, scope, this.credentials, this.baseUrl, fetch);
      } catch (error) {
        if (error instanceof RegistryAuthError) throw this.authError(request, error.status, error.message);
        throw error;
      }
      this.tokens.set(scope, token);
    }
    return `Bearer ${token.token}`;
  }

  private async once(request: RegistryRequest, authorization: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { ...request.headers };
    if (authorization) headers.authorization = authorization;
    const body = typeof request.body === 'function' ? request.body() : request.body;
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers, redirect: 'follow' };
    if (body !== undefined) {
      init.body = body as unknown as RequestInit["body"];
      init.duplex = 'half';
    }
    const response = await fetch(this.url(request.repository, request.path), init);
    this.logger.debug(`${request.method} ${this.describe(request)} -> ${response.status}`);
    return response;
  }

  private describe(request: RegistryRequest): string {
    // Upload locations carry opaque state in their query: keep logs short and free of it.
    return this.url(request.repository, request.path).replace(/\?.*$/, '');
  }

  private authError(request: RegistryRequest, status: 401 | 403, detail?: string): RegistryAuthError {
    const what = `${request.push ? 'push to' : 'pull from'} ${this.registry}/${request.repository}`;
    if (status === 403) {
      // Denied to anonymous access, the fix is credentials, not more permission for them.
      const fix = this.credentials ? this.hints.permission : this.hints.credentials;
      return new RegistryAuthError(403, `The registry denied the ${what}${this.credentials ? '' : ' without credentials'} (403: no permission${detail ? `; ${detail}` : ''}). Fix: ${fix}.`);
    }
    const reason = this.credentials ? 'rejected the credentials' : 'requires credentials';
    return new RegistryAuthError(401, `The registry ${reason} for the ${what} (401${detail ? `; ${detail}` : ''}). Fix: ${this.hints.credentials}.`);
  }
}

/** The longest excerpt of a registry's error texts that a message quotes. */
const ERROR_EXCERPT_CHARS = 200;

/**
 * Throws a SlipwayError describing an unexpected answer: the status and the registry's error codes
 * and messages, cut to a short excerpt (a registry's text is not ours to repeat at length, and
 * may echo what it was sent). Request headers are never quoted.
 */
export async function unexpected(response: Response, what: string): Promise<never> {
  let errors: { code?: string; message?: string }[] = [];
  try {
    const body = (JSON.parse(await response.text()) as { errors?: unknown }).errors;
    if (Array.isArray(body)) errors = body.filter((e): e is (typeof errors)[number] => typeof e === 'object' && e !== null);
  } catch {
    // not a registry error body
  }
  const detail = excerpt(errors.map((e) => `${e.code}: ${e.message}`).join('; '), ERROR_EXCERPT_CHARS);
  const codes = errors.map((e) => e.code ?? '');
  throw new UnexpectedResponseError(response.status, codes, `${what} failed: the registry answered ${response.status}${detail ? ` (${detail})` : ''}.`);
}

/** `text` on one line, cut to `max` characters (an ellipsis marks the cut). */
function excerpt(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** A registry answer the client did not expect; `status` tells callers whether to restart. */
export class UnexpectedResponseError extends SlipwayError {
  override readonly name = 'UnexpectedResponseError';
  constructor(
    readonly status: number,
    /** The registry's error codes (e.g. BLOB_UPLOAD_UNKNOWN). */
    readonly codes: string[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * A streamed request met an expired token: a fresh one is now cached, and the caller restarts with
 * the whole body (a streamed body cannot be sent again from where it stood).
 */
export class TokenRefreshedError extends SlipwayError {
  override readonly name = 'TokenRefreshedError';
}

/** Whether an error is a dropped, refused or timed-out connection (worth retrying): see TRANSIENT_NETWORK_CODES. */
export function isConnectionError(error: unknown): boolean {
  return !(error instanceof SlipwayError) && isTransientNetworkError(error);
}

function connectionErrorText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return [errorText(error), transientNetworkCode(error), cause?.message].filter(Boolean).join(': ');
}

function errorText(error: unknown): string {
  return String((error as { message?: string }).message ?? error);
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
