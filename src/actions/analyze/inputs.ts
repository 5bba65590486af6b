import { DEFAULT_CONSECUTIVE_ERROR_LIMIT, DEFAULT_HISTORY_SECONDS } from '../../core/analysis/loop.js';
import { InputError } from '../../core/errors.js';
import type { JudgeConfig } from '../../core/judge/types.js';
import { parseMetricsYaml, type MetricDefinition } from '../../core/metrics/metrics-config.js';
import { parseHeaderLines } from '../../core/metrics/prometheus.js';
import { parseSelector, type LabelMatcher } from '../../core/metrics/template.js';
import { parseDurationSeconds } from '../../core/plan/parse.js';
import { choiceInput, inlineOrFileInput, integerInput, optionalString, requiredString, secretHeadersInput, secretInput, urlInput } from '../common/inputs.js';
import { Inputs } from './constants.js';

/** The analyze action's inputs, parsed and validated. */
export interface AnalyzeInputs {
  prometheusUrl: string;
  prometheusHeaders: Record<string, string>;
  metrics: MetricDefinition[];
  canary: LabelMatcher[];
  baseline: LabelMatcher[];
  durationSeconds: number;
  intervalSeconds: number;
  /** Seconds of the baseline's history read before the start (0: none). */
  historySeconds: number;
  /** Label matchers of the series the history is read from, when not the baseline's. */
  historySelector?: LabelMatcher[];
  alpha: number;
  onNoData: JudgeConfig['onNoData'];
  failOn: 'fail' | 'inconclusive' | 'never';
  consecutiveErrorLimit: number;
  deploymentId?: number;
  token?: string;
}

/** Reads and validates every input before anything happens (no status written on bad input). */
export function getInputs(): AnalyzeInputs {
  const prometheusUrl = urlInput(Inputs.PrometheusUrl) ?? requiredString(Inputs.PrometheusUrl, 'set `prometheus-url:` to your Prometheus, e.g. http://prometheus:9090');
  const metricsText = inlineOrFileInput(Inputs.Metrics) ?? requiredString(Inputs.Metrics, 'list the metrics to judge as YAML, inline or in a file (docs/analysis.md)');
  const durationSeconds = duration(Inputs.Duration, '10m');
  const intervalSeconds = duration(Inputs.Interval, '1m');
  if (intervalSeconds > durationSeconds) {
    throw new InputError(Inputs.Interval, optionalString(Inputs.Interval) ?? '1m', `at most the duration (${durationSeconds} s)`, 'shorten the interval or lengthen the duration');
  }
  return {
    prometheusUrl,
    prometheusHeaders: secretHeadersInput(Inputs.PrometheusHeaders, parseHeaderLines),
    metrics: parseMetricsYaml(metricsText, `Input '${Inputs.Metrics}'`),
    canary: parseSelector(requiredString(Inputs.CanarySelector, 'set it to the label matchers of the canary, e.g. version="v2"'), Inputs.CanarySelector),
    baseline: parseSelector(requiredString(Inputs.BaselineSelector, 'set it to the label matchers of the baseline, e.g. version="v1"'), Inputs.BaselineSelector),
    durationSeconds,
    intervalSeconds,
    historySeconds: duration(Inputs.History, `${DEFAULT_HISTORY_SECONDS}s`, { off: true }),
    historySelector: optionalSelector(Inputs.HistorySelector),
    alpha: alpha(),
    onNoData: choiceInput(Inputs.OnNoData, ['inconclusive', 'fail'], 'inconclusive'),
    failOn: choiceInput(Inputs.FailOn, ['fail', 'inconclusive', 'never'], 'fail'),
    consecutiveErrorLimit: integerInput(Inputs.ConsecutiveErrorLimit, { min: 0, max: 1_000_000 }, DEFAULT_CONSECUTIVE_ERROR_LIMIT)!,
    deploymentId: integerInput(Inputs.DeploymentId, { min: 1, max: Number.MAX_SAFE_INTEGER }),
    token: secretInput(Inputs.Token),
  };
}

/** A selector input that may be left out: label matchers, checked as the required ones are. */
function optionalSelector(name: string): LabelMatcher[] | undefined {
  const text = optionalString(name);
  return text === undefined ? undefined : parseSelector(text, name);
}

/** A duration input in seconds, at least 1 s; with `off`, 0 too (the feature turned off). */
function duration(name: string, fallback: string, { off = false } = {}): number {
  const value = optionalString(name) ?? fallback;
  const seconds = parseDurationSeconds(value);
  if (off && seconds === 0) return 0;
  if (seconds === undefined || seconds < 1) {
    if (off) throw new InputError(name, value, 'a duration of at least 1 s such as 30m or 1h, or 0', `write e.g. ${name}: 30m, or ${name}: 0 to turn it off`);
    throw new InputError(name, value, 'a duration of at least 1 s such as 30s, 10m or 1h30m');
  }
  return seconds;
}

function alpha(): number {
  const value = optionalString(Inputs.Alpha) ?? '0.01';
  const number = Number(value);
  if (!(number > 0 && number <= 0.5)) throw new InputError(Inputs.Alpha, value, 'a number in (0, 0.5]', 'use e.g. 0.01 for a 1% false-alarm rate');
  return number;
}
