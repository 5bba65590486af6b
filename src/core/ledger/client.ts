import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import { SlipwayError, errorMessage } from '../errors.js';
import type { RetryPolicy } from '../retry.js';
import { registerSecret, secrets } from '../secrets/index.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';

// The one way Slipway talks to the GitHub REST API: Octokit with retries (5xx, dropped
// connections) and throttling (primary and secondary rate limits), as docs/ledger.md "Retries and
// idempotency" describes, and errors that say which `permissions:` a workflow is missing.

const SlipwayOctokit = Octokit.plugin(retry, throttling);

/** The Octokit the ledger uses (REST methods, paginate, retry and throttling). */
export type GitHubClient = InstanceType<typeof SlipwayOctokit>;

/** How to reach GitHub. */
export interface ClientOptions {
  /** REST root, e.g. https://api.github.com or the simulator's URL. */
  baseUrl: string;
  token: string;
  /** Default `slipway`. */
  userAgent?: string;
  logger?: Logger;
  /** Retries per request after the first attempt (default 3: githubRetryPolicy). */
  retries?: number;
  /** The unit of every back-off and of `retry-after` seconds (default 1000 ms; tests shrink it). */
  retryBaseMs?: number;
  /** Minimum gap between two writes, as GitHub asks of content-creating requests (default 1000 ms). */
  writeSpacingMs?: number;
  /** Longest primary rate-limit wait worth sitting out (default 120 s); longer fails instead. */
  maxRateLimitWaitSeconds?: number;
}

interface RequestFacts {
  method: string;
  url: string;
  request?: object;
}

/** Request options Octokit itself reads; every other field is a parameter GitHub will store and show. */
const REQUEST_FIELDS = new Set(['method', 'url', 'baseUrl', 'headers', 'mediaType', 'request']);

/**
 * An Octokit with retry and throttling configured for Slipway. Every request passes the redaction
 * boundary on its way out: a status description, a deployment payload or a comment body never
 * carries a registered secret or a credential-shaped string (docs/security.md).
 */
export function createGitHubClient(options: ClientOptions): GitHubClient {
  registerSecret(options.token);
  const client = newClient(options);
  client.hook.before('request', (request) => {
    const fields = request as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) if (!REQUEST_FIELDS.has(key)) fields[key] = secrets.redactDeep(fields[key]);
  });
  return client;
}

/** Attempts at one GitHub request, the first included. */
const GITHUB_ATTEMPTS = 4;

/**
 * The patience of a GitHub request: 4 attempts, waits of 1, 2 and 4 units (`retryBaseMs`, default
 * 1 s), and a `retry-after` from GitHub obeyed up to 120 units — `retry-after` seconds count in the
 * same unit, so tests that shrink it shrink GitHub's waits too. Octokit's requests and the
 * deployment create (github-ledger.ts) both take their numbers from here.
 */
export function githubRetryPolicy(retryBaseMs = 1000, attempts = GITHUB_ATTEMPTS): RetryPolicy {
  return { attempts, firstDelayMs: retryBaseMs, multiplier: 2, maxDelayMs: 8 * retryBaseMs, retryAfterLimitMs: 120 * retryBaseMs };
}

