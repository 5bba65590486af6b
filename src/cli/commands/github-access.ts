import { InputError } from '../../core/errors.js';
import type { GitHubClient, GitHubLedger } from '../../core/ledger/index.js';
import type { CliIO } from '../command.js';

/** The flags every command that reads GitHub takes. */
export const GITHUB_FLAGS = ['repo', 'api-url'];

/** How the CLI reaches GitHub: the usage lines shared by history and dora. */
export const GITHUB_USAGE = `  --repo owner/name   the repository (default: GITHUB_REPOSITORY)
  --api-url URL       the REST API root (default: GITHUB_API_URL or https://api.github.com)
  The token is read from GITHUB_TOKEN (or GH_TOKEN); it needs read access to deployments.`;

/**
 * A read-only ledger (and its client) from --repo, --api-url and the token in the environment. The
 * GitHub client loads here, not when the CLI starts: the commands that never reach GitHub start
 * without it (docs/architecture.md, "Fast start").
 */
export async function readLedger(flags: Record<string, string | true>, io: CliIO): Promise<{ ledger: GitHubLedger; client: GitHubClient; owner: string; repo: string }> {
  const repository = typeof flags.repo === 'string' ? flags.repo : (io.env.GITHUB_REPOSITORY ?? '');
  const [owner, repo, extra] = repository.split('/');
  if (!owner || !repo || extra !== undefined) throw new InputError('--repo', repository, '`owner/name`', 'pass --repo or set GITHUB_REPOSITORY');
  const token = io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN;
  if (!token) throw new InputError('GITHUB_TOKEN', undefined, 'a token that can read the repository\'s deployments', 'export GITHUB_TOKEN=… (e.g. `gh auth token`)');
  const apiUrl = typeof flags['api-url'] === 'string' ? flags['api-url'] : (io.env.GITHUB_API_URL ?? 'https://api.github.com');
  const { createGitHubClient, GitHubLedger } = await import('../../core/ledger/index.js');
  const client = createGitHubClient({ baseUrl: apiUrl, token });
  // Reads only: the source and run URL are what a write would record, so they stay empty.
  const ledger = new GitHubLedger({ client, owner, repo, source: { sha: '', ref: '', runId: 0, runAttempt: 0, actor: '', workflow: '' }, runUrl: '' });
  return { ledger, client, owner, repo };
}

/** `--environment`, required. */
export function environmentFlag(flags: Record<string, string | true>): string {
  const environment = flags.environment;
  if (typeof environment !== 'string' || environment === '') throw new InputError('--environment', undefined, 'a GitHub environment name, e.g. production');
  return environment;
}
