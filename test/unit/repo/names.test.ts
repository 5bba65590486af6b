import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readActions } from '../../../scripts/action-metadata.js';
import { RENAMED_INPUTS, refuseRenamedInputs } from '../../../src/actions/common/inputs.js';
import { parseFlags } from '../../../src/cli/command.js';
import { InputError } from '../../../src/core/errors.js';
import { METRIC_FIELDS } from '../../../src/core/metrics/metrics-config.js';
import { PLAN_FIELDS } from '../../../src/core/plan/validate.js';

// One name per concept (docs/values.md, "Names"): every action input and output, plan field,
// metric field and CLI flag is compared, in kebab-case, with this table of concepts.

type Kind = 'input' | 'output' | 'plan field' | 'metric field' | 'CLI flag';

interface Concept {
  /** The one name, in kebab-case (a plan or metric field is the camelCase of it). */
  name: string;
  means: string;
  /** Names of the same thing that must not appear (old names, and names other tools use). */
  others: string[];
  /** What every action.yml description of a field with this name says; one that does not means something else under the same name. */
  describedAs?: RegExp;
  /** The kinds of field the name may be; another kind under this name is another concept. */
  kinds?: Kind[];
}

const CONCEPTS: Concept[] = [
  { name: 'token', means: 'the GitHub token', others: ['github-token', 'gh-token', 'repo-token', 'access-token'], describedAs: /token/i, kinds: ['input'] },
  { name: 'image-ref', means: 'an image pinned by digest, `name@sha256:<64 hex>`', others: ['artifact', 'image-reference', 'ref-digest', 'pinned-image', 'artifact-ref', 'image-uri'], describedAs: /sha256|artifact/ },
  { name: 'digest', means: 'a digest, `sha256:<64 hex>`', others: ['image-digest', 'sha256'], describedAs: /sha256/ },
  { name: 'weight', means: "a share of a weighted whole: the canary's percent of traffic (setWeight, canary-step), or a metric's share of the score", others: ['canary-weight', 'traffic-weight', 'canary-percent', 'percent'], describedAs: /percent of traffic/ },
  { name: 'mirror-percentage', means: "the percent of requests mirrored to the canary (the plan's setMirrorRoute.percentage, as Argo Rollouts names it)", others: ['mirror-percent', 'mirror', 'mirror-weight', 'mirror-ratio'] },
  { name: 'header-route', means: 'a header or cookie route to the canary (the plan\'s setHeaderRoute)', others: ['header', 'canary-header', 'header-routes'] },
  { name: 'traffic-state', means: "the router's traffic state as JSON", others: ['router-state', 'routing-state'], kinds: ['output'] },
  { name: 'state', means: "a GitHub deployment status state (GitHub's own words: queued, in_progress, success…)", others: ['status-state', 'deployment-state'], describedAs: /in_progress/, kinds: ['input'] },
  { name: 'deployment-id', means: 'the id of a GitHub deployment', others: ['deployment', 'deployment-number', 'github-deployment-id'], describedAs: /deployment/i },
  { name: 'environment', means: 'a GitHub environment', others: ['env', 'environment-name', 'target-environment', 'deploy-environment'], describedAs: /environment/i },
  { name: 'environment-url', means: "the environment's URL (GitHub's environment_url)", others: ['deployment-url', 'env-url', 'environment-link'], describedAs: /URL/ },
  { name: 'plan', means: 'the rollout plan', others: ['plan-file', 'rollout-plan', 'plan-path', 'config'], describedAs: /plan/ },
  { name: 'ref', means: 'the commit a deployment is for', others: ['sha', 'commit', 'git-ref', 'commit-sha'], describedAs: /[Cc]ommit/ },
  { name: 'ssh-private-key', means: 'the private key that logs in to the router host', others: ['ssh-key', 'private-key', 'ssh-identity'] },
  { name: 'registry-username', means: 'a registry user name', others: ['registry-user', 'username'] },
  { name: 'registry-password', means: 'a registry password or token', others: ['registry-token', 'password'] },
  { name: 'verdict', means: "an analysis's verdict: pass, fail or inconclusive", others: ['analysis-result', 'judgement'], describedAs: /pass, fail or inconclusive/ },
  { name: 'result', means: 'how a rollout ended: promoted, rolled-back or paused', others: ['outcome', 'rollout-result'], describedAs: /promoted/ },
  { name: 'canary-selector', means: 'the Prometheus label matchers of the new version', others: ['canary-labels', 'canary-matchers'] },
  { name: 'baseline-selector', means: 'the Prometheus label matchers of the running version', others: ['baseline-labels', 'baseline-matchers', 'stable-selector'] },
  { name: 'tags', means: 'tags that point at a digest', others: ['tag', 'image-tags'] },
  { name: 'prometheus', means: "the URL of the Prometheus HTTP API (the plan's analysis.prometheus)", others: ['prometheus-url', 'prometheus-address', 'prometheus-endpoint'], describedAs: /URL of the Prometheus HTTP API/ },
  { name: 'source', means: "where an analysis reads its metrics: a source type and its settings (the plan's analysis.source)", others: ['metrics-source', 'metric-source', 'datasource', 'data-source', 'metrics-provider'], describedAs: /metric source/ },
  { name: 'args', means: "the arguments of an analysis template (the plan's analysis.args, as Argo Rollouts names them)", others: ['metrics-args', 'template-args', 'analysis-args'], describedAs: /[Aa]rguments of an analysis template/ },
];

