import { describe, expect, test } from '@jest/globals';
import { InputError } from '../../../../src/core/errors.js';
import { judge, type JudgeConfig, type MetricInput } from '../../../../src/core/judge/index.js';

const repeat = (n: number, v: number) => Array<number>(n).fill(v);

/** A rate metric: `intervals` equal intervals of 1000 requests per arm with the given errors. */
function rate(name: string, canaryErrors: number, baselineErrors: number, extra: Partial<MetricInput> = {}, intervals = 100): MetricInput {
  return {
    name,
    kind: 'rate',
    direction: 'increase',
    canary: { errors: repeat(intervals, canaryErrors), requests: repeat(intervals, 1000) },
    baseline: { errors: repeat(intervals, baselineErrors), requests: repeat(intervals, 1000) },
    ...extra,
  } as MetricInput;
}

/** A continuous metric: 40 values per arm, the canary's scaled by `factor`. */
function latency(name: string, factor: number, extra: Partial<MetricInput> = {}): MetricInput {
  const base = Array.from({ length: 40 }, (_, i) => 100 + ((i * 37) % 40));
  return { name, kind: 'continuous', direction: 'increase', canary: base.map((v) => v * factor + 0.5), baseline: base, ...extra } as MetricInput;
}

const slo = (name: string, values: number[], extra: Partial<MetricInput> = {}): MetricInput =>
  ({ name, kind: 'threshold', direction: 'increase', max: 0.5, values, ...extra }) as MetricInput;

const nodata = (name: string, extra: Partial<MetricInput> = {}) => rate(name, 0, 0, extra, 3);

