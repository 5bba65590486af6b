import { describe, expect, test } from '@jest/globals';
import type { JudgeReport } from '../../../../src/core/judge/index.js';
import type { Deployer, DeployTarget } from '../../../../src/core/deploy/index.js';
import { fillSlotPlaceholders, parseSelector, renderSelector, slotPlaceholdersIn } from '../../../../src/core/metrics/template.js';
import { loadPlan, loopAnalysisRunner, runRollout, type AnalysisRequest } from '../../../../src/core/plan/index.js';
import { LedgerDouble, RouterDouble } from './doubles.js';
import { problemsOf } from './problems.js';

// {{canarySlot}} and {{stableSlot}} in a plan's selectors: with slots the new version and the
// stable one swap slots every release, so selectors naming a slot label follow them.

const PLAN = `strategy: canary
slots:
  blue: {}
  green: {}
deploy: {run: [./deploy.sh]}
router: {provider: command, run: [./route.sh]}
analysis:
  prometheus: 'http://127.0.0.1:9090'
  canarySelector: 'app="shop", slot="{{canarySlot}}"'
  baselineSelector: 'app="shop", slot="{{ stableSlot }}"'
  metrics: [{name: errors, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}]
steps:
  - setWeight: 50
  - analysis: {duration: 1m}
`;


describe('slot placeholders in selectors', () => {
  test('a plan with slots keeps them in its selectors until the rollout fills them', () => {
    const plan = loadPlan(PLAN, 'plan.yml');
    expect(renderSelector(plan.analysis!.canary)).toBe('app="shop", slot="{{canarySlot}}"');
    expect([...slotPlaceholdersIn([...plan.analysis!.canary, ...plan.analysis!.baseline])].sort()).toEqual(['canarySlot', 'stableSlot']);
    const filled = fillSlotPlaceholders(plan.analysis!.baseline, { canarySlot: 'green', stableSlot: 'blue' });
    expect(renderSelector(filled)).toBe('app="shop", slot="blue"');
  });

  test('a regex value may hold one too', () => {
    const matchers = parseSelector('pod=~"shop-{{canarySlot}}-.*"', 'canarySelector', { slotPlaceholders: true });
    expect(renderSelector(fillSlotPlaceholders(matchers, { canarySlot: 'green', stableSlot: 'blue' }))).toBe('pod=~"shop-green-.*"');
  });

  test.each([
    ['a plan without slots', PLAN.replace(/slots:\n.*\n.*\ndeploy: .*\n/, '').replace('{provider: command, run: [./route.sh]}', '{provider: command, run: [./route.sh], stableVersion: v1, canaryVersion: v2}'), 'plan.yml line 5: analysis.canarySelector: Input \'canarySelector\' has the value "app=\\"shop\\", slot=\\"{{canarySlot}}\\"": expected label matchers without {{canarySlot}}: it names a slot, and only a plan with `slots:` has slots (docs/rollout.md). Fix: name the version\'s own labels, e.g. version="v2", or give the plan `slots:`'],
    ['an unknown placeholder', PLAN.replace('{{canarySlot}}', '{{canary}}'), 'plan.yml line 9: analysis.canarySelector: Input \'canarySelector\' has the value "app=\\"shop\\", slot=\\"{{canary}}\\"": expected label matchers whose values hold no placeholder but {{canarySlot}} and {{stableSlot}} (found {{canary}}). Fix: write e.g. slot="{{canarySlot}}" for the slot of the new version'],
  ])('%s is refused at parse time', (_what, text, expected) => {
    expect(problemsOf(text)).toContain(expected);
  });

  test('without slots the refusal says what the placeholder is and what to write instead', () => {
    expect(() => parseSelector('slot="{{stableSlot}}"', 'baseline-selector')).toThrow(/^Input 'baseline-selector' has the value .*: expected label matchers without \{\{stableSlot\}\}: it names a slot.* Fix: name the version's own labels, e\.g\. version="v2"/);
  });

  test('a metric query naming a slot placeholder is pointed at the selectors', () => {
    const text = PLAN.replace("errors: 'sum(e{{{selector}}})'", `errors: 'sum(e{slot="{{canarySlot}}"})'`);
    expect(problemsOf(text)).toContain('unknown placeholder {{canarySlot}}; supported: {{selector}}, {{canary}}, {{baseline}}, {{version}}, {{interval}}. Put {{canarySlot}} in canarySelector or baselineSelector');
  });

  test('the loop refuses to query selectors whose slot placeholders were never filled', async () => {
    const plan = loadPlan(PLAN, 'plan.yml');
    const runner = loopAnalysisRunner({ source: { queryRange: async () => [], queryInstant: async () => [] } as never });
    const step = plan.steps[1] as AnalysisRequest['step'];
    await expect(runner.run({ analysis: plan.analysis!, step, stepIndex: 1 })).rejects.toThrow(/still hold \{\{canarySlot\}\} and \{\{stableSlot\}\}/);
  });

  test('three releases with the same plan: each analysis compares the new version\'s slot with the other, which swap every release', async () => {
    const plan = loadPlan(PLAN, 'plan.yml');
    const ledger = new LedgerDouble();
    const router = new RouterDouble();
    const deployed: string[] = [];
    const deployer: Deployer = { type: 'command', deploy: async (target: DeployTarget) => void deployed.push(target.slot.name) };
    const asked: string[] = [];
    const analysis = {
      async run(request: AnalysisRequest): Promise<JudgeReport> {
        asked.push(`canary ${renderSelector(request.analysis.canary)} · baseline ${renderSelector(request.analysis.baseline)}`);
        return { verdict: 'pass', score: 100, reasons: [], metrics: [], config: { alpha: 0.01, thresholds: { pass: 95, marginal: 75 }, onNoData: 'inconclusive', onUndecided: 'pass' } };
      },
    };
    for (const n of [1, 2, 3]) {
      const digest = `sha256:${String(n).repeat(64)}`;
      const outcome = await runRollout({ plan, environment: 'production', artifact: { ref: `app@${digest}`, digest }, ref: 'abc' }, { ledger, router, makeRouter: () => router, deployer, analysis });
      expect(outcome.result).toBe('promoted');
    }
    expect(deployed).toEqual(['blue', 'green', 'blue']);
    // The first release runs no steps (nothing to compare with); then the selectors follow the slots.
    expect(asked).toEqual(['canary app="shop", slot="green" · baseline app="shop", slot="blue"', 'canary app="shop", slot="blue" · baseline app="shop", slot="green"']);
  });
});
