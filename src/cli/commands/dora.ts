import { commitShas, computeDora, doraTable, parseSince } from '../../core/dora/index.js';
import { InputError } from '../../core/errors.js';
import type { GitHubClient } from '../../core/ledger/index.js';
import type { LedgerDeployment } from '../../core/ledger/types.js';
import { runCommand } from '../../core/process/index.js';
import { parseFlags, type CliCommand } from '../command.js';
import { environmentFlag, GITHUB_FLAGS, GITHUB_USAGE, readLedger } from './github-access.js';

/** Commit times looked up per run at most (one API request each when the local clone lacks them). */
const MAX_COMMIT_LOOKUPS = 200;

/** `slipway dora`: the four DORA keys of an environment, from the ledger (every page). */
export const doraCommand: CliCommand = {
  name: 'dora',
  summary: 'deployment frequency, lead time, change failure rate and time to restore from the ledger',
  usage: `usage: slipway dora --environment NAME [--since 30d] [--format table|json]
${GITHUB_USAGE}
  --since 30d         window start: 12h, 30d, 2w or a date (default 30d)
  Commit times (for lead time) come from the local git clone, else the commits API.
  Definitions: docs/rollout.md "DORA metrics".`,
  async run(args, io) {
    const flags = parseFlags(args, { values: ['environment', 'since', 'format', ...GITHUB_FLAGS] });
    const environment = environmentFlag(flags);
    const now = new Date();
    const sinceText = typeof flags.since === 'string' ? flags.since : '30d';
    const since = parseSince(sinceText, now);
    if (!since) throw new InputError('--since', sinceText, 'a window such as 12h, 30d, 2w, or a date such as 2026-01-31');
    const format = flags.format ?? 'table';
    if (format !== 'table' && format !== 'json') throw new Error(`--format ${String(format)}: expected table or json`);
    const { ledger, client, owner, repo } = await readLedger(flags, io);
    const deployments: LedgerDeployment[] = [];
    for await (const deployment of ledger.history(environment, { since })) deployments.push(deployment);
    const commitTimes = await lookUpCommitTimes(commitShas(deployments).slice(0, MAX_COMMIT_LOOKUPS), client, owner, repo);
    const report = computeDora(deployments, { environment, since, until: now }, commitTimes);
    io.out(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : doraTable(report));
    return 0;
  },
};

/** Commit time of each sha: `git show` in the current clone first, the commits API for the rest; unknown ones are left out. */
async function lookUpCommitTimes(shas: string[], client: GitHubClient, owner: string, repo: string): Promise<Map<string, Date>> {
  const times = new Map<string, Date>();
  for (const sha of shas) {
    const local = await runCommand(['git', 'show', '-s', '--format=%cI', sha], { timeoutMs: 5000 });
    const text = local.code === 0 ? local.stdout.trim() : '';
    if (text) {
      times.set(sha, new Date(text));
      continue;
    }
    try {
      const { data } = await client.rest.repos.getCommit({ owner, repo, ref: sha });
      const date = data.commit.committer?.date ?? data.commit.author?.date;
      if (date) times.set(sha, new Date(date));
    } catch {
      // Unknown commit (a force-pushed branch, a simulator): counted as "without a known commit time".
    }
  }
  return times;
}
