import { existsSync } from 'node:fs';
import { DEFAULT_CONSECUTIVE_ERROR_LIMIT, DEFAULT_HISTORY_SECONDS } from '../../core/analysis/loop.js';
import type { JudgeConfig } from '../../core/judge/types.js';
import { InputError } from '../../core/errors.js';
import { parseAnalysisTemplate, renderAnalysisTemplate } from '../../core/metrics/analysis-template.js';
import type { MetricDefinition } from '../../core/metrics/metrics-config.js';
import { parseHeaderLines } from '../../core/metrics/prometheus.js';
import { parseSourceSettings, prometheusSettings, withInputHeaders, type SourceSettings } from '../../core/metrics/source-settings.js';
import { dialectOf } from '../../core/metrics/dialects/index.js';
import { parseSelector, type LabelMatcher } from '../../core/metrics/template.js';
import type { QueryDialect } from '../../core/metrics/types.js';
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
  /** Where the metrics are read: the `source` input, or the `prometheus` URL (with `prometheus-headers`). */
  source: SourceSettings;
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
  const source = sourceInput();
  const dialect = dialectOf(source.type);
  const metrics = metricsInput(dialect);
  const durationSeconds = parsedInput(Inputs.Duration, parseAnalysisDuration, '10m');
  const intervalSeconds = parsedInput(Inputs.Interval, parseAnalysisInterval, '1m');
  const historySeconds = parsedInput(Inputs.History, parseAnalysisHistory, DEFAULT_HISTORY_SECONDS);
  try {
    checkAnalysisTiming({ durationSeconds, intervalSeconds, historySeconds });
  } catch (error) {
    throw error instanceof ValueError ? error.forInput(error.field === 'history' ? Inputs.History : Inputs.Interval) : error;
  }
  return {
    source: withInputHeaders(source, secretHeadersInput(Inputs.PrometheusHeaders, parseHeaderLines), Inputs.PrometheusHeaders),
    metrics,
    canary: selectorInput(Inputs.CanarySelector, dialect, requiredString(Inputs.CanarySelector, 'set it to the label matchers of the canary, e.g. version="v2"')),
    baseline: selectorInput(Inputs.BaselineSelector, dialect, requiredString(Inputs.BaselineSelector, 'set it to the label matchers of the baseline, e.g. version="v1"')),
    durationSeconds,
    intervalSeconds,
    historySeconds,
    historySelector: optionalSelector(Inputs.HistorySelector, dialect),
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
function metricsInput(dialect: QueryDialect): MetricDefinition[] {
  const text = inlineOrFileInput(Inputs.Metrics) ?? requiredString(Inputs.Metrics, 'list the metrics to judge as YAML, inline or in a file (docs/analysis.md)');
  const given = optionalString(Inputs.Metrics)!;
  const file = !given.includes('\n') && existsSync(given);
  const template = parseAnalysisTemplate(text, file ? `Input '${Inputs.Metrics}': ${given}` : `Input '${Inputs.Metrics}'`, { lines: file });
  return renderAnalysisTemplate(template, argsInput(), `input '${Inputs.Args}'`, dialect);
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

/**
 * Where the metrics are read: the `source` input (a YAML mapping, as a plan's `analysis.source`)
 * or the `prometheus` URL, exactly one of them.
 */
function sourceInput(): SourceSettings {
  const text = optionalString(Inputs.Source);
  const url = urlInput(Inputs.Prometheus);
  if (text !== undefined && url !== undefined) throw new InputError(Inputs.Source, text, `one metric source: \`${Inputs.Source}\` or \`${Inputs.Prometheus}\`, not both`, `remove ${Inputs.Prometheus}, or write it as source: {prometheus: {url: …}}`);
  if (text === undefined) {
    return prometheusSettings(url ?? requiredString(Inputs.Prometheus, 'set `prometheus:` to your Prometheus, e.g. http://prometheus:9090, or `source:` to another metric source (docs/analysis.md, "Metric sources")'));
  }
  let value: unknown;
  try {
    value = loadYaml(text);
  } catch (error) {
    throw new InputError(Inputs.Source, text, 'a YAML mapping naming the source type and its settings, e.g. `datadog: {site: datadoghq.eu}`', (error as Error).message.split('\n')[0]);
  }
  return parseSourceSettings(value, `Input '${Inputs.Source}'`);
}

/** A selector input: label matchers the source's query language can express. */
function selectorInput(name: string, dialect: QueryDialect, text: string): LabelMatcher[] {
  const matchers = parseSelector(text, name);
  dialect.checkSelector(matchers, `Input '${name}'`);
  return matchers;
}

/** A selector input that may be left out: label matchers, checked as the required ones are. */
function optionalSelector(name: string, dialect: QueryDialect): LabelMatcher[] | undefined {
  const text = optionalString(name);
  return text === undefined ? undefined : selectorInput(name, dialect, text);
}
