import { historyTable } from '../../core/dora/index.js';
import type { LedgerDeployment } from '../../core/ledger/types.js';
import { parseFlags, type CliCommand } from '../command.js';
import { environmentFlag, GITHUB_FLAGS, GITHUB_USAGE, readLedger } from './github-access.js';

/** `slipway history`: the ledger of one environment, newest first. */
export const historyCommand: CliCommand = {
  name: 'history',
  summary: 'deployments of an environment from the ledger: when, version, digest, who, result, rollbacks',
  usage: `usage: slipway history --environment NAME [--limit N] [--format table|json]
${GITHUB_USAGE}
  --limit N           newest N deployments (default 30; 0 = all, every page read)`,
  async run(args, io) {
    const flags = parseFlags(args, { values: ['environment', 'limit', 'format', ...GITHUB_FLAGS] });
    const environment = environmentFlag(flags);
    const limit = flags.limit === undefined ? 30 : Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`--limit ${String(flags.limit)} is not a whole number ≥ 0`);
    const format = flags.format ?? 'table';
    if (format !== 'table' && format !== 'json') throw new Error(`--format ${String(format)}: expected table or json`);
    const { ledger } = await readLedger(flags, io);
    const deployments: LedgerDeployment[] = [];
    for await (const deployment of ledger.history(environment)) {
      deployments.push(deployment);
      if (limit > 0 && deployments.length >= limit) break;
    }
    io.out(format === 'json' ? `${JSON.stringify(deployments, null, 2)}\n` : historyTable(environment, deployments));
    return 0;
  },
};
