import type { JudgeConfig, MetricResult, Verdict } from './types.js';

/**
 * The weighted score and the verdict over classified metrics (Kayenta's scoring, with Slipway's
 * rule that missing data is never a pass):
 * - score = 100 · Σ weight(pass) / Σ weight(all), so nodata and error metrics lower it;
 * - a critical metric that is high or low, or any metric past its critical change, fails the
 *   analysis with score 0;
 * - otherwise, if a metric is nodata or error, the verdict is config.onNoData — unless the metrics
 *   that do have data already score under the marginal cut-off, which fails;
 * - otherwise pass at ≥ thresholds.pass, inconclusive (marginal) at ≥ thresholds.marginal, else fail.
 * Muted metrics count nowhere.
 */
export function scoreMetrics(all: readonly MetricResult[], config: JudgeConfig): { verdict: Verdict; score: number; reasons: string[] } {
  const metrics = all.filter((m) => !m.muted);
  const verdict = countedVerdict(metrics, config);
  // Muted metrics are shown, not counted: one that would have failed says so after the reasons.
  const muted = all.filter((m) => m.muted && m.class !== 'pass').map((m) => `muted metric '${m.name}' is ${m.class} (not counted): ${m.reason}`);
  return { ...verdict, reasons: [...verdict.reasons, ...muted] };
}

/** The score and verdict over the metrics that count (none muted). */
function countedVerdict(metrics: readonly MetricResult[], config: JudgeConfig): { verdict: Verdict; score: number; reasons: string[] } {
  const weightOf = (list: readonly MetricResult[]) => list.reduce((sum, m) => sum + m.weight, 0);
  const percent = (part: readonly MetricResult[], whole: readonly MetricResult[]) =>
    weightOf(whole) > 0 ? round((100 * weightOf(part)) / weightOf(whole)) : 0;
  const passed = metrics.filter((m) => m.class === 'pass');
  const withData = metrics.filter((m) => m.class !== 'nodata' && m.class !== 'error');
  const missing = metrics.filter((m) => m.class === 'nodata' || m.class === 'error');
  const score = percent(passed, metrics);
  const failing = withData.filter((m) => m.class !== 'pass').map((m) => `metric '${m.name}' is ${m.class}: ${m.reason}`);

  const critical = metrics.filter((m) => (m.critical && (m.class === 'high' || m.class === 'low')) || m.criticalExceeded);
  if (critical.length > 0) {
    return {
      verdict: 'fail',
      score: 0,
      reasons: critical.map((m) => `${m.critical ? 'critical metric' : 'metric'} '${m.name}' is ${m.class}${m.criticalExceeded ? ' past its critical change' : ''}: ${m.reason}`),
    };
  }
  const cutoffs = `pass ≥ ${config.thresholds.pass}, marginal ≥ ${config.thresholds.marginal}`;
  if (missing.length > 0) {
    const dataScore = percent(passed, withData);
    const missingReasons = missing.map((m) => `metric '${m.name}' is ${m.class}: ${m.reason}`);
    if (withData.length > 0 && dataScore < config.thresholds.marginal) {
      return { verdict: 'fail', score, reasons: [`the metrics with data score ${dataScore}, under the marginal cut-off ${config.thresholds.marginal}`, ...failing, ...missingReasons] };
    }
    return {
      verdict: config.onNoData,
      score,
      reasons: [`${missing.length} metric${missing.length > 1 ? 's have' : ' has'} no usable data, which is never a pass (onNoData: ${config.onNoData})`, ...missingReasons, ...failing],
    };
  }
  if (score >= config.thresholds.pass) return { verdict: 'pass', score, reasons: [`score ${score} (${cutoffs}): every weighted metric is within its limits`, ...failing] };
  if (score >= config.thresholds.marginal) return { verdict: 'inconclusive', score, reasons: [`score ${score} is marginal (${cutoffs})`, ...failing] };
  return { verdict: 'fail', score, reasons: [`score ${score} is under the marginal cut-off (${cutoffs})`, ...failing] };
}

/** Two decimals are plenty for a 0–100 score and keep reports stable. */
function round(n: number): number {
  return Math.round(n * 100) / 100;
}
