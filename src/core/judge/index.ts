import { classifyMetric } from './classify.js';
import { scoreMetrics } from './score.js';
import type { JudgeInput, JudgeReport } from './types.js';
import { validateJudgeInput } from './validate.js';

export type * from './types.js';
export { mannWhitneyU } from './mann-whitney.js';
export { hodgesLehmann, type HodgesLehmannResult } from './hodges-lehmann.js';
export { SequentialRateTest, sequentialRateTest, type SequentialRateOptions, type SequentialRateResult } from './sequential-rate/index.js';
export { checkThreshold, type ThresholdCheck } from './threshold.js';
export { classifyMetric, metricDefaults, type ClassifyOptions } from './classify.js';
export { detectableRatio, exposureNeeded, exposureOf, DETECTION_POWER, type Exposure } from './detectable.js';
export { scoreMetrics } from './score.js';
export { validateJudgeInput, defaultJudgeConfig } from './validate.js';

/**
 * Judges canary against baseline: validates the input (throwing an InputError that names the
 * metric and the field), classifies every metric and scores them into a verdict. Pure and
 * synchronous: the same data always gives the same report.
 */
export function judge(input: JudgeInput): JudgeReport {
  const { config, metrics, complete } = validateJudgeInput(input);
  const results = metrics.map((m) => classifyMetric(m, { alpha: config.alpha, onUndecided: config.onUndecided, complete }));
  return { ...scoreMetrics(results, config), metrics: results, config };
}