describe('judge verdicts', () => {
  test.each<[string, MetricInput[], Partial<JudgeConfig>, string, number, string[]]>([
    ['every metric passes', [rate('errors', 20, 20), latency('latency', 1), slo('cpu', [0.2, 0.3])], {}, 'pass', 100, ['pass', 'pass', 'pass']],
    ['a critical rate metric is worse', [rate('errors', 60, 20, { critical: true }), latency('latency', 1)], {}, 'fail', 0, ['high', 'pass']],
    ['one of four metrics is high: marginal score', [rate('a', 20, 20), rate('b', 20, 20), latency('latency', 1.4), slo('cpu', [0.2])], {}, 'inconclusive', 75, ['pass', 'pass', 'high', 'pass']],
    ['one of two metrics is high: score under marginal', [rate('a', 20, 20), latency('latency', 1.4)], {}, 'fail', 50, ['pass', 'high']],
    ['a weighted metric counts for its weight', [rate('a', 20, 20, { weight: 9 }), latency('latency', 1.4)], {}, 'inconclusive', 90, ['pass', 'high']],
    ['nodata is inconclusive by default, never a pass', [rate('a', 20, 20), nodata('quiet')], {}, 'inconclusive', 50, ['pass', 'nodata']],
    ['nodata fails when onNoData is fail', [rate('a', 20, 20), nodata('quiet')], { onNoData: 'fail' }, 'fail', 50, ['pass', 'nodata']],
    ['a critical metric without data is still only nodata', [rate('a', 20, 20), nodata('quiet', { critical: true })], {}, 'inconclusive', 50, ['pass', 'nodata']],
    ['nodata next to failing metrics fails', [latency('slow', 1.4), nodata('quiet')], {}, 'fail', 0, ['high', 'nodata']],
    ['every metric without data: inconclusive with score 0', [nodata('a'), nodata('b')], {}, 'inconclusive', 0, ['nodata', 'nodata']],
    ['a failed query is an error, treated like missing data', [rate('a', 20, 20), rate('b', 20, 20, { error: 'HTTP 503 from Prometheus' })], {}, 'inconclusive', 50, ['pass', 'error']],
    ['a change past criticalIncrease fails even a non-critical metric', [rate('a', 20, 20), rate('b', 20, 20), rate('c', 20, 20), rate('d', 20, 20), rate('e', 20, 20), latency('latency', 1.6, { criticalIncrease: 50 })], { thresholds: { pass: 80, marginal: 50 } }, 'fail', 0, ['pass', 'pass', 'pass', 'pass', 'pass', 'high']],
    ['a threshold past its failureLimit is high', [slo('cpu', [0.2, 0.7, 0.9], { failureLimit: 1 })], {}, 'fail', 0, ['high']],
    ['a threshold within its failureLimit passes', [slo('cpu', [0.2, 0.7, 0.3], { failureLimit: 1 })], {}, 'pass', 100, ['pass']],
    ['a threshold with missing measurements is nodata', [slo('cpu', [0.2, NaN, 0.3])], {}, 'inconclusive', 0, ['nodata']],
    ['a value below min is low', [slo('throughput', [5, 1], { min: 2, max: undefined })], {}, 'fail', 0, ['low']],
    ['a muted metric that is high counts nowhere', [rate('a', 20, 20), latency('new-latency', 1.6, { muted: true, criticalIncrease: 50 })], {}, 'pass', 100, ['pass', 'high']],
    ['a muted metric without data does not hold the verdict', [rate('a', 20, 20), nodata('quiet', { muted: true })], {}, 'pass', 100, ['pass', 'nodata']],
  ])('%s', (_name, metrics, config, verdict, score, classes) => {
    const report = judge({ config, metrics });
    expect(report.metrics.map((m) => m.class)).toEqual(classes);
    expect(report.verdict).toBe(verdict);
    expect(report.score).toBe(score);
    expect(report.reasons.length).toBeGreaterThan(0);
  });

  test('missing or too little data is never a pass, whatever else passes and whatever onNoData says', () => {
    const starved: MetricInput[] = [
      nodata('no errors yet'),
      rate('gaps', NaN, NaN, {}, 10),
      latency('too few', 1, { canary: [1, 2, 3], baseline: [1, 2, 3] }),
      slo('all missing', [NaN, NaN]),
      rate('undecided', 2, 2, {}, 5),
    ];
    for (const metric of starved) {
      for (const onNoData of ['fail', 'inconclusive'] as const) {
        const report = judge({ config: { onNoData }, metrics: [rate('fine', 20, 20), metric] });
        expect([metric.name, report.metrics[1].class]).toEqual([metric.name, 'nodata']);
        expect(report.verdict).toBe(onNoData);
      }
    }
  });

  test('errors too rare to compare pass once the canary\'s own rate is shown negligible, not before', () => {
    // No errors in either arm: 3,000 canary requests bound the rate only under 0.15%, 10,000 under 0.046%.
    expect(judge({ metrics: [rate('quiet', 0, 0, {}, 3)] }).metrics[0].class).toBe('nodata');
    const quiet = judge({ metrics: [rate('quiet', 0, 0, {}, 10)] });
    expect(quiet.verdict).toBe('pass');
    expect(quiet.metrics[0].reason).toMatch(/errors too rare to compare the versions \(0 in 10000 canary requests.*below 0\.046%.*negligible rate 0\.1%/);
    // A stricter negligible rate needs more traffic; a decrease metric never passes this way.
    expect(judge({ metrics: [rate('quiet', 0, 0, { negligibleRate: 0.0001 }, 10)] }).metrics[0].class).toBe('nodata');
    expect(judge({ metrics: [rate('quiet', 0, 0, { direction: 'decrease' }, 10)] }).metrics[0].class).toBe('nodata');
    // A canary with a few errors against a clean baseline is not excused by the rule.
    expect(judge({ metrics: [rate('few', 1, 0, {}, 10)] }).metrics[0].class).not.toBe('pass');
  });

  test('a muted metric is judged and shown as usual, and the reasons say it was not counted', () => {
    const report = judge({ metrics: [rate('a', 20, 20), latency('new-latency', 1.4, { muted: true })] });
    expect(report.metrics[1]).toMatchObject({ name: 'new-latency', class: 'high', muted: true });
    expect(report.metrics[1].mannWhitney!.pGreater).toBeLessThan(0.01);
    expect(report.reasons.at(-1)).toMatch(/^muted metric 'new-latency' is high \(not counted\): canary higher/);
    expect(report.metrics[0].muted).toBeUndefined();
  });

  test('a nodata metric says which and why', () => {
    const report = judge({ metrics: [rate('errors', 20, 20), latency('p99', 1, { canary: [1, NaN], baseline: [1, 2, 3] })] });
    expect(report.reasons).toContain("metric 'p99' is nodata: 1 canary and 3 baseline values, fewer than minSamples (3)");
  });

  test('a continuous metric reports Mann-Whitney with the canary first and a Hodges-Lehmann shift in units and percent', () => {
    const [m] = judge({ metrics: [latency('p99', 1.4)] }).metrics;
    expect(m.mannWhitney!.method).toBe('asymptotic');
    expect(m.mannWhitney!.pGreater).toBeLessThan(0.01);
    expect(m.hodgesLehmann!.confidence).toBe(0.98);
    expect(m.relativeShift!.estimate).toBeGreaterThan(30);
    expect(m.reason).toMatch(/^canary higher: shift/);
  });

  test('the same input always gives the same report', () => {
    const input = { metrics: [rate('errors', 22, 20), latency('p99', 1.05), slo('cpu', [0.1, 0.4])] };
    expect(judge(input)).toEqual(judge(structuredClone(input)));
  });
});

describe('bursty errors', () => {
  test('a rate metric with a steady baseline history is decided from the canary\'s first scrape', () => {
    // 30 scrapes of the primary before the canary: 1% errors, as steady as chance allows.
    const history = { errors: [98, 104, 95, 101, 99, 103, 97, 100, 102, 96, 105, 99, 94, 101, 100, 98, 103, 97, 99, 102, 100, 96, 101, 104, 98, 100, 97, 103, 99, 100], requests: repeat(30, 10_000) };
    const metric = (extra: Partial<MetricInput>): MetricInput =>
      ({ name: 'errors', kind: 'rate', direction: 'increase', critical: true, canary: { errors: [40], requests: [500] }, baseline: { errors: [95], requests: [9500] }, ...extra }) as MetricInput;
    const withHistory = judge({ metrics: [metric({ baselineHistory: history } as Partial<MetricInput>)] });
    expect(withHistory.verdict).toBe('fail');
    expect(withHistory.metrics[0].sequential).toMatchObject({ decision: 'worse', decidedAtInterval: 1, historyIntervals: 30 });
    expect(withHistory.metrics[0].reason).toMatch(/after interval 1; the wobble between scrapes measured on 30 intervals of the baseline's history/);
    // Without it, the evidence guard waits for a second scrape that agrees.
    expect(judge({ metrics: [metric({})] }).metrics[0].sequential).toMatchObject({ decision: 'continue' });
  });

  test('an undecided rate metric whose errors vary far more than chance says so in its reason', () => {
    // The canary's share of errors swings between 1% and 20% of each scrape's errors (its request
    // share is 5%): on average not worse, but no single scrape can be trusted.
    const shares = [1, 20, 2, 15, 1, 12, 3, 10, 2, 14];
    const canaryErrors = shares.map((s) => s * 3);
    const report = judge({
      config: { alpha: 0.01 },
      metrics: [
        {
          name: 'errors',
          kind: 'rate',
          direction: 'increase',
          canary: { errors: canaryErrors, requests: shares.map(() => 5_000) },
          baseline: { errors: canaryErrors.map((x) => 300 - x), requests: shares.map(() => 95_000) },
        },
      ],
    });
    const metric = report.metrics[0];
    expect(metric.class).toBe('nodata');
    expect(metric.sequential!.overdispersion).toBeGreaterThan(2);
    expect(metric.reason).toMatch(/varies [\d.]+× more between scrapes than chance allows/);
  });
});

describe('judge input validation', () => {
  test.each<[string, unknown, RegExp]>([
    ['no metrics', { metrics: [] }, /Input 'metrics' has the value \[\]: expected a non-empty array of metrics/],
    ['an unknown kind', { metrics: [{ name: 'x', kind: 'ratio', direction: 'increase' }] }, /Input 'metric 'x' kind' has the value "ratio": expected one of rate, continuous, threshold/],
    ['a negative count', { metrics: [{ ...rate('errors', 1, 1, {}, 2), canary: { errors: [1, -1], requests: [10, 10] } }] }, /Input 'metric 'errors' canary.errors\[1\]' has the value -1: expected a count ≥ 0 or null/],
    ['more errors than requests', { metrics: [{ ...rate('errors', 1, 1, {}, 2), baseline: { errors: [1, 11], requests: [10, 10] } }] }, /Input 'metric 'errors' baseline.errors\[1\]' has the value 11: expected at most the interval's requests \(10\)/],
    ['arms of different lengths', { metrics: [{ ...rate('errors', 1, 1, {}, 2), baseline: { errors: [1], requests: [10] } }] }, /'metric 'errors' baseline.errors' has the value "1 intervals": expected as many intervals as canary \(2\)/],
    ['a text value', { metrics: [latency('p99', 1, { canary: [1, '2', 3] as unknown as number[] })] }, /'metric 'p99' canary\[1\]' has the value "2": expected a finite number or null/],
    ['alpha out of range', { config: { alpha: 2 }, metrics: [slo('cpu', [1])] }, /Input 'config.alpha' has the value 2: expected a false-alarm rate above 0 and below 0.5/],
    ['marginal above pass', { config: { thresholds: { pass: 70, marginal: 80 } }, metrics: [slo('cpu', [1])] }, /'config.thresholds.marginal' has the value 80: expected at most the pass cut-off \(70\)/],
    ['onNoData pass', { config: { onNoData: 'pass' }, metrics: [slo('cpu', [1])] }, /'config.onNoData' has the value "pass": expected 'fail' or 'inconclusive' \(missing data is never a pass\)/],
    ['a duplicate name', { metrics: [slo('cpu', [1]), slo('cpu', [1])] }, /Input 'metrics\[1\].name' has the value "cpu": expected a name no other metric has/],
    ['a threshold without bounds', { metrics: [{ name: 'cpu', kind: 'threshold', values: [1] }] }, /'metric 'cpu' min\/max' is missing: expected at least one of min and max/],
    ['a muted critical metric', { metrics: [rate('a', 1, 1, {}, 2), slo('cpu', [1], { critical: true, muted: true })] }, /'metric 'cpu' muted' has the value true: expected false for a critical metric/],
    ['every metric muted', { metrics: [slo('cpu', [1], { muted: true })] }, /Input 'metrics' has the value "every metric muted": expected at least one metric that is not muted/],
    ['a history with more errors than requests', { metrics: [rate('errors', 1, 1, { baselineHistory: { errors: [1, 11], requests: [10, 10] } } as Partial<MetricInput>, 2)] }, /'metric 'errors' baselineHistory.errors\[1\]' has the value 11: expected at most the interval's requests \(10\)/],
    ['a history without requests', { metrics: [rate('errors', 1, 1, { baselineHistory: { errors: [1, 2] } } as unknown as Partial<MetricInput>, 2)] }, /'metric 'errors' baselineHistory.requests' is missing: expected an array of numbers/],
    ['allowedRatio not above 1', { metrics: [rate('errors', 1, 1, { allowedRatio: 0.9 }, 2)] }, /'metric 'errors' allowedRatio' has the value 0.9: expected a ratio above 1/],
    ['events that are no phrase', { metrics: [rate('slow', 1, 1, { events: 42 } as unknown as Partial<MetricInput>, 2)] }, /'metric 'slow' events' has the value 42: expected a short phrase of what `errors` counts/],
  ])('%s is rejected with a message naming the metric and field', (_name, input, message) => {
    expect(() => judge(input as never)).toThrow(InputError);
    expect(() => judge(input as never)).toThrow(message);
  });

  test('infinite values are rejected; NaN, like a JSON null, is a missing value', () => {
    expect(() => judge({ metrics: [latency('p99', 1, { baseline: [1, Infinity, 3] })] })).toThrow(/'metric 'p99' baseline\[1\]' has the value "Infinity": expected a finite number or null/);
  });

  test('JSON nulls are missing values', () => {
    const report = judge({ metrics: [slo('cpu', [0.1, null as unknown as number, 0.2], { failureLimit: 1 })] });
    expect(report.metrics[0].threshold).toEqual({ failures: 0, missing: 1, measurements: 3 });
    expect(report.verdict).toBe('pass');
  });
});
