import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';
import { buildBundle } from '../support/action-runner.js';
import { HistoryBuilder } from '../support/ledger-history.js';
import { artifact } from '../integration/rollout/environment.js';

// The CLI as users install it: the package `npm run pack:cli` makes, installed from its tarball
// into an empty prefix with npm offline (it has no dependencies to fetch) and run from a directory
// outside the repository, with nothing in its environment but PATH, HOME and what a command needs.

const run = promisify(execFile);

let root: string;
let slipway: string;
let sim: GitHubSimulator;

/** Runs the installed `slipway` in an empty directory; its exit code and output. */
async function installed(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(slipway, args, { cwd: join(root, 'work'), env: { PATH: `${dirname(slipway)}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: root, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the slipway package', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'slipway-cli-package-'));
    const built = dirname(await buildBundle('cli'));
    const { stdout } = await run(process.execPath, ['scripts/pack-cli.mjs', join(root, 'out'), built]);
    const tarball = stdout.trim();
    await run('npm', ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', join(root, 'prefix'), tarball], { env: { PATH: process.env.PATH ?? '', HOME: root } });
    slipway = join(root, 'prefix', 'bin', 'slipway');
    await run('mkdir', [join(root, 'work')]);
    sim = await startGitHubSimulator();
    const builder = new HistoryBuilder(sim, 'production');
    builder.add(3, { digest: artifact(1).digest });
    builder.add(1, { states: ['in_progress', 'failure'], digest: artifact(2).digest });
  }, 300_000);
  afterAll(async () => {
    if (sim) {
      expectNoContractViolations(sim);
      await sim.close();
    }
    rmSync(root, { recursive: true, force: true });
  });

  test('holds the bundle, its licences and the LICENSE, and declares no dependencies', async () => {
    const manifest = JSON.parse(readFileSync(join(root, 'prefix', 'lib', 'node_modules', '@slipway', 'cli', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: '@slipway/cli', version: (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version, bin: { slipway: 'index.js' } });
    expect(manifest.dependencies).toBeUndefined();
    expect(readFileSync(join(root, 'prefix', 'lib', 'node_modules', '@slipway', 'cli', 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  test('slipway --help lists the commands', async () => {
    const { code, stdout } = await installed(['--help']);
    expect(code).toBe(0);
    for (const name of ['judge', 'plan', 'history', 'dora', 'router', 'pack']) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  test('slipway judge judges a saved file, and its exit code is the verdict', async () => {
    const pass = await installed(['judge', '--input', resolve('examples/judge/pass.json')]);
    expect(pass.code).toBe(0);
    expect(JSON.parse(pass.stdout)).toMatchObject({ verdict: 'pass' });
    const fail = await installed(['judge', '--input', resolve('examples/judge/fail-error-rate.json'), '--format', 'markdown']);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('error-rate');
  });

  test('slipway plan check prints the dry run of a good plan and the lines of a bad one', async () => {
    const good = await installed(['plan', 'check', resolve('examples/plans/canary-haproxy.yml')]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^ {2}1\. setWeight \d+% \(line \d+\): the new version gets/m);
    const bad = await installed(['plan', 'check', resolve('package.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/package\.json line \d+/);
  });

  test('slipway history and dora read the ledger from GitHub with the token in the environment', async () => {
    const github = ['--environment', 'production', '--repo', `${sim.owner}/${sim.repo}`, '--api-url', sim.url];
    const history = await installed(['history', ...github], { GITHUB_TOKEN: sim.token });
    expect(history.code).toBe(0);
    expect(history.stdout.split('\n')[0]).toBe('Deployments to production (newest first)');
    expect(history.stdout).toMatch(/failure/);
    const dora = await installed(['dora', ...github, '--format', 'json'], { GITHUB_TOKEN: sim.token });
    expect(dora.code).toBe(0);
    expect(JSON.parse(dora.stdout)).toMatchObject({ environment: 'production' });
    const noToken = await installed(['history', ...github]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('GITHUB_TOKEN');
  });
});
