import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateStream } from '../../../bench/judge/streams.js';
import { runSlipway } from '../../support/cli.js';
import { judge } from '../../../src/core/judge/index.js';
import { forecastAnalyses, loadPlan } from '../../../src/core/plan/index.js';

// `slipway plan check`: a plan's validation and, given the service's traffic, what each analysis
// step can detect — said before a rollout that could never promote a healthy canary starts.

const PLAN = `strategy: canary
router: {provider: haproxy, socket: /run/haproxy/admin.sock, backend: app, stable: v1, canary: v2}
analysis:
  prometheus: http://127.0.0.1:9090
  canarySelector: 'version="v2"'
  baselineSelector: 'version="v1"'
  metrics:
    - {name: error-rate, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}
    - {name: checkout-errors, kind: rate, errors: 'sum(c{{{selector}}})', requests: 'sum(r{{{selector}}})', detect: 1.5x}
steps:
  - setWeight: 5
  - analysis: {duration: 60m}
  - setWeight: 50
  - analysis: {duration: 10m}
`;

let dir: string;
let planFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slipway-plan-check-'));
  planFile = join(dir, 'plan.yml');
  writeFileSync(planFile, PLAN);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const slipway = (...argv: string[]) => runSlipway(argv);

describe('slipway plan check', () => {
  test('at 100 req/s and 1% errors: a table per analysis and metric, and a warning with the fix where detect is out of reach', async () => {
    const { exitCode, stdout, stderr } = await slipway('plan', 'check', '--plan', planFile, '--rps', '100', '--error-rate', '1%');
    expect(stderr).toBe('');
    expect(stdout).toContain('The plan is valid: canary, 4 steps, router haproxy.');
    expect(stdout).toContain('| 2 | analysis 1h | 5% | error-rate | 1.49× | 2× ✅ |');
    expect(stdout).toContain('| 2 | analysis 1h | 5% | checkout-errors | 1.49× | 1.5× ✅ |');
    // Ten minutes at half the traffic see about as much as an hour at 5%: enough for 2×, just short of 1.5×.
    expect(stdout).toContain('| 4 | analysis 10m | 50% | error-rate | 1.53× | 2× ✅ |');
    expect(stdout).toContain('| 4 | analysis 10m | 50% | checkout-errors | 1.53× | 1.5× ⚠️ |');
    expect(stdout).toContain(
      "⚠️ step 4 (line 14), analysis 10m at canary 50%: with 100 req/s at 1% errors, metric 'checkout-errors' can catch only a 1.53× regression, not its detect 1.5×; catching 1.5× takes about 1.2× the canary traffic (a longer analysis). An undecided analysis then ends inconclusive, not promoted.",
    );
    expect(exitCode).toBe(3);
  });

  test('at 5 req/s the one-hour analysis at 5% cannot catch 2×: exit 3, naming the step, what it can catch and how much more traffic it takes', async () => {
    const { exitCode, stdout } = await slipway('plan', 'check', planFile, '--rps', '5', '--error-rate', '1%');
    expect(exitCode).toBe(3);
    expect(stdout).toMatch(
      /⚠️ step 2 \(line 12\), analysis 1h at canary 5%: with 5 req\/s at 1% errors, metric 'error-rate' can catch only a \d+(\.\d+)?× regression, not its detect 2×; catching 2× takes about \d+(\.\d)?× the canary traffic \(a longer analysis or a higher weight\)\. An undecided analysis then ends inconclusive, not promoted\./,
    );
  });

  test('without the traffic it validates and prints the dry run, step by step, at the plan\'s lines', async () => {
    const { exitCode, stdout, stderr } = await slipway('plan', 'check', planFile);
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(stdout.split('\n')).toEqual([
      'The plan is valid: canary, 4 steps, router haproxy.',
      '',
      'What a rollout of it will do:',
      'A failed analysis or smoke check: roll back (traffic back to the stable version); an inconclusive analysis: pause (traffic held, the deployment waiting for a person).',
      'Router: haproxy (socket /run/haproxy/admin.sock, backend app, stable v1, canary v2).',
      'Analysis: prometheus at http://127.0.0.1:9090, every 1m, α 0.01; canary version="v2" against baseline version="v1"; the baseline\'s last 30m read first; metrics error-rate (rate), checkout-errors (rate).',
      'Steps:',
      '  1. setWeight 5% (line 11): the new version gets 5% of the traffic, the stable one 95%.',
      '  2. analysis 1h (line 12): judges the new version against the baseline every 1m for up to 1h, stopping as soon as it is decided; fail: roll back (traffic back to the stable version); inconclusive: pause (traffic held, the deployment waiting for a person).',
      '  3. setWeight 50% (line 13): the new version gets 50% of the traffic, the stable one 50%.',
      '  4. analysis 10m (line 14): judges the new version against the baseline every 1m for up to 10m, stopping as soon as it is decided; fail: roll back (traffic back to the stable version); inconclusive: pause (traffic held, the deployment waiting for a person).',
      'Then: the new version is promoted (all traffic, the deployment marked success).',
      '',
    ]);
    expect((await slipway('plan', 'check', '--plan', planFile)).stdout).toBe(stdout);
  });

  test('the example plans: a blue-green preview, smoke check and switch; slots, their deploy and the selectors that follow them', async () => {
    const blueGreen = await slipway('plan', 'check', 'examples/plans/blue-green-nginx.yml');
    expect(blueGreen.exitCode).toBe(0);
    expect(blueGreen.stdout).toContain('  1. preview (x-slipway-preview: true) (line 12): the new version answers requests whose header x-slipway-preview is true; everyone else stays on the stable one.');
    expect(blueGreen.stdout).toContain('  2. smoke check http://127.0.0.1:8080/healthz (line 13): GET http://127.0.0.1:8080/healthz must answer 200 within 10s; otherwise: roll back (traffic back to the stable version).');
    expect(blueGreen.stdout).toContain('  3. switch (line 14): all traffic goes to the new version at once; the old one keeps running for an instant switch back.');
    const slots = await slipway('plan', 'check', 'examples/plans/slots-haproxy-ssh.yml');
    expect(slots.exitCode).toBe(0);
    expect(slots.stdout).toContain('Slots: slots blue (server blue) and green (server green); deploy: run ./deploy/start-slot.sh; the first release goes into blue.');
    expect(slots.stdout).toContain('canary job="shop", slot="{{canarySlot}}" against baseline job="shop", slot="{{stableSlot}}"');
    expect(slots.stdout).toContain('Then: the new version is promoted (all traffic, the deployment marked success, its slot stable from now on).');
  });

  test('an invalid plan exits 1 naming every problem at its line; bad usage exits 2', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, PLAN.replace('setWeight: 50', 'setWeight: 12.5').replace('duration: 10m', 'duration: ten minutes'));
    const invalid = await slipway('plan', 'check', bad, '--rps', '100', '--error-rate', '1%');
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain(`${bad} line 13: steps[2].setWeight: 12.5 is not a whole number from 0 to 100`);
    expect(invalid.stderr).toContain(`${bad} line 14: steps[3].analysis.duration: ten minutes is not a duration`);
    expect((await slipway('plan', 'check', join(dir, 'missing.yml'))).exitCode).toBe(1);
    expect((await slipway('plan', 'check', planFile, '--rps', '100')).stderr).toContain('--rps and --error-rate go together');
    expect((await slipway('plan', 'check', planFile, '--rps', '100', '--error-rate', '0%')).exitCode).toBe(2);
    expect((await slipway('plan', 'check', planFile, '--plan', planFile)).stderr).toContain('give the plan once');
    expect((await slipway('plan', 'check')).exitCode).toBe(2);
    expect((await slipway('plan', 'lint')).stderr).toContain("expected 'check', got 'lint'");
  });

  test('against a dedicated baseline (the plan reads its history from the primary) the canary is compared with a baseline its size: less to go by', () => {
    const traffic = { requestsPerSecond: 100, errorRate: 0.01 };
    const [primary] = forecastAnalyses(loadPlan(PLAN, 'plan.yml'), traffic);
    const [dedicated] = forecastAnalyses(loadPlan(PLAN.replace("baselineSelector: 'version=\"v1\"'", "baselineSelector: 'version=\"v1\", track=\"baseline\"'\n  historySelector: 'version=\"v1\", track=\"primary\"'"), 'plan.yml'), traffic);
    // c·b/(c+b): 5%·95%/100% of the traffic against 5%·5%/10%, about half the information.
    expect(dedicated.metrics[0].detectable).toBeGreaterThan(primary.metrics[0].detectable);
    expect(dedicated.metrics[0].trafficNeeded).toBeGreaterThanOrEqual(1);
  });

  test('the forecast agrees with what the judge states at the end of the same analysis on traffic like it', () => {
    // The bench's streams: 100 req/s, a 5% canary against the primary, 1% errors, one-minute scrapes, 60 minutes.
    const [first] = forecastAnalyses(loadPlan(PLAN, 'plan.yml'), { requestsPerSecond: 100, errorRate: 0.01 });
    const stated = [1, 2, 3, 4, 5].map((seed) => {
      const { canary, baseline } = generateStream({ totalRps: 100, comparison: 'primary', ratio: 1, scrapeSeconds: 60 }, seed);
      return judge({ metrics: [{ name: 'error-rate', kind: 'rate', direction: 'increase', canary, baseline }] }).metrics[0].sequential!.detectableRatio!;
    });
    for (const ratio of stated) expect(Math.abs(Math.log(ratio / first.metrics[0].detectable))).toBeLessThan(Math.log(1.15));
  });
});
