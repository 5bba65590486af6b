import { InputError } from '../errors.js';
import { DEFAULT_ALPHA, parseAlpha, parseDetectRatio, parseInput, parsePercentage } from '../values/index.js';
import type { Direction, JudgeConfig, MetricInput } from './types.js';

/** The defaults of JudgeConfig: α 0.01, pass ≥ 95, marginal ≥ 75, missing data → inconclusive. */
export const defaultJudgeConfig: JudgeConfig = { alpha: DEFAULT_ALPHA, thresholds: { pass: 95, marginal: 75 }, onNoData: 'inconclusive', onUndecided: 'pass' };

const directions: Direction[] = ['increase', 'decrease', 'either'];
const kinds: MetricInput['kind'][] = ['rate', 'continuous', 'threshold'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a judge input (as parsed from JSON) and returns it with the config's defaults filled in
 * and JSON `null`s (missing values) turned into NaN. Throws an InputError naming the metric and
 * the field for anything malformed, before anything is judged.
 */
export function validateJudgeInput(input: unknown): { config: JudgeConfig; metrics: MetricInput[]; complete: boolean } {
  const metrics = isObject(input) && Array.isArray(input.metrics) ? input.metrics : undefined;
  const checks = new JudgeInputChecks(input, metrics?.length ?? 0);
  const valid = metrics!.map((m: unknown, i: number) => checks.metric(m, i));
  checks.finish();
  return { config: checks.config, metrics: valid, complete: checks.complete };
}

/**
 * validateJudgeInput's checks, with the metrics handed one at a time (judgeEach): the input's own
 * fields at once, each metric as it comes, and what needs them all at the end.
 */
export class JudgeInputChecks {
  readonly config: JudgeConfig;
  readonly complete: boolean;
  private readonly names = new Set<string>();
  private unmuted = false;

  /** `input`: the judge input (its `metrics` are not read here); `count`: how many metrics it has. */
  constructor(input: unknown, count: number) {
    if (!isObject(input)) throw new InputError('judge input', input, 'an object {"config": {…}, "metrics": […]}');
    this.config = validateConfig(input.config);
    if (count === 0) throw new InputError('metrics', input.metrics, 'a non-empty array of metrics', 'list at least one rate, continuous or threshold metric');
    const complete = input.complete ?? true;
    if (typeof complete !== 'boolean') throw new InputError('complete', complete, 'true or false (whether the data covers the whole planned analysis)');
    this.complete = complete;
  }

  /** The metric at `index`, validated; its name must be new. */
  metric(raw: unknown, index: number): MetricInput {
    const metric = validateMetric(raw, index);
    if (this.names.has(metric.name)) throw new InputError(`metrics[${index}].name`, metric.name, 'a name no other metric has', 'rename one of the two');
    this.names.add(metric.name);
    this.unmuted ||= !metric.muted;
    return metric;
  }

  /** After the last metric: at least one of them must count. */
  finish(): void {
    if (!this.unmuted) {
      throw new InputError('metrics', 'every metric muted', 'at least one metric that is not muted', 'a muted metric never decides: unmute one, or add one that gates the rollout');
    }
  }
}

function validateConfig(raw: unknown): JudgeConfig {
  if (raw === undefined) return defaultJudgeConfig;
  if (!isObject(raw)) throw new InputError('config', raw, 'an object');
  const alpha = parseInput('config.alpha', raw.alpha ?? defaultJudgeConfig.alpha, parseAlpha);
  const cutoffs = raw.thresholds ?? {};
  if (!isObject(cutoffs)) throw new InputError('config.thresholds', cutoffs, 'an object {"pass": 95, "marginal": 75}');
  const pass = cutoffs.pass ?? defaultJudgeConfig.thresholds.pass;
  const marginal = cutoffs.marginal ?? defaultJudgeConfig.thresholds.marginal;
  for (const [field, value] of [['pass', pass], ['marginal', marginal]] as const) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 100)) throw new InputError(`config.thresholds.${field}`, value, 'a score between 0 and 100');
  }
  if ((marginal as number) > (pass as number)) {
    throw new InputError('config.thresholds.marginal', marginal, `at most the pass cut-off (${String(pass)})`, 'lower marginal or raise pass');
  }
  const onNoData = raw.onNoData ?? defaultJudgeConfig.onNoData;
  if (onNoData !== 'fail' && onNoData !== 'inconclusive') {
    throw new InputError('config.onNoData', onNoData, "'fail' or 'inconclusive' (missing data is never a pass)");
  }
  const onUndecided = raw.onUndecided ?? defaultJudgeConfig.onUndecided;
  if (onUndecided !== 'pass' && onUndecided !== 'inconclusive') {
    throw new InputError('config.onUndecided', onUndecided, "'pass' (when the data could have caught the metric's detect ratio) or 'inconclusive'");
  }
  return { alpha, thresholds: { pass: pass as number, marginal: marginal as number }, onNoData, onUndecided };
}

