import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { readActions } from '../../../scripts/action-metadata.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { loadPlan } from '../../../src/core/plan/index.js';
import { createRouter, routerSettingsParts } from '../../../src/core/traffic/registry.js';
import { workflowErrors } from '../../support/workflow-parser.js';

// The example workflows are what users copy: they must be valid for GitHub and call Slipway's
// actions only with inputs those actions declare.

const workflowDir = join('examples', 'workflows');
const workflows = readdirSync(workflowDir)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => ({ file: join(workflowDir, f), content: readFileSync(join(workflowDir, f), 'utf8') }));

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  steps?: Step[];
  environment?: unknown;
  concurrency?: unknown;
  permissions?: unknown;
}

const jobsOf = (content: string) => Object.entries(((yaml.load(content) as { jobs?: Record<string, Job> }).jobs ?? {}));

// Every step that calls one of this repository's actions: `./` (the root rollout) or `./actions/<name>`.
const localSteps = workflows.flatMap(({ file, content }) =>
  jobsOf(content).flatMap(([job, { steps = [] }]) =>
    steps
      .filter((s) => s.uses === './' || s.uses?.startsWith('./actions/'))
      .map((s) => ({ where: `${file} ${job} ${s.uses}`, action: s.uses === './' ? 'rollout' : s.uses!.slice('./actions/'.length), with: s.with ?? {} })),
  ),
);

const actions = new Map(readActions().map((a) => [a.name, a]));

