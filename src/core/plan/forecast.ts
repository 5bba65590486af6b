import { DEFAULT_HISTORY_SECONDS, plannedIntervalsOf } from '../analysis/loop.js';
import { measureTraffic, readStableValues } from '../analysis/traffic.js';
import { errorMessage } from '../errors.js';
import { metricDefaults } from '../judge/classify.js';
import { detectableRatio, detectableShift, exposureNeeded } from '../judge/detectable.js';
import { sortedCopy } from '../judge/ranks.js';
import type { MetricSource } from '../metrics/types.js';
import type { ContinuousMetricDefinition, RateMetricDefinition } from '../metrics/metrics-config.js';
import { DEFAULT_ALPHA, DEFAULT_DETECT_RATIO } from '../values/index.js';
import { stepLabel } from './describe.js';
import type { PlanAnalysis, RolloutPlan } from './plan.js';
import { expectedTrafficBefore } from './steps.js';

// What each analysis of a plan will be able to detect, said before the rollout starts
// (docs/judge.md, "What an analysis can detect"): the same information as the judge reports at
// the end, from the planned duration and canary weight and the service's traffic, all at the
// service's error rate. The canary is compared with the rest of the traffic (the primary) — or,
// when the plan reads its history from elsewhere (`historySelector`: a dedicated baseline beside
// the primary), with a baseline as large as the canary.

/** The service's traffic the forecast assumes: what the primary served lately. */
export interface ServiceTraffic {
  requestsPerSecond: number;
  /** Errors per request, a fraction. */
  errorRate: number;
}

/** One rate metric of one analysis step, forecast. */
export interface MetricForecast {
  metric: string;
  /** The ratio the metric asks to be able to catch (`detect`). */
  detect: number;
  /** The smallest ratio the analysis would catch with 95% probability; Infinity when it sees no errors. */
  detectable: number;
  /** How many times the canary traffic it takes to catch `detect` (1 when it already does). */
  trafficNeeded: number;
}

/** One analysis step of the plan, forecast. */
export interface AnalysisForecast {
  /** 1-based step number, and its line in the plan. */
  step: number;
  line?: number;
  label: string;
  canaryWeight: number;
  metrics: MetricForecast[];
}

/** Forecasts every analysis step's detectable ratio for each counted rate metric of the plan. */
export function forecastAnalyses(plan: RolloutPlan, traffic: ServiceTraffic): AnalysisForecast[] {
  const analysis = plan.analysis;
  if (!analysis) return [];
  const alpha = analysis.alpha ?? DEFAULT_ALPHA;
  const rateMetrics = analysis.metrics.filter((m): m is RateMetricDefinition => m.kind === 'rate' && !m.muted);
  const forecasts: AnalysisForecast[] = [];
  plan.steps.forEach((step, index) => {
    if (step.kind !== 'analysis') return;
    const intervalSeconds = step.intervalSeconds ?? analysis.intervalSeconds;
    const intervals = plannedIntervalsOf(step.durationSeconds, intervalSeconds);
    const canaryWeight = expectedTrafficBefore(plan.steps, index).canaryWeight;
    const perInterval = traffic.requestsPerSecond * intervalSeconds;
    const canary = (perInterval * canaryWeight) / 100;
    const baseline = analysis.historySelector ? canary : (perInterval * (100 - canaryWeight)) / 100;
    // I = p · Σ cᵢbᵢ/(cᵢ + bᵢ) (judge/detectable.ts), the same every interval here.
    const information = canary > 0 && baseline > 0 ? traffic.errorRate * intervals * ((canary * baseline) / (canary + baseline)) : 0;
    const exposure = { information, overdispersion: 1 };
    forecasts.push({
      step: index + 1,
      line: step.line,
      label: stepLabel(step),
      canaryWeight,
      metrics: rateMetrics.map((metric) => {
        const detect = metric.detect ?? DEFAULT_DETECT_RATIO;
        return {
          metric: metric.name,
          detect,
          detectable: detectableRatio(exposure, alpha, metric.direction),
          trafficNeeded: exposureNeeded(exposure, alpha, metric.direction, detect),
        };
      }),
    });
  });
  return forecasts;
}

/** The sentences a forecast deserves: one per metric of a step that cannot catch its `detect` ratio. */
export function forecastWarnings(forecasts: AnalysisForecast[], traffic: ServiceTraffic): string[] {
  const service = `${formatNumber(traffic.requestsPerSecond)} req/s at ${formatNumber(traffic.errorRate * 100)}% errors`;
  return forecasts.flatMap((forecast) =>
    forecast.metrics
      .filter((m) => m.detectable > m.detect)
      .map((m) => {
        const where = `step ${forecast.step}${forecast.line === undefined ? '' : ` (line ${forecast.line})`}, ${forecast.label} at canary ${forecast.canaryWeight}%`;
        const can = Number.isFinite(m.detectable) ? `only a ${formatNumber(m.detectable)}× regression` : 'no regression up to 64× (too few canary requests or errors)';
        // Past half the traffic a higher weight leaves the baseline less, and shows no more.
        const how = forecast.canaryWeight < 50 ? 'a longer analysis or a higher weight' : 'a longer analysis';
        const more = Number.isFinite(m.trafficNeeded) ? `; catching ${formatNumber(m.detect)}× takes about ${formatNumber(Math.ceil(m.trafficNeeded * 10) / 10)}× the canary traffic (${how})` : '';
        return `${where}: with ${service}, metric '${m.metric}' can catch ${can}, not its detect ${formatNumber(m.detect)}×${more}. An undecided analysis then ends inconclusive, not promoted.`;
      }),
  );
}

