// How long each action bundle takes to start: the median wall time of `node <dir>/<action>/index.js`
// in an environment where it stops at once (a repository but no inputs: the first required input is
// missing, no network is touched), against a bare `node -e 0` timed in the same rounds. Every action
// is expected to start within 3× a bare node (docs/architecture.md, "Fast start").
//
// SLIPWAY_BENCH_STARTUP_DIR points at another bundle directory (default dist/), e.g. one built by
// `node scripts/build.mjs /tmp/startup-dist build-immutable-image`; SLIPWAY_BENCH_STARTUP_RUNS sets
// the runs per bundle (default 10).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { median, printTable } from './table.js';

const DIR = resolve(process.env.SLIPWAY_BENCH_STARTUP_DIR ?? 'dist');
const RUNS = Number(process.env.SLIPWAY_BENCH_STARTUP_RUNS ?? 10);
/** The start budget, as a multiple of a bare node's start. */
const BUDGET = 3;
/** The CLI is no action: it is not started by the runner at every step. */
const NOT_ACTIONS = new Set(['cli']);

/** What the runner would give a step, minus its inputs: each action then fails on its first required input. */
const EARLY_EXIT_ENV = { PATH: process.env.PATH ?? '', GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: 'a'.repeat(40), GITHUB_RUN_ID: '1' };

function wallMs(args: string[]): number {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { env: EARLY_EXIT_ENV, stdio: 'pipe' });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.error) throw child.error;
  return elapsed;
}

export default async function startupBench(): Promise<void> {
  const actions = readdirSync(DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_ACTIONS.has(d.name) && existsSync(join(DIR, d.name, 'index.js')))
    .map((d) => d.name)
    .sort();
  if (actions.length === 0) throw new Error(`No action bundles in ${DIR}: build them first (node scripts/build.mjs ${DIR}).`);
  const bare: number[] = [];
  const times = new Map<string, number[]>(actions.map((a) => [a, []]));
  wallMs(['-e', '0']); // the first start pays for a cold file cache
  // Interleaved rounds, so that a busy moment of the machine weighs on the baseline as on the bundles.
  for (let run = 0; run < RUNS; run++) {
    bare.push(wallMs(['-e', '0']));
    for (const action of actions) times.get(action)!.push(wallMs([join(DIR, action, 'index.js')]));
  }
  const baseline = median(bare);
  const rows: (string | number)[][] = [['node -e 0', baseline, 1, '']];
  for (const action of actions) {
    const ms = median(times.get(action)!);
    rows.push([action, ms, ms / baseline, ms <= BUDGET * baseline ? 'yes' : 'NO']);
  }
  printTable(`Action start-up: median of ${RUNS} runs, bundles in ${DIR}, stopping at the first missing input`, ['bundle', 'median ms', '× node -e 0', `within ${BUDGET}×`], rows);
}
