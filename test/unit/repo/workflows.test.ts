import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { readActions } from '../../../scripts/action-metadata.js';
import { workflowErrors } from '../../support/workflow-parser.js';

// The repository's own workflows (.github/workflows) and Dependabot's settings: CI, the self-test
// of the actions against real servers and GitHub, the release that moves the major tag.

const workflowDir = join('.github', 'workflows');
const workflows = readdirSync(workflowDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => ({ file: join(workflowDir, f), content: readFileSync(join(workflowDir, f), 'utf8') }));
const byName = (name: string) => workflows.find((w) => w.file === join(workflowDir, name))!;

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const load = (content: string) => yaml.load(content) as Workflow;
const steps = (content: string) => Object.values(load(content).jobs).flatMap((job) => job.steps ?? []);

/** Every `uses:` line that names an action outside this repository, with what follows it. */
const thirdPartyUses = (content: string) =>
  [...content.matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)].map((m) => ({ action: m[1], rest: m[2] })).filter((u) => !u.action.startsWith('./'));

// The first major of each third-party action whose runtime is node24 (GitHub retires node20 on its
// runners). An action not listed here fails the test until its node24 major is looked up and added.
const firstNode24Major: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
};

const actions = new Map(readActions().map((a) => [a.name, a]));

describe('the repository workflows', () => {
  test('are CI, the self-test and the release', () => {
    expect(workflows.map((w) => w.file)).toEqual(['ci.yml', 'release.yml', 'self-test.yml'].map((f) => join(workflowDir, f)));
  });

  test("GitHub's parser, as run here, rejects an expression in a place it is not allowed (so the check below can fail)", () => {
    const broken = 'on: push\njobs:\n  ci:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n        timeout-minutes: ${{ matrix.nope }}\n        shell: ${{ steps.x.outputs.y }}\n';
    expect(workflowErrors('broken.yml', broken).length).toBeGreaterThan(0);
  });

  test.each(workflows.map((w) => [w.file, w.content]))("%s passes GitHub's own workflow parser", (file, content) => {
    expect(workflowErrors(file, content)).toEqual([]);
  });

  test.each(workflows.map((w) => [w.file, w.content]))('%s: every third-party action is pinned by a full commit SHA, with its version in a comment, at a major that runs on node24', (_file, content) => {
    const uses = thirdPartyUses(content);
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) {
      expect(`${use.action}${use.rest}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      const name = use.action.split('@')[0];
      const major = Number(/# v(\d+)/.exec(use.rest)![1]);
      expect({ name, node24: major >= (firstNode24Major[name] ?? Infinity) }).toEqual({ name, node24: true });
    }
  });

  test('one version of each third-party action across the workflows, so one Dependabot update moves them all', () => {
    const pins = new Map<string, Set<string>>();
    for (const { content } of workflows) for (const use of thirdPartyUses(content)) pins.set(use.action.split('@')[0], (pins.get(use.action.split('@')[0]) ?? new Set()).add(`${use.action}${use.rest}`));
    expect([...pins].filter(([, versions]) => versions.size > 1)).toEqual([]);
  });

  test.each(workflows.map((w) => [w.file, w.content]))('%s: the workflow token is read-only unless a job asks for more', (_file, content) => {
    expect(load(content).permissions).toEqual({ contents: 'read' });
  });

  test('CI runs .ci/run (the Debian packages, the README test command, the demo, lint, typecheck, check-dist) as root with CI=true, on every push and pull request', () => {
    const workflow = load(byName('ci.yml').content);
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    const runs = steps(byName('ci.yml').content).map((s) => s.run ?? '');
    expect(runs.filter((run) => /\bsudo\b.*\bCI=true\b.*\bbash \.ci\/run$/.test(run.trim()))).toHaveLength(1);
    const script = readFileSync(join('.ci', 'run'), 'utf8');
    for (const command of ['apt-get install', 'npm ci && npm test', 'npm run demo', 'npm run lint', 'npm run typecheck', 'npm run check-dist']) expect(script).toContain(command);
  });

  test('the self-test calls the root action and every sub-action from this checkout, with inputs they declare, and runs the demo', () => {
    const { content } = byName('self-test.yml');
    const local = steps(content).filter((s) => s.uses?.startsWith('./'));
    const called = new Set(local.map((s) => (s.uses === './' ? 'rollout' : s.uses!.slice('./actions/'.length))));
    expect([...called].sort()).toEqual([...actions.keys()].sort());
    for (const step of local) {
      const action = actions.get(step.uses === './' ? 'rollout' : step.uses!.slice('./actions/'.length))!;
      const declared = action.inputs.map((i) => i.name);
      expect({ uses: step.uses, undeclared: Object.keys(step.with ?? {}).filter((name) => !declared.includes(name)) }).toEqual({ uses: step.uses, undeclared: [] });
      const required = action.inputs.filter((i) => i.required && i.default === undefined).map((i) => i.name);
      expect({ uses: step.uses, missing: required.filter((name) => !(name in (step.with ?? {}))) }).toEqual({ uses: step.uses, missing: [] });
    }
    for (const file of local.flatMap((s) => ['plan', 'metrics'].map((input) => s.with?.[input]).filter((v): v is string => typeof v === 'string'))) expect({ file, exists: existsSync(file) }).toEqual({ file, exists: true });
    expect(steps(content).some((s) => /\bnpm run demo$/.test(s.run?.trim() ?? ''))).toBe(true);
  });

  test('the self-test writes deployments with the job token, and not from forks, whose token cannot', () => {
    const job = load(byName('self-test.yml').content).jobs.actions;
    expect(job.permissions).toEqual({ contents: 'read', deployments: 'write' });
    expect(job.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  test('the release runs on version tags, checks dist/ against the sources, then moves the major tag with a contents: write token', () => {
    const workflow = load(byName('release.yml').content);
    expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(workflow.jobs.release.permissions).toEqual({ contents: 'write' });
    const runs = steps(byName('release.yml').content).map((s) => s.run ?? '');
    const checkDist = runs.findIndex((run) => run.trim() === 'npm run check-dist');
    const moveTag = runs.findIndex((run) => /git push --force origin "refs\/tags\/\$major"/.test(run));
    expect(checkDist).toBeGreaterThan(runs.indexOf('npm ci'));
    expect(moveTag).toBeGreaterThan(checkDist);
  });
});

describe('the release moves only plain version tags, to their major', () => {
  // The script's own test: its tag check and major extraction, run in bash on the tag names.
  const script = steps(byName('release.yml').content).find((s) => s.run?.includes('BASH_REMATCH'))!.run!;
  const check = script.slice(0, script.indexOf('git config'));

  test.each([
    ['v1.2.3', 'v1'],
    ['v12.0.10', 'v12'],
    ['v1.2.3-rc.1', ''],
    ['v1.2', ''],
    ['1.2.3', ''],
  ])('%s moves %s', async (tag, major) => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('bash', ['-c', `${check}\necho "MAJOR=$major"`], { env: { ...process.env, TAG: tag }, encoding: 'utf8' });
    expect(/MAJOR=(.*)$/m.exec(out)?.[1] ?? '').toBe(major);
  });
});

describe('dependabot.yml', () => {
  const config = yaml.load(readFileSync(join('.github', 'dependabot.yml'), 'utf8')) as {
    version: number;
    updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string }; groups?: Record<string, { 'update-types'?: string[] }> }[];
  };

  test('is version 2 and updates npm and the pinned actions weekly, minor and patch updates grouped', () => {
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const update of config.updates) {
      expect(update).toMatchObject({ directory: '/', schedule: { interval: 'weekly' } });
      expect(Object.values(update.groups ?? {}).map((g) => [...(g['update-types'] ?? [])].sort())).toEqual([['minor', 'patch']]);
    }
  });
});
