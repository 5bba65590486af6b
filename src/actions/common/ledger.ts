import { GitHubLedger, createGitHubClient } from '../../core/ledger/index.js';
import type { Ledger } from '../../core/ledger/index.js';
import type { Logger } from '../../core/log.js';
import type { RunContext } from './context.js';

/**
 * The one way an action builds its ledger: the `token` input against the run's API URL
 * (GITHUB_API_URL, so GitHub Enterprise Server works), writing as this run.
 */
export function ledgerFromInputs(token: string, context: RunContext, logger: Logger): Ledger {
  const client = createGitHubClient({ baseUrl: context.apiUrl, token, logger });
  return new GitHubLedger({
    client,
    owner: context.owner,
    repo: context.repo,
    source: context.source,
    runUrl: context.runUrl,
    logger,
  });
}