function validateMetric(raw: unknown, index: number): MetricInput {
  if (!isObject(raw)) throw new InputError(`metrics[${index}]`, raw, 'a metric object');
  if (typeof raw.name !== 'string' || raw.name.trim() === '') throw new InputError(`metrics[${index}].name`, raw.name, 'a non-empty string');
  const where = (field: string) => `metric '${raw.name as string}' ${field}`;
  if (!kinds.includes(raw.kind as MetricInput['kind'])) throw new InputError(where('kind'), raw.kind, `one of ${kinds.join(', ')}`);
  // A threshold checks one series against absolute limits: its direction is informational.
  const direction = raw.direction ?? (raw.kind === 'threshold' ? 'increase' : undefined);
  if (!directions.includes(direction as Direction)) {
    throw new InputError(where('direction'), direction, `one of ${directions.join(', ')}`, "say which change is bad, e.g. 'increase' for errors and latency");
  }
  optional(raw, 'critical', where, (v) => typeof v === 'boolean', 'true or false');
  optional(raw, 'muted', where, (v) => typeof v === 'boolean', 'true or false');
  if (raw.muted === true && raw.critical === true) {
    throw new InputError(where('muted'), true, 'false for a critical metric', 'a muted metric never fails the analysis: drop muted or critical');
  }
  optional(raw, 'weight', where, (v) => typeof v === 'number' && v >= 0 && Number.isFinite(v), 'a number ≥ 0');
  optional(raw, 'error', where, (v) => typeof v === 'string', 'a string (the failed query’s message)');
  const base = { ...raw, direction } as Json;
  if (raw.kind === 'rate') {
    optional(raw, 'allowedRatio', where, (v) => typeof v === 'number' && v > 1 && Number.isFinite(v), 'a ratio above 1, e.g. 1.2 for +20%');
    optional(raw, 'negligibleRate', where, (v) => typeof v === 'number' && v >= 0 && v < 1, 'a fraction from 0 to 1, e.g. 0.001 for 0.1%');
    optional(raw, 'events', where, (v) => typeof v === 'string' && v.trim() !== '' && v.length <= 100, "a short phrase of what `errors` counts, e.g. 'requests slower than 300ms'");
    const detect = raw.detect === undefined ? {} : { detect: parseInput(where('detect'), raw.detect, parseDetectRatio) };
    const canary = counts(raw.canary, where('canary'));
    const baseline = counts(raw.baseline, where('baseline'));
    if (baseline.errors.length !== canary.errors.length) {
      throw new InputError(where('baseline.errors'), `${baseline.errors.length} intervals`, `as many intervals as canary (${canary.errors.length})`, 'align both arms on the same scrape intervals (use null for a missing one)');
    }
    const history = raw.baselineHistory === undefined ? {} : { baselineHistory: counts(raw.baselineHistory, where('baselineHistory')) };
    return { ...base, ...detect, canary, baseline, ...history } as unknown as MetricInput;
  }
  if (raw.kind === 'continuous') {
    const percentages: Json = {};
    for (const field of ['allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease']) {
      if (raw[field] !== undefined) percentages[field] = parseInput(where(field), raw[field], parsePercentage);
    }
    optional(raw, 'minSamples', where, (v) => Number.isInteger(v) && (v as number) >= 1, 'an integer ≥ 1');
    return { ...base, ...percentages, canary: values(raw.canary, where('canary')), baseline: values(raw.baseline, where('baseline')) } as unknown as MetricInput;
  }
  optional(raw, 'min', where, (v) => typeof v === 'number' && Number.isFinite(v), 'a number');
  optional(raw, 'max', where, (v) => typeof v === 'number' && Number.isFinite(v), 'a number');
  optional(raw, 'failureLimit', where, (v) => Number.isInteger(v) && (v as number) >= 0, 'an integer ≥ 0');
  if (raw.min === undefined && raw.max === undefined) throw new InputError(where('min/max'), undefined, 'at least one of min and max', 'e.g. "max": 0.01 for an error rate under 1%');
  if (typeof raw.min === 'number' && typeof raw.max === 'number' && raw.min > raw.max) throw new InputError(where('min'), raw.min, `at most max (${raw.max})`);
  return { ...base, values: values(raw.values, where('values')) } as unknown as MetricInput;
}

