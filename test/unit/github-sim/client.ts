import { Octokit } from '@octokit/rest';
import type { GitHubSimulator } from '../../../testkit/github-sim/index.js';

// Two ways to talk to the simulator in its tests: Octokit (what Slipway uses), and raw fetch
// to see status codes, headers and bodies exactly as sent.

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** A quiet Octokit (expected 4xx answers are not logged) pointed at the simulator. */
export function octokitFor(sim: GitHubSimulator): Octokit {
  return new Octokit({ baseUrl: sim.url, auth: sim.token, log: quiet });
}

/** A raw answer. */
export interface RawAnswer { status: number; headers: Headers; body: unknown }

/** Calls the simulator with fetch; `path` may use {owner}/{repo}, `token` null sends no header. */
export async function call(sim: GitHubSimulator, method: string, path: string, body?: unknown, token: string | null = sim.token): Promise<RawAnswer> {
  const url = `${sim.url}${path.replace('{owner}', sim.owner).replace('{repo}', sim.repo)}`;
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** The repository coordinates for Octokit calls. */
export const repoOf = (sim: GitHubSimulator) => ({ owner: sim.owner, repo: sim.repo });

/** A 40-hex sha made from a short seed, for readable tests. */
export const sha = (seed: string): string => seed.padEnd(40, '0');
