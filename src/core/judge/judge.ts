import { classifyMetric, type ClassifyOptions } from './classify.js';
import { scoreMetrics } from './score.js';
import type { JudgeInput, JudgeReport } from './types.js';
import { validateJudgeInput } from './validate.js';

/**
 * Judges canary against baseline: validates the input (throwing an InputError that names the
 * metric and the field), classifies every metric and scores them into a verdict. Pure and
 * synchronous: the same data always gives the same report.
 */
export function judge(input: JudgeInput): JudgeReport {
  return judgeWith(input);
}

/** judge(), running the rate metrics' tests and ranking the continuous metrics' values with `resumed` (ClassifyOptions; default: from the first interval). */
export function judgeWith(input: JudgeInput, resumed: Pick<ClassifyOptions, 'rateTest' | 'rankValues'> = {}): JudgeReport {
  const { config, metrics, complete } = validateJudgeInput(input);
  const results = metrics.map((m) => classifyMetric(m, { alpha: config.alpha, onUndecided: config.onUndecided, complete, ...resumed }));
  return { ...scoreMetrics(results, config), metrics: results, config };
}
