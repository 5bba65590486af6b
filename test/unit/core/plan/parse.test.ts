import { describe, expect, test } from '@jest/globals';
import { loadPlan } from '../../../../src/core/plan/index.js';
import { problemsOf } from './problems.js';

const GOOD = `strategy: canary
router: {provider: haproxy, socket: /run/haproxy/admin.sock, backend: app, stable: v1, canary: v2}
analysis:
  prometheus: http://127.0.0.1:9090
  interval: 10s
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
  metrics:
    - {name: error-rate, kind: rate, errors: 'sum(errors{{{selector}}})', requests: 'sum(requests{{{selector}}})', direction: increase, critical: true}
steps:
  - setWeight: 5
  - analysis: {duration: 2m}
  - setWeight: 25
  - pause: {duration: 1m}
  - analysis: {duration: 5m, interval: 30s}
  - pause: {}
  - setWeight: 100
onFailure: rollback
`;


describe('plan parsing', () => {
  test('a complete canary plan becomes typed steps with durations in seconds and defaults filled', () => {
    const plan = loadPlan(GOOD, 'plan.yml');
    expect(plan.strategy).toBe('canary');
    expect(plan.router).toEqual({ provider: 'haproxy', settings: { socket: '/run/haproxy/admin.sock', backend: 'app', stable: 'v1', canary: 'v2' } });
    expect(plan.analysis?.intervalSeconds).toBe(10);
    expect(plan.steps.map(({ line: _line, ...s }) => s)).toEqual([
      { kind: 'setWeight', weight: 5 },
      { kind: 'analysis', durationSeconds: 120, intervalSeconds: undefined },
      { kind: 'setWeight', weight: 25 },
      { kind: 'pause', durationSeconds: 60 },
      { kind: 'analysis', durationSeconds: 300, intervalSeconds: 30 },
      { kind: 'pause' },
      { kind: 'setWeight', weight: 100 },
    ]);
    expect(plan.steps[2].line).toBe(13);
    expect(plan.onFailure).toBe('rollback');
    expect(plan.onInconclusive).toBe('pause');
  });

  test('an out-of-range weight is reported with its line and field path', () => {
    const text = GOOD.replace('setWeight: 25', 'setWeight: 150');
    expect(problemsOf(text)).toBe('plan.yml line 13: steps[2].setWeight: 150 is not a whole number from 0 to 100. Fix: 0 sends the canary nothing and 100 sends it everything');
  });

  test('a step written over two lines is located at the line of its key', () => {
    const text = 'router: {provider: haproxy}\nsteps:\n  - setWeight: 5\n  -\n    setWeight: -1\n';
    expect(problemsOf(text)).toBe('plan.yml line 5: steps[1].setWeight: -1 is not a whole number from 0 to 100. Fix: 0 sends the canary nothing and 100 sends it everything');
  });

  test('every problem is reported at once, each on its own line', () => {
    const text = `strategy: linear
router: {provider: haproxy}
steps:
  - setWeight: 5
  - analysis: {duration: soon}
  - wait: 5
onFailure: retry
`;
    expect(problemsOf(text).split('\n')).toEqual([
      'plan.yml line 1: strategy: linear is not one of canary, blue-green',
      'plan.yml line 7: onFailure: retry is not one of rollback, pause',
      'plan.yml line 5: steps[1].analysis.duration: soon is not a duration such as 90, 90s, 2m, 1h or 1m30s (whole seconds)',
      'plan.yml line 6: steps[2]: expected one of `setWeight:`, `pause:`, `analysis:`, `setHeaderRoute:`, `setMirrorRoute:`, `preview:`, `smokeCheck:`, `switch:`, got {"wait":5}',
    ]);
  });

  test('an analysis step without an analysis block says what is missing', () => {
    expect(problemsOf('router: {provider: haproxy}\nsteps:\n  - analysis: {duration: 1m}\n')).toContain(
      "line 3: steps[0].analysis: an analysis step needs the plan's `analysis:` block",
    );
  });

  test('metric definitions and selectors are checked with the shared metrics rules, at their line', () => {
    const text = GOOD.replace('kind: rate', 'kind: ratio').replace(`canarySelector: 'version="v2"'`, `canarySelector: 'version=v2'`);
    const message = problemsOf(text);
    expect(message).toContain('plan.yml line 9: analysis.metrics[0]: "error-rate": field kind: expected rate, latency, continuous or threshold, got "ratio".');
    expect(message).toMatch(/plan\.yml line 6: analysis\.canarySelector: Input 'canarySelector' has the value "version=v2"/);
  });

  test('consecutiveErrorLimit is read as a whole number of intervals, and anything else is refused at its line', () => {
    expect(loadPlan(GOOD.replace('  interval: 10s\n', '  interval: 10s\n  consecutiveErrorLimit: 0\n'), 'plan.yml').analysis?.consecutiveErrorLimit).toBe(0);
    expect(loadPlan(GOOD, 'plan.yml').analysis?.consecutiveErrorLimit).toBeUndefined();
    expect(problemsOf(GOOD.replace('  interval: 10s\n', '  interval: 10s\n  consecutiveErrorLimit: 2.5\n'))).toContain(
      'plan.yml line 6: analysis.consecutiveErrorLimit: 2.5 is not a whole number of intervals from 0 to 11,000. Fix: the default is 4; 0 never stops',
    );
  });

  test('history is read as a duration in seconds (0 reads none), and anything else is refused at its line', () => {
    const withHistory = (value: string) => GOOD.replace('  interval: 10s\n', `  interval: 10s\n  history: ${value}\n`);
    expect(loadPlan(withHistory('45m'), 'plan.yml').analysis?.historySeconds).toBe(2700);
    expect(loadPlan(withHistory('0'), 'plan.yml').analysis?.historySeconds).toBe(0);
    expect(loadPlan(GOOD, 'plan.yml').analysis?.historySeconds).toBeUndefined();
    expect(problemsOf(withHistory('-5m'))).toContain('plan.yml line 6: analysis.history: -5m is not a duration such as 90, 90s, 2m, 1h or 1m30s (whole seconds)');
    expect(problemsOf(withHistory('half an hour'))).toContain('plan.yml line 6: analysis.history: half an hour is not a duration');
  });

  test('historySelector reads the history from the primary beside a dedicated baseline; an empty one is refused at its line', () => {
    const withSelector = (value: string) => GOOD.replace('  interval: 10s\n', `  interval: 10s\n  historySelector: ${value}\n`);
    expect(loadPlan(withSelector("'track=\"primary\"'"), 'plan.yml').analysis?.historySelector).toEqual([{ name: 'track', op: '=', value: 'primary' }]);
    expect(loadPlan(GOOD, 'plan.yml').analysis?.historySelector).toBeUndefined();
    expect(problemsOf(withSelector("''"))).toContain(
      "plan.yml line 6: analysis.historySelector: \"\" is not a label selector: give the primary's (where the history is read) label matchers, e.g. version=\"v2\" (or the action input history-selector)",
    );
  });

  test('an analysis shorter than its interval is refused', () => {
    expect(problemsOf(GOOD.replace('{duration: 2m}', '{duration: 5s}'))).toBe(
      'plan.yml line 12: steps[1].analysis: interval 10s is not at most the duration (5s). Fix: shorten the interval or lengthen the duration: an analysis looks at the metrics once an interval',
    );
  });

  test('the timed steps between two open-ended pauses fit in one 6 h job; an open-ended pause splits them across runs', () => {
    const plan = (steps: string) => `router: {provider: haproxy}\nsteps:\n${steps}`;
    expect(problemsOf(plan('  - setWeight: 10\n  - pause: {duration: 4h}\n  - setWeight: 50\n  - pause: {duration: 2h30m}\n  - setWeight: 100\n'))).toBe(
      'plan.yml line 6: steps[3].pause: steps[0] to steps[3] wait 6h30m in one job, longer than the 6h a GitHub-hosted job runs (jobs.<id>.timeout-minutes, 360 minutes). Fix: put an open-ended `pause: {}` before this step; a later run of the rollout resumes there',
    );
    // Exactly 6 h fits; the same waits with an open-ended pause between them are two jobs.
    expect(loadPlan(plan('  - pause: {duration: 4h}\n  - pause: {duration: 2h}\n  - setWeight: 100\n'), 'plan.yml').steps).toHaveLength(3);
    expect(loadPlan(plan('  - pause: {duration: 4h}\n  - pause: {}\n  - pause: {duration: 2h30m}\n  - setWeight: 100\n'), 'plan.yml').steps).toHaveLength(4);
  });

  test('onUndecided is pass or inconclusive; anything else is refused at its line', () => {
    expect(loadPlan(GOOD.replace('interval: 10s', 'interval: 10s\n  onUndecided: inconclusive'), 'plan.yml').analysis?.onUndecided).toBe('inconclusive');
    expect(loadPlan(GOOD, 'plan.yml').analysis?.onUndecided).toBeUndefined();
    expect(problemsOf(GOOD.replace('interval: 10s', 'interval: 10s\n  onUndecided: maybe'))).toBe('plan.yml line 6: analysis.onUndecided: maybe is not one of pass, inconclusive');
  });

  test('unknown top-level fields are typos, not silently ignored', () => {
    expect(problemsOf('router: {provider: haproxy}\nstep:\n  - setWeight: 5\n')).toContain('plan.yml line 2: step: unknown field');
  });

  test('broken YAML is reported with the line js-yaml found it on', () => {
    expect(problemsOf('router: {provider: haproxy\nsteps: []\n', 'rollout.yml')).toMatch(/^rollout\.yml line \d: not valid YAML/);
  });

  test('a plan without steps or router is refused', () => {
    const message = problemsOf('strategy: canary\n');
    expect(message).toContain('router: expected a mapping naming the traffic provider');
    expect(message).toContain('steps: a plan needs a non-empty list of steps');
  });

  test('blue-green plans switch once and take previews and smoke checks, not weights', () => {
    const plan = loadPlan(`strategy: blue-green
router: {provider: nginx}
steps:
  - preview: {}
  - smokeCheck: http://127.0.0.1:8080/health
  - switch: {}
`);
    expect(plan.steps.map((s) => s.kind)).toEqual(['preview', 'smokeCheck', 'switch']);
    expect(plan.steps[0]).toMatchObject({ route: { name: 'x-slipway-preview', value: 'true' } });
    expect(plan.steps[1]).toMatchObject({ url: 'http://127.0.0.1:8080/health', expectStatus: 200, timeoutSeconds: 10 });
    expect(problemsOf('strategy: blue-green\nrouter: {provider: nginx}\nsteps:\n  - setWeight: 50\n')).toContain('steps[0].setWeight: a blue-green plan moves traffic at once');
    expect(problemsOf('router: {provider: nginx}\nsteps:\n  - switch: {}\n')).toContain('`switch` belongs to strategy blue-green');
  });

  test('overrides from the action inputs win over the file and are validated too', () => {
    const plan = loadPlan(GOOD, 'plan.yml', { router: { backend: 'web' }, prometheus: 'http://127.0.0.1:9999', onFailure: 'pause' });
    expect(plan.router.settings.backend).toBe('web');
    expect(plan.router.settings.stable).toBe('v1');
    expect(plan.analysis?.source).toEqual({ type: 'prometheus', delaySeconds: 0, url: 'http://127.0.0.1:9999', headers: {} });
    expect(plan.onFailure).toBe('pause');
    expect(() => loadPlan(GOOD, 'plan.yml', { onInconclusive: 'promote' })).toThrow('onInconclusive: promote is not one of rollback, pause');
  });
});