function optional(raw: Json, field: string, where: (f: string) => string, ok: (v: unknown) => boolean, expected: string): void {
  if (raw[field] !== undefined && !ok(raw[field])) throw new InputError(where(field), raw[field], expected);
}

/** An array of finite numbers; a missing one is null (JSON) or NaN (in memory, e.g. from Prometheus) and comes back as NaN. */
function values(raw: unknown, where: string, nonNegative = false): number[] {
  if (!Array.isArray(raw)) throw new InputError(where, raw, 'an array of numbers (null for a missing value)');
  // Plain loops: the analysis loop judges its whole window after every interval, and `slipway
  // judge` reads millions of values. Values that need no change come back as given (the judge
  // never writes to its input).
  if (allReady(raw, nonNegative)) return raw as number[];
  const checked = new Array<number>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v: unknown = raw[i];
    // −0 is read as 0: a metric's value has no sign of zero, and sorting would order the two.
    if (typeof v === 'number' && Number.isFinite(v) && !(nonNegative && v < 0)) checked[i] = v === 0 ? 0 : v;
    else if (v === null || Number.isNaN(v)) checked[i] = NaN;
    // JSON would print an infinity as null: show it as text.
    else throw new InputError(`${where}[${i}]`, typeof v === 'number' && !Number.isFinite(v) ? String(v) : v, nonNegative ? 'a count ≥ 0 or null' : 'a finite number or null');
  }
  return checked;
}

/** Whether every value is a finite number (≥ 0 with `nonNegative`) other than −0. */
function allReady(raw: unknown[], nonNegative: boolean): boolean {
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || (v === 0 && 1 / v < 0) || (nonNegative && v < 0)) return false;
  }
  return true;
}

function counts(raw: unknown, where: string): { errors: number[]; requests: number[] } {
  if (!isObject(raw)) throw new InputError(where, raw, 'an object {"errors": [...], "requests": [...]} of per-interval counts');
  const errors = values(raw.errors, `${where}.errors`, true);
  const requests = values(raw.requests, `${where}.requests`, true);
  if (errors.length !== requests.length) {
    throw new InputError(`${where}.errors`, `${errors.length} intervals`, `as many intervals as requests (${requests.length})`);
  }
  for (let i = 0; i < errors.length; i++) {
    if (errors[i] > requests[i]) throw new InputError(`${where}.errors[${i}]`, errors[i], `at most the interval's requests (${requests[i]})`, 'count errors among the same requests');
  }
  return { errors, requests };
}
