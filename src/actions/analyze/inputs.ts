import { existsSync } from 'node:fs';
import { DEFAULT_CONSECUTIVE_ERROR_LIMIT, DEFAULT_HISTORY_SECONDS } from '../../core/analysis/loop.js';
import type { JudgeConfig } from '../../core/judge/types.js';
import { InputError } from '../../core/errors.js';
import { parseAnalysisTemplate, renderAnalysisTemplate } from '../../core/metrics/analysis-template.js';
import type { MetricDefinition } from '../../core/metrics/metrics-config.js';
import { parseHeaderLines } from '../../core/metrics/prometheus.js';
import { parseSelector, type LabelMatcher } from '../../core/metrics/template.js';
import {
  checkAnalysisTiming,
  DEFAULT_ALPHA,
  parseAlpha,
  parseAnalysisDuration,
  parseAnalysisHistory,
  parseAnalysisInterval,
  parseConsecutiveErrorLimit,
  ValueError,
} from '../../core/values/index.js';
import { loadYaml } from '../../core/yaml.js';
import { choiceInput, inlineOrFileInput, integerInput, optionalString, parsedInput, requiredString, secretHeadersInput, secretInput, urlInput } from '../common/inputs.js';
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
  onUndecided: JudgeConfig['onUndecided'];
  failOn: 'fail' | 'inconclusive' | 'never';
  consecutiveErrorLimit: number;
  deploymentId?: number;
  token?: string;
}

/** Reads and validates every input before anything happens (no status written on bad input). */
export function getInputs(): AnalyzeInputs {
  const prometheusUrl = urlInput(Inputs.Prometheus) ?? requiredString(Inputs.Prometheus, 'set `prometheus:` to your Prometheus, e.g. http://prometheus:9090');
  const metrics = metricsInput();
  const durationSeconds = parsedInput(Inputs.Duration, parseAnalysisDuration, '10m');
  const intervalSeconds = parsedInput(Inputs.Interval, parseAnalysisInterval, '1m');
  const historySeconds = parsedInput(Inputs.History, parseAnalysisHistory, DEFAULT_HISTORY_SECONDS);
  try {
    checkAnalysisTiming({ durationSeconds, intervalSeconds, historySeconds });
  } catch (error) {
    throw error instanceof ValueError ? error.forInput(error.field === 'history' ? Inputs.History : Inputs.Interval) : error;
  }
  return {
    prometheusUrl,
    prometheusHeaders: secretHeadersInput(Inputs.PrometheusHeaders, parseHeaderLines),
    metrics,
    canary: parseSelector(requiredString(Inputs.CanarySelector, 'set it to the label matchers of the canary, e.g. version="v2"'), Inputs.CanarySelector),
    baseline: parseSelector(requiredString(Inputs.BaselineSelector, 'set it to the label matchers of the baseline, e.g. version="v1"'), Inputs.BaselineSelector),
    durationSeconds,
    intervalSeconds,
    historySeconds,
    historySelector: optionalSelector(Inputs.HistorySelector),
    alpha: parsedInput(Inputs.Alpha, parseAlpha, DEFAULT_ALPHA),
    onNoData: choiceInput(Inputs.OnNoData, ['inconclusive', 'fail'], 'inconclusive'),
    onUndecided: choiceInput(Inputs.OnUndecided, ['pass', 'inconclusive'], 'pass'),
    failOn: choiceInput(Inputs.FailOn, ['fail', 'inconclusive', 'never'], 'fail'),
    consecutiveErrorLimit: parsedInput(Inputs.ConsecutiveErrorLimit, parseConsecutiveErrorLimit, DEFAULT_CONSECUTIVE_ERROR_LIMIT),
    deploymentId: integerInput(Inputs.DeploymentId, { min: 1, max: Number.MAX_SAFE_INTEGER }),
    token: secretInput(Inputs.Token),
  };
}

/**
 * The `metrics` input (inline YAML, or the path of a file: a metrics list or an analysis template)
 * filled with `args`. Errors name the input and, for a file, its path and line.
 */
function metricsInput(): MetricDefinition[] {
  const text = inlineOrFileInput(Inputs.Metrics) ?? requiredString(Inputs.Metrics, 'list the metrics to judge as YAML, inline or in a file (docs/analysis.md)');
  const given = optionalString(Inputs.Metrics)!;
  const file = !given.includes('\n') && existsSync(given);
  const template = parseAnalysisTemplate(text, file ? `Input '${Inputs.Metrics}': ${given}` : `Input '${Inputs.Metrics}'`, { lines: file });
  return renderAnalysisTemplate(template, argsInput(), `input '${Inputs.Args}'`);
}

/** The `args` input: a YAML mapping of argument names to values, e.g. `service: shop`; empty when not given. */
function argsInput(): Record<string, unknown> {
  const text = optionalString(Inputs.Args);
  if (text === undefined) return {};
  let args: unknown;
  try {
    args = loadYaml(text);
  } catch (error) {
    throw new InputError(Inputs.Args, text, 'a YAML mapping of template arguments, e.g. `{service: shop, window: 5m}`', (error as Error).message.split('\n')[0]);
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new InputError(Inputs.Args, text, 'a YAML mapping of template arguments, one `name: value` a line, e.g. `service: shop`');
  return args as Record<string, unknown>;
}

/** A selector input that may be left out: label matchers, checked as the required ones are. */
function optionalSelector(name: string): LabelMatcher[] | undefined {
  const text = optionalString(name);
  return text === undefined ? undefined : parseSelector(text, name);
}