describe('example workflows', () => {
  test('there are the pipeline, the step-by-step canary, blue-green, the manual rollback, HAProxy over SSH, Kubernetes slots and a two-region wave', () => {
    expect(workflows.map((w) => w.file)).toEqual(
      expect.arrayContaining(
        ['canary-pipeline.yml', 'canary-steps.yml', 'blue-green.yml', 'manual-rollback.yml', 'haproxy-ssh.yml', 'kubernetes-slots.yml', 'two-region-wave.yml'].map((f) => join(workflowDir, f)),
      ),
    );
  });

  test.each(workflows.map((w) => [w.file, w.content]))('%s: every third-party action is pinned by a full commit SHA with its version in a comment', (_file, content) => {
    const uses = [...content.matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)].map((m) => ({ action: m[1], rest: m[2] })).filter((u) => !u.action.startsWith('./'));
    for (const use of uses) expect(`${use.action}${use.rest}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });

  test('a GitHub-hosted runner reaches HAProxy over SSH with the key from a secret and the host key from a variable', () => {
    const step = localSteps.find((s) => s.where.startsWith(join(workflowDir, 'haproxy-ssh.yml')) && s.action === 'rollout')!;
    expect(step.with).toMatchObject({ 'ssh-private-key': expect.stringMatching(/^\$\{\{ secrets\.\w+ \}\}$/), 'ssh-known-hosts': expect.stringMatching(/^\$\{\{ vars\.\w+ \}\}$/) });
    const plan = loadPlan(readFileSync(String(step.with.plan), 'utf8'), String(step.with.plan));
    expect(plan).toMatchObject({ slots: expect.any(Array), deploy: expect.any(Object), router: { provider: 'haproxy', settings: { ssh: expect.objectContaining({ host: expect.any(String) }) } } });
  });

  test('the two-region wave rolls out to prod-us only after prod-eu, each region gated by promote-artifact from the one before', () => {
    const jobs = Object.fromEntries(jobsOf(workflows.find((w) => w.file === join(workflowDir, 'two-region-wave.yml'))!.content));
    expect(jobs['prod-us']).toMatchObject({ needs: 'prod-eu' });
    const promotes = (job: string) => jobs[job].steps!.filter((s) => s.uses === './actions/promote-artifact').map((s) => `${String(s.with!['from-environment'])}→${String(s.with!['to-environment'])}`);
    expect([...promotes('prod-eu'), ...promotes('prod-us')]).toEqual(['staging→prod-eu', 'prod-eu→prod-us']);
    const rollouts = ['prod-eu', 'prod-us'].map((job) => jobs[job].steps!.findIndex((s) => s.uses === './'));
    const gates = ['prod-eu', 'prod-us'].map((job) => jobs[job].steps!.findIndex((s) => s.uses === './actions/promote-artifact'));
    expect(rollouts.every((at, i) => at > gates[i])).toBe(true);
  });

  test("GitHub's parser, as run here, does reject a broken workflow (so the checks below can fail)", () => {
    const broken = 'on: push\njobs:\n  deploy:\n    steps:\n      - uses: ./\n        whith: {}\n';
    expect(workflowErrors('broken.yml', broken).length).toBeGreaterThan(0);
  });

  test.each(workflows.map((w) => [w.file, w.content]))("%s passes GitHub's own workflow parser", (file, content) => {
    expect(workflowErrors(file, content)).toEqual([]);
  });

  test.each(workflows.map((w) => [w.file, w.content]))('%s: every deploying job has least-privilege permissions, a concurrency group and an environment without a GitHub-made deployment', (_file, content) => {
    const deploying = jobsOf(content).filter(([, job]) => job.steps?.some((s) => s.uses === './' || /^\.\/actions\/(rollback|promote-artifact|canary-step|record-deployment)$/.test(s.uses ?? '')));
    expect(deploying.length).toBeGreaterThan(0);
    for (const [name, job] of deploying) {
      expect({ name, permissions: job.permissions }).toEqual({ name, permissions: expect.objectContaining({ deployments: 'write' }) });
      expect({ name, concurrency: job.concurrency }).toEqual({ name, concurrency: expect.objectContaining({ group: expect.stringMatching(/^deploy-/) }) });
      expect({ name, environment: job.environment }).toEqual({ name, environment: expect.objectContaining({ name: expect.any(String), deployment: false }) });
    }
  });

  test.each(localSteps.map((s) => [s.where, s] as const))('%s names only inputs the action declares, and every required one', (_where, step) => {
    const action = actions.get(step.action);
    expect({ action: step.action, exists: action !== undefined }).toEqual({ action: step.action, exists: true });
    const declared = action!.inputs.map((i) => i.name);
    expect(Object.keys(step.with).filter((name) => !declared.includes(name))).toEqual([]);
    const required = action!.inputs.filter((i) => i.required && i.default === undefined).map((i) => i.name);
    expect(required.filter((name) => !(name in step.with))).toEqual([]);
  });

  test.each(localSteps.flatMap((s) => ['plan', 'metrics'].filter((input) => typeof s.with[input] === 'string').map((input) => [s.where, String(s.with[input])])))('%s reads a file that exists (%s)', (_where, file) => {
    expect(existsSync(file)).toBe(true);
  });
});

const planDir = join('examples', 'plans');
const plans = readdirSync(planDir)
  .filter((f) => f.endsWith('.yml') && f !== 'metrics.yml')
  .sort()
  .map((f) => [join(planDir, f), readFileSync(join(planDir, f), 'utf8')] as const);

describe('example plans', () => {
  test('cover HAProxy, nginx, the Gateway API and blue-green, with and without slots', () => {
    const providers = plans.map(([file, text]) => `${loadPlan(text, file).strategy}:${loadPlan(text, file).router.provider}`);
    expect(providers).toEqual(expect.arrayContaining(['canary:haproxy', 'canary:nginx', 'canary:gateway-api', 'blue-green:nginx']));
    const withSlots = plans.filter(([file, text]) => loadPlan(text, file).slots).map(([file, text]) => `${loadPlan(text, file).router.provider}:${loadPlan(text, file).deploy!.spec.provider}`);
    expect(withSlots).toEqual(expect.arrayContaining(['haproxy:command', 'gateway-api:kubernetes']));
    // The simple form stays: a plan that names stable and canary itself.
    expect(plans.some(([file, text]) => !loadPlan(text, file).slots)).toBe(true);
  });

  test('read their metrics from Prometheus, Datadog, CloudWatch and New Relic', () => {
    const sources = plans.map(([file, text]) => loadPlan(text, file).analysis?.source.type);
    expect(sources).toEqual(expect.arrayContaining(['prometheus', 'datadog', 'cloudwatch', 'newrelic']));
  });

  test.each(plans)('%s: a plan with slots lets its selectors follow them (no fixed slot label)', (file, text) => {
    const plan = loadPlan(text, file);
    if (!plan.slots || !plan.analysis) return;
    const names = plan.slots.map((s) => s.name);
    const values = [...plan.analysis.canary, ...plan.analysis.baseline].map((m) => m.value);
    expect(values.filter((value) => names.some((name) => new RegExp(`\\b${name}\\b`).test(value)))).toEqual([]);
  });

  test.each(plans)('%s passes the plan parser and its router settings pass the traffic registry', (file, text) => {
    const plan = loadPlan(text, file);
    expect(plan.steps.length).toBeGreaterThan(0);
    // `ssh:` is checked on its own: the router itself is made here as on the router host.
    const { ssh, ...onTheHost } = plan.router.settings;
    if (ssh !== undefined) expect(routerSettingsParts(plan.router.provider, plan.router.settings).ssh).toMatchObject({ host: expect.any(String) });
    expect(createRouter(plan.router.provider, onTheHost).type).toBe(plan.router.provider);
  });

  test('the plan parser, as run here, does reject a broken plan (so the check above can fail)', () => {
    const [file, text] = plans[0];
    expect(() => loadPlan(text.replace(/steps:\n/, 'steps:\n  - setWeight: 150\n'), file)).toThrow('setWeight: 150 is not a whole number from 0 to 100');
  });

  test('the metric definitions for the analyze action parse', () => {
    expect(parseMetricsYaml(readFileSync(join(planDir, 'metrics.yml'), 'utf8'), 'metrics.yml').map((m) => m.name)).toEqual(['error-rate', 'latency-p99']);
  });
});