function newClient(options: ClientOptions): GitHubClient {
  const logger = options.logger ?? silentLogger;
  const policy = githubRetryPolicy(options.retryBaseMs, options.retries === undefined ? undefined : options.retries + 1);
  const retries = policy.attempts - 1;
  const baseMs = policy.firstDelayMs;
  return new SlipwayOctokit({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'slipway',
    request: { fetch: fetchWithRetryAfter },
    log: { debug: () => {}, info: () => {}, warn: (m: string) => logger.debug(m), error: (m: string) => logger.debug(m) },
    // Octokit's own retry plugin stays (rather than src/core/retry.ts) because it works hand in
    // hand with the throttling plugin inside Octokit's request pipeline: a rate-limited request is
    // the throttler's to wait out, every other failure the retrier's, and both count the retries of
    // one request. It takes the attempts and the unit from githubRetryPolicy; its waits between
    // attempts grow as (n + 1)² units, a schedule the plugin fixes.
    retry: { retries, retryAfterBaseValue: baseMs },
    throttle: {
      retryAfterBaseValue: baseMs,
      // A group of its own per client, so the write spacing is configurable (and not shared).
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs ?? 1000 }),
      onRateLimit: (retryAfter: number, request: RequestFacts, _octokit: unknown, retryCount: number) => {
        const wait = retryAfter <= (options.maxRateLimitWaitSeconds ?? 120);
        logger.warning(`GitHub rate limit reached on ${request.method} ${request.url}; ${wait && retryCount < retries ? `retrying in ${retryAfter} s` : 'giving up'}.`);
        return wait && retryCount < retries;
      },
      onSecondaryRateLimit: (retryAfter: number, request: RequestFacts, _octokit: unknown, retryCount: number) => {
        // A request that asked for no automatic retries (the deployment create) retries itself.
        if ((request.request as { retries?: number } | undefined)?.retries === 0) return false;
        logger.warning(`GitHub secondary rate limit on ${request.method} ${request.url}; retrying in ${retryAfter} s.`);
        return retryCount < retries;
      },
    },
  });
}

/**
 * fetch, except that a rate-limited answer without `retry-after` and with no requests left gets
 * one computed from `x-ratelimit-reset`: GitHub says to honour `retry-after`, else to wait for the
 * reset when `x-ratelimit-remaining` is 0, else a minute — and the throttling plugin reads only
 * `retry-after` (else a minute) for secondary limits.
 */
async function fetchWithRetryAfter(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  const reset = response.headers.get('x-ratelimit-reset');
  const exhausted = response.headers.get('x-ratelimit-remaining') === '0';
  if ((response.status === 403 || response.status === 429) && exhausted && reset && !response.headers.has('retry-after')) {
    const headers = new Headers(response.headers);
    headers.set('retry-after', String(Math.max(0, Number(reset) - Math.floor(Date.now() / 1000))));
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
  return response;
}

/** The HTTP status of a failed request (0 when it never got an answer). */
export function statusOf(error: unknown): number {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : 0;
}

/** Whether a failed request may be repeated: no answer, a 5xx, or a rate limit. */
export function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  return status === 0 || status >= 500 || status === 429 || (status === 403 && /rate limit/i.test(errorMessage(error)));
}

/**
 * The error to show for a failed request. A refusal for lack of permission (403, or the 404
 * GitHub gives an integration that may not see a resource) names the `permissions:` entry the
 * workflow needs — the commonest complaint of every deployment action (docs/ledger.md "Troubleshooting").
 */
export function explainRequestError(error: unknown, what: string, permission: string): Error {
  // Slipway's own errors (an answer of the wrong shape) already say what happened.
  if (error instanceof SlipwayError) return error;
  const status = statusOf(error);
  const message = errorMessage(error);
  const refused = /resource not accessible by integration/i.test(message);
  if (refused || (status === 403 && !/rate limit/i.test(message))) {
    // GitHub names what would have been accepted, e.g. `deployments=write`; trust it over our table.
    const accepted = (error as { response?: { headers?: Record<string, string> } }).response?.headers?.['x-accepted-github-permissions'];
    const needed = accepted ? acceptedPermissions(accepted) : permission;
    return new SlipwayError(
      `${what} was refused by GitHub (${status}: ${message}). The token lacks a permission: add \`permissions: ${needed}\` to the job or workflow (and pass a token that has it).`,
    );
  }
  if (status === 404) {
    return new SlipwayError(`${what} failed: GitHub answered 404 (${message}). Check the repository name, and that the token can see it (a token of another repository cannot).`);
  }
  return new SlipwayError(`${what} failed: ${status ? `GitHub answered ${status}: ` : ''}${message}`);
}

/** `contents=read,deployments=write; other=write` (alternatives split by `;`) as YAML for the first alternative. */
function acceptedPermissions(header: string): string {
  const entries = header.split(';')[0].split(',').map((entry) => entry.trim().replace('=', ': ')).filter((entry) => entry !== '');
  return entries.length === 1 ? entries[0] : `{${entries.join(', ')}}`;
}
