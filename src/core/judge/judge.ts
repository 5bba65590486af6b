import { classifyMetric, type ClassifyOptions } from './classify.js';
import { scoreMetrics } from './score.js';
import type { JudgeConfig, JudgeInput, JudgeReport, MetricInput, MetricResult } from './types.js';
import { JudgeInputChecks, validateJudgeInput } from './validate.js';

/**
 * Judges canary against baseline: validates the input (throwing an InputError that names the
 * metric and the field), classifies every metric and scores them into a verdict. Pure and
 * synchronous: the same data always gives the same report.
 */
export function judge(input: JudgeInput): JudgeReport {
  return judgeWith(input);
}

/** How an incremental judge resumes what it judged before (incremental.ts); judge() starts every metric afresh. */
export interface Resumed extends Pick<ClassifyOptions, 'rateTest' | 'rankValues'> {
  /** Classifies a metric: `fresh()` judges it on the data given, or an earlier result stands. */
  classify?: (metric: MetricInput, fresh: () => MetricResult, complete: boolean) => MetricResult;
}

/** judge(), resuming the metrics' tests as `resumed` says (default: every metric from its first interval). */
export function judgeWith(input: JudgeInput, resumed: Resumed = {}): JudgeReport {
  const { config, metrics, complete } = validateJudgeInput(input);
  const { classify, ...tests } = resumed;
  const results = metrics.map((m) => {
    const fresh = () => classifyMetric(m, { alpha: config.alpha, onUndecided: config.onUndecided, complete, ...tests });
    return classify ? classify(m, fresh, complete) : fresh();
  });
  return reportOf(results, config);
}

/**
 * judge() over metrics handed one at a time: `head` is the input but for its metrics, of which
 * there are `count`, and `metricAt(i)` gives the i-th. Each metric is validated and judged as it
 * comes and then let go, so a large input is never held whole; the report is judge()'s, and any
 * invalid part throws before a report is made.
 */
export function judgeEach(head: unknown, count: number, metricAt: (index: number) => unknown): JudgeReport {
  const checks = new JudgeInputChecks(head, count);
  const options = { alpha: checks.config.alpha, onUndecided: checks.config.onUndecided, complete: checks.complete };
  const results: MetricResult[] = [];
  for (let i = 0; i < count; i++) results.push(classifyMetric(checks.metric(metricAt(i), i), options));
  checks.finish();
  return reportOf(results, checks.config);
}

function reportOf(results: MetricResult[], config: JudgeConfig): JudgeReport {
  return { ...scoreMetrics(results, config), metrics: results, config };
}
