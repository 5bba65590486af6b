import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSlipway } from '../../support/cli.js';
import type { JudgeReport } from '../../../src/core/judge/index.js';

const example = (name: string) => fileURLToPath(new URL(`../../../examples/judge/${name}`, import.meta.url));

const slipway = (...argv: string[]) => runSlipway(argv);

describe('slipway judge', () => {
  test.each([
    ['pass.json', 'pass', 0],
    ['fail-error-rate.json', 'fail', 1],
    ['fail-latency.json', 'fail', 1],
    ['inconclusive-no-data.json', 'inconclusive', 3],
    ['fail-first-scrape-with-history.json', 'fail', 1],
  ] as const)('%s gives the verdict %s and exit code %i', async (file, verdict, code) => {
    const { exitCode, stdout, stderr } = await slipway('judge', '--input', example(file));
    expect(stderr).toBe('');
    expect(exitCode).toBe(code);
    expect((JSON.parse(stdout) as JudgeReport).verdict).toBe(verdict);
  });

  test('the JSON report carries per metric the class, the reason and the statistics', async () => {
    const report = JSON.parse((await slipway('judge', '--input', example('fail-error-rate.json'))).stdout) as JudgeReport;
    const [rate, latency] = report.metrics;
    expect(rate).toMatchObject({ name: 'error-rate', class: 'high', critical: true });
    expect(rate.sequential).toMatchObject({ decision: 'worse', decidedAtInterval: expect.any(Number) });
    expect(rate.sequential!.pValue).toBeLessThanOrEqual(0.01);
    expect(rate.reason).toMatch(/worse than the baseline/);
    expect(latency.mannWhitney).toEqual({ u: expect.any(Number), pTwoSided: expect.any(Number), pGreater: expect.any(Number), pLess: expect.any(Number), method: 'asymptotic' });
    expect(latency.hodgesLehmann).toMatchObject({ confidence: 0.98 });
    expect(report.reasons[0]).toMatch(/critical metric 'error-rate' is high/);
  });

  test('one scrape of a 5× canary fails with the baseline\'s history and holds without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-judge-'));
    try {
      const withHistory = JSON.parse((await slipway('judge', '--input', example('fail-first-scrape-with-history.json'))).stdout) as JudgeReport;
      expect(withHistory.metrics[0].sequential).toMatchObject({ decision: 'worse', decidedAtInterval: 1, historyIntervals: 180 });
      const input = JSON.parse(readFileSync(example('fail-first-scrape-with-history.json'), 'utf8')) as { metrics: Record<string, unknown>[] };
      delete input.metrics[0].baselineHistory;
      writeFileSync(join(dir, 'no-history.json'), JSON.stringify(input));
      const { exitCode, stdout } = await slipway('judge', '--input', join(dir, 'no-history.json'));
      expect(exitCode).toBe(3);
      expect((JSON.parse(stdout) as JudgeReport).metrics[0].sequential).toMatchObject({ decision: 'continue', historyIntervals: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--format markdown prints the verdict, the reasons and a row per metric', async () => {
    const { exitCode, stdout } = await slipway('judge', '--input', example('inconclusive-no-data.json'), '--format=markdown');
    expect(exitCode).toBe(3);
    expect(stdout).toContain('## Canary verdict: ⚠️ inconclusive (score');
    expect(stdout).toContain('| error-rate | rate | ⚠️ nodata | yes |');
    expect(stdout).toContain('α = 0.01 · cut-offs pass ≥ 95, marginal ≥ 75 · missing data: inconclusive');
    expect(stdout).toContain('16 of 20 intervals are missing');
  });

  test('a muted metric shows in the markdown, marked, and does not change the verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-judge-'));
    try {
      const read = (file: string) => JSON.parse(readFileSync(example(file), 'utf8')) as { metrics: object[] };
      const input = read('pass.json');
      input.metrics.push({ ...read('fail-latency.json').metrics[0], name: 'new-latency', muted: true });
      writeFileSync(join(dir, 'muted.json'), JSON.stringify(input));
      const { exitCode, stdout } = await slipway('judge', '--input', join(dir, 'muted.json'), '--format', 'markdown');
      expect(stdout).toContain('| new-latency | continuous | ❌ high (muted) |');
      expect(stdout).toContain("muted metric 'new-latency' is high (not counted)");
      expect(exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad usage and invalid input exit 2 with a message naming what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-judge-'));
    try {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ metrics: [{ name: 'latency', kind: 'continuous', direction: 'up', canary: [], baseline: [] }] }));
      writeFileSync(join(dir, 'broken.json'), '{"metrics": [');
      const cases: [string[], RegExp][] = [
        [['judge'], /--input <data.json> is required/],
        [['judge', '--input', example('pass.json'), '--format', 'yaml'], /--format must be json or markdown, not 'yaml'/],
        [['judge', '--input', join(dir, 'missing.json')], /ENOENT/],
        [['judge', '--input', join(dir, 'broken.json')], /JSON/],
        [['judge', '--input', join(dir, 'bad.json')], /Input 'metric 'latency' direction' has the value "up": expected one of increase, decrease, either/],
        [['judge', '--verbose'], /unknown option --verbose/],
      ];
      for (const [argv, message] of cases) {
        const { exitCode, stdout, stderr } = await slipway(...argv);
        expect({ argv, exitCode, stdout }).toEqual({ argv, exitCode: 2, stdout: '' });
        expect(stderr).toMatch(message);
        expect(stderr).toContain('usage: slipway judge');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