/** `onFailure` → `on-failure`; kebab-case names stay as they are. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

interface Field {
  name: string;
  kind: Kind;
  /** Where it is declared, and where to rename it. */
  where: string;
  description?: string;
}

function actionFields(): Field[] {
  return readActions().flatMap((action) => [
    ...action.inputs.map((f) => ({ name: f.name, kind: 'input' as const, where: `${action.file} inputs.${f.name}`, description: f.description })),
    ...action.outputs.map((f) => ({ name: f.name, kind: 'output' as const, where: `${action.file} outputs.${f.name}`, description: f.description })),
  ]);
}

function planFields(): Field[] {
  return Object.entries(PLAN_FIELDS).flatMap(([block, names]) => names.map((name) => ({ name, kind: 'plan field' as const, where: `src/core/plan/validate.ts (PLAN_FIELDS.${block}: ${name})` })));
}

function metricFields(): Field[] {
  return Object.entries(METRIC_FIELDS).flatMap(([metricKind, names]) => names.map((name) => ({ name, kind: 'metric field' as const, where: `src/core/metrics/metrics-config.ts (a ${metricKind} metric's ${name})` })));
}

// The CLI's flags, as its commands hand them to parseFlags (`values: [...]`, `flags: [...]`).
function cliFlags(): Field[] {
  const dir = join('src', 'cli', 'commands');
  return readdirSync(dir).flatMap((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const lists = [...text.matchAll(/(?:values|flags|GITHUB_FLAGS)\s*[:=]\s*\[([^\]]*)\]/g)].map((m) => m[1]);
    return lists.flatMap((list) => [...list.matchAll(/'([a-z][a-z0-9-]*)'/g)].map((m) => ({ name: m[1], kind: 'CLI flag' as const, where: `${join(dir, file)} (--${m[1]})` })));
  });
}

const fields = [...actionFields(), ...planFields(), ...metricFields(), ...cliFlags()];

/** Every problem with the names of `fields`, each naming the file and the fix. */
function namingProblems(all: Field[]): string[] {
  const problems: string[] = [];
  for (const field of all) {
    const name = kebab(field.name);
    const synonym = CONCEPTS.find((c) => c.others.includes(name));
    if (synonym) problems.push(`${field.where}: \`${field.name}\` is another name for ${synonym.means}. Fix: rename it to \`${synonym.name}\` (every action, plan field and flag uses that one).`);
    const concept = CONCEPTS.find((c) => c.name === name);
    if (!concept) continue;
    const otherKind = concept.kinds && !concept.kinds.includes(field.kind);
    const otherMeaning = concept.describedAs && field.description !== undefined && !concept.describedAs.test(field.description);
    if (otherKind || otherMeaning) {
      problems.push(`${field.where}: \`${field.name}\` names ${concept.means} elsewhere; here, a ${field.kind}, it means something else. Fix: give this ${field.kind} a name of its own.`);
    }
  }
  return problems;
}