/** What the forecast against measured traffic says: a line per analysis and metric, the warnings among them. */
export interface SourceForecast {
  lines: string[];
  warnings: string[];
}

/**
 * The forecast of a plan against the traffic each counted rate metric measured on the stable
 * version over the history window (an hour when history is off), before any traffic moves: two
 * range queries per metric. A metric whose traffic cannot be measured gets a line saying so.
 */
export async function forecastFromSource(plan: RolloutPlan, source: MetricSource, now: Date): Promise<SourceForecast> {
  const analysis = plan.analysis;
  const result: SourceForecast = { lines: [], warnings: [] };
  if (!analysis) return result;
  const windowSeconds = analysis.historySeconds === 0 ? 3600 : (analysis.historySeconds ?? DEFAULT_HISTORY_SECONDS);
  const window = { selector: analysis.historySelector ?? analysis.baseline, canary: analysis.canary, baseline: analysis.baseline, intervalSeconds: analysis.intervalSeconds, windowSeconds, now };
  for (const metric of analysis.metrics.filter((m): m is RateMetricDefinition => m.kind === 'rate' && !m.muted)) {
    let traffic: ServiceTraffic | undefined;
    try {
      traffic = await measureTraffic(source, metric, window);
    } catch (error) {
      result.lines.push(`metric '${metric.name}': no forecast, its traffic could not be read (${errorMessage(error)})`);
      continue;
    }
    if (!traffic) {
      result.lines.push(`metric '${metric.name}': no forecast, its counters did not grow over the last ${windowSeconds} s`);
      continue;
    }
    const forecasts = forecastAnalyses({ ...plan, analysis: { ...analysis, metrics: [metric] } }, traffic);
    for (const forecast of forecasts) {
      const [m] = forecast.metrics;
      const can = Number.isFinite(m.detectable) ? `${formatNumber(m.detectable)}×` : 'nothing';
      result.lines.push(`step ${forecast.step}, ${forecast.label} at canary ${forecast.canaryWeight}%: metric '${m.metric}' can catch ${can} (detect ${formatNumber(m.detect)}×) with ${formatNumber(traffic.requestsPerSecond)} req/s at ${formatNumber(traffic.errorRate * 100)}% errors`);
    }
    result.warnings.push(...forecastWarnings(forecasts, traffic));
  }
  for (const metric of analysis.metrics.filter((m): m is ContinuousMetricDefinition => m.kind === 'continuous' && !m.muted)) {
    result.lines.push(...(await forecastShift(plan, analysis, metric, source, window)));
  }
  return result;
}

/** A continuous metric's detectable shift per analysis step, from the spread of the stable version's recent values. */
async function forecastShift(plan: RolloutPlan, analysis: PlanAnalysis, metric: ContinuousMetricDefinition, source: MetricSource, window: Parameters<typeof readStableValues>[2]): Promise<string[]> {
  let values: number[];
  try {
    values = await readStableValues(source, metric, window);
  } catch (error) {
    return [`metric '${metric.name}': no forecast, its values could not be read (${errorMessage(error)})`];
  }
  if (values.length < 3) return [`metric '${metric.name}': no forecast, fewer than 3 values over the last ${window.windowSeconds} s`];
  const alpha = analysis.alpha ?? DEFAULT_ALPHA;
  const falls = metric.direction === 'decrease';
  const allowed = (falls ? metric.allowedDecrease : metric.allowedIncrease) ?? metricDefaults.allowedPercent;
  return plan.steps.flatMap((step, index) => {
    if (step.kind !== 'analysis') return [];
    const intervals = plannedIntervalsOf(step.durationSeconds, step.intervalSeconds ?? analysis.intervalSeconds);
    const shift = detectableShift(intervals, sortedCopy(values), alpha, metric.direction, allowed);
    const can = shift === null ? 'no shift (the stable version’s values do not vary)' : `a ${formatNumber(shift)}% ${falls ? 'fall' : 'rise'}`;
    return [`step ${index + 1}, ${stepLabel(step)} at canary ${expectedTrafficBefore(plan.steps, index).canaryWeight}%: metric '${metric.name}' can catch ${can} (allowed ${formatNumber(allowed)}%) with ${intervals} values per arm`];
  });
}

function formatNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}
