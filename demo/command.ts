import { parseFlags, type CliCommand } from '../src/cli/command.js';
import { renderDemoReport } from './printout.js';
import { localHost } from './prerequisites.js';
import { runDemo } from './run.js';

/** `slipway demo`: the whole pipeline on this machine, from build to automatic rollback. */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'run the whole pipeline on this machine: a good release promoted, a bad one rolled back',
  usage: [
    'usage: slipway demo [--rate <requests per second>]',
    '',
    'Starts a Docker registry, Prometheus, HAProxy and a GitHub simulator on loopback ports, builds',
    'v1, v2 and v3 of a small app with the package builder and rolls each out with one plan, whose',
    'slots and deploy step start it in the slot without the last good version: v1 takes all traffic,',
    'a good v2 goes through canary steps to promotion, and a bad v3 (5x the error rate) is rolled',
    'back by Slipway itself, under steady load (default 200 requests/s). Prints the ledger history, the DORA figures, the',
    'failed requests and the time to rollback. Exit code 0 when v2 was promoted, v3 rolled back',
    'and no request failed outside the canary\'s share; 1 otherwise.',
  ].join('\n'),
  async run(args, io) {
    const flags = parseFlags(args, { values: ['rate'] });
    const rate = flags.rate === undefined ? 200 : Number(flags.rate);
    if (!Number.isFinite(rate) || rate < 20 || rate > 2000) throw new Error(`--rate ${String(flags.rate)}: expected requests per second from 20 to 2000`);
    const say = (line: string) => io.out(`${line}\n`);
    return runDemo({ rate, say, host: localHost(say) }, async (result) => {
      io.out(renderDemoReport(result));
      return result.ok ? 0 : 1;
    });
  },
};
