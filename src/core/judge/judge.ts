import { classifyMetric, type ClassifyOptions } from './classify.js';
import { scoreMetrics } from './score.js';
import type { JudgeInput, JudgeReport, MetricInput, MetricResult } from './types.js';
import { validateJudgeInput } from './validate.js';

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
  return { ...scoreMetrics(results, config), metrics: results, config };
}
