import { detectableRatio, exposureNeeded } from '../judge/detectable.js';
import type { RateMetricDefinition } from '../metrics/metrics-config.js';
import { DEFAULT_ALPHA, DEFAULT_DETECT_RATIO } from '../values/index.js';
import { stepLabel } from './describe.js';
import type { RolloutPlan } from './plan.js';
import { expectedTrafficBefore } from './steps.js';

// What each analysis of a plan will be able to detect, said before the rollout starts
// (docs/judge.md, "What an analysis can detect"): the same information as the judge reports at
// the end, from the planned duration and canary weight and the service's traffic. The canary is
// compared with the rest of the traffic (the primary), both at the service's error rate.

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
    const intervals = Math.max(1, Math.floor(step.durationSeconds / intervalSeconds));
    const canaryWeight = expectedTrafficBefore(plan.steps, index).canaryWeight;
    const perInterval = traffic.requestsPerSecond * intervalSeconds;
    const [canary, primary] = [(perInterval * canaryWeight) / 100, (perInterval * (100 - canaryWeight)) / 100];
    // I = p · Σ cᵢbᵢ/(cᵢ + bᵢ) (judge/detectable.ts), the same every interval here.
    const information = canary > 0 && primary > 0 ? traffic.errorRate * intervals * ((canary * primary) / (canary + primary)) : 0;
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
        const can = Number.isFinite(m.detectable) ? `only a ${formatNumber(m.detectable)}× regression` : 'no regression at all (no canary traffic or no errors)';
        // Past half the traffic a higher weight leaves the baseline less, and shows no more.
        const how = forecast.canaryWeight < 50 ? 'a longer analysis or a higher weight' : 'a longer analysis';
        const more = Number.isFinite(m.trafficNeeded) ? `; catching ${formatNumber(m.detect)}× takes about ${formatNumber(Math.ceil(m.trafficNeeded * 10) / 10)}× the canary traffic (${how})` : '';
        return `${where}: with ${service}, metric '${m.metric}' can catch ${can}, not its detect ${formatNumber(m.detect)}×${more}. An undecided analysis then ends inconclusive, not promoted.`;
      }),
  );
}

function formatNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}