describe('one name per concept', () => {
  test('the scan reads every action, the plan, the metric definitions and the CLI', () => {
    const count = (kind: Kind) => fields.filter((f) => f.kind === kind).length;
    expect(fields.filter((f) => f.name === 'token' && f.kind === 'input').length).toBe(7);
    expect(count('plan field')).toBeGreaterThan(30);
    expect(count('metric field')).toBeGreaterThan(20);
    expect(fields.filter((f) => f.kind === 'CLI flag').map((f) => f.name)).toEqual(expect.arrayContaining(['ssh-private-key', 'environment', 'plan', 'repo']));
  });

  test('no input, output, plan field, metric field or CLI flag uses another name for a concept, nor a concept\'s name for something else', () => {
    expect(namingProblems(fields)).toEqual([]);
  });

  test.each([
    ['an old name', { name: 'github-token', kind: 'input', where: 'actions/x/action.yml inputs.github-token', description: 'Token.' }, 'rename it to `token`'],
    ['a camelCase plan field', { name: 'mirrorPercent', kind: 'plan field', where: 'validate.ts' }, 'rename it to `mirror-percentage`'],
    ['the old Prometheus URL input', { name: 'prometheus-url', kind: 'input', where: 'action.yml inputs.prometheus-url', description: "Overrides the plan's `analysis.prometheus` URL." }, 'rename it to `prometheus`'],
    ['the old template arguments input', { name: 'metrics-args', kind: 'input', where: 'actions/analyze/action.yml inputs.metrics-args', description: 'Arguments of an analysis template.' }, 'rename it to `args`'],
    ['a state that is not a deployment state', { name: 'state', kind: 'output', where: 'actions/canary-step/action.yml outputs.state', description: 'The traffic state as JSON.' }, 'give this output a name of its own'],
    ['a weight that is not a share of traffic', { name: 'weight', kind: 'input', where: 'actions/x/action.yml inputs.weight', description: 'How heavy the image is.' }, 'give this input a name of its own'],
  ] as [string, Field, string][])('fails on %s, naming the file and the fix', (_, field, fix) => {
    const [problem] = namingProblems([field]);
    expect(problem).toContain(field.where);
    expect(problem).toContain(fix);
  });

  test('each name is one concept: no name is both a concept and another name of one, nor two concepts', () => {
    const names = CONCEPTS.map((c) => c.name);
    const others = CONCEPTS.flatMap((c) => c.others);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(others.filter((n, i) => others.indexOf(n) !== i)).toEqual([]);
    expect(others.filter((n) => names.includes(n))).toEqual([]);
  });

  test('every renamed input is refused for the name the table gives the concept', () => {
    for (const [old, current] of Object.entries(RENAMED_INPUTS)) {
      expect(CONCEPTS.find((c) => c.others.includes(old))?.name).toBe(current);
    }
  });
});

describe('old names given by a workflow', () => {
  test.each(Object.entries(RENAMED_INPUTS))('an input %s is refused, naming %s, without its value', (old, current) => {
    const env = { [`INPUT_${old.toUpperCase()}`]: 'ghs_secretvalue123' };
    expect(() => refuseRenamedInputs(env)).toThrow(InputError);
    expect(() => refuseRenamedInputs(env)).toThrow(`Input '${old}' was renamed to '${current}'. Fix: write \`${current}:\``);
    expect(() => refuseRenamedInputs(env)).not.toThrow(/secretvalue/);
  });

  test('current names pass', () => {
    expect(() => refuseRenamedInputs({ INPUT_TOKEN: 't', 'INPUT_IMAGE-REF': 'app@sha256:' + 'a'.repeat(64), 'INPUT_MIRROR-PERCENTAGE': '10' })).not.toThrow();
  });

  test('the CLI refuses --ssh-key, naming --ssh-private-key', () => {
    expect(() => parseFlags(['--ssh-key', 'id_ed25519'], { values: ['ssh-private-key'] })).toThrow('unknown option --ssh-key: renamed to --ssh-private-key');
  });
});

describe('list inputs follow the one rule of docs/values.md ("Lists")', () => {
  test.each(actionFields().filter((f) => f.kind === 'input').map((f) => [f.where, f.description!]))('%s', (_, description) => {
    expect(description).not.toMatch(/comma or newline|newline[- ]separated|per line|space[- ]separated/i);
    if (/comma/i.test(description) && /separated/.test(description)) expect(description).toMatch(/one a line or comma-separated/);
  });
});
