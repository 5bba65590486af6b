import { DEFAULT_HISTORY_SECONDS } from '../analysis/loop.js';
import { errorMessage } from '../errors.js';
import { quote, redact, splitUrlCredentials } from '../secrets/index.js';
import { AnalysisTemplateError, fillArgs, NO_ARGS, readAnalysisTemplate, renderAnalysisTemplate } from '../metrics/analysis-template.js';
import { validateMetrics, type MetricDefinition } from '../metrics/metrics-config.js';
import { parseSourceSettings, prometheusSettings, SOURCE_TYPES, type SourceSettings } from '../metrics/source-settings.js';
import { dialectOf } from '../metrics/dialects/index.js';
import { parseSelector, type LabelMatcher } from '../metrics/template.js';
import type { QueryDialect } from '../metrics/types.js';
import { readNotifySettings } from '../notify/settings.js';
import type { HeaderRoute } from '../traffic/types.js';
import {
  checkAnalysisTiming,
  formatDuration,
  JOB_TIME_LIMIT_SECONDS,
  parseAlpha,
  parseAnalysisDuration,
  parseAnalysisHistory,
  parseAnalysisInterval,
  parseConsecutiveErrorLimit,
  parseDuration,
  parsePauseDuration,
  parseWeight,
  ValueError,
} from '../values/index.js';
import { PlanError, type LocatedDocument, type NodePath, type PlanProblem } from './parse.js';
import type { FailurePolicy, PlanAnalysis, PlanStep, RolloutPlan, Strategy } from './plan.js';
import { slotsOf } from './slots.js';
import { isRecord } from '../objects.js';

const STRATEGIES: Strategy[] = ['canary', 'blue-green'];
const POLICIES: FailurePolicy[] = ['rollback', 'pause'];
const TOP_LEVEL = ['strategy', 'router', 'slots', 'deploy', 'analysis', 'steps', 'onFailure', 'onInconclusive', 'notify'];
const ANALYSIS_KEYS = ['prometheus', 'source', 'metrics', 'template', 'args', 'interval', 'alpha', 'onNoData', 'onUndecided', 'consecutiveErrorLimit', 'history', 'historySelector', 'canarySelector', 'baselineSelector'];
const STEP_KINDS = ['setWeight', 'pause', 'analysis', 'setHeaderRoute', 'setMirrorRoute', 'preview', 'smokeCheck', 'switch'];
/** The fields of the steps that take a mapping, and of a route's `match` entry. */
const STEP_FIELDS = {
  pause: ['duration'],
  analysis: ['duration', 'interval'],
  setHeaderRoute: ['name', 'match'],
  setMirrorRoute: ['name', 'percentage', 'match'],
  preview: ['match'],
  smokeCheck: ['url', 'expectStatus', 'timeout', 'headers'],
  match: ['headerName', 'headerValue', 'cookieName', 'cookieValue', 'exact'],
};

/** Every field name a plan may hold, by where it stands (the repository's naming test reads them). */
export const PLAN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  plan: TOP_LEVEL,
  analysis: ANALYSIS_KEYS,
  steps: STEP_KINDS,
  ...Object.fromEntries(Object.entries(STEP_FIELDS).map(([kind, fields]) => [`steps[].${kind}`, fields])),
};
/** Seconds between two looks at the metrics when the plan's `analysis:` names no interval. */
const DEFAULT_INTERVAL_SECONDS = 60;
/** A smoke check is one HTTP GET: it answers within seconds, or the version is not ready. */
const SMOKE_CHECK_TIMEOUT = { min: 1, max: 300, overMax: 'a smoke check is one HTTP GET; give it seconds (default 10s), not minutes' };
/** The header a blue-green `preview` step routes to the new version when it names none. */
export const DEFAULT_PREVIEW_ROUTE: HeaderRoute = { name: 'x-slipway-preview', value: 'true' };

/** Settings the action's inputs lay over the plan file (each wins over the file's value). */
export interface PlanOverrides {
  strategy?: string;
  /** Merged key by key over the plan's `router`. */
  router?: Record<string, unknown>;
  prometheus?: string;
  canarySelector?: string;
  baselineSelector?: string;
  onFailure?: string;
  onInconclusive?: string;
  /** Merged key by key over the plan's `notify` (the notify-url and notify-format inputs). */
  notify?: { url?: string; format?: string };
}

/** Where a plan's files are found. */
export interface PlanFiles {
  /** The directory `analysis.template` is relative to. Default the working directory (the workspace in GitHub Actions). */
  workspace?: string;
}

type Raw = Record<string, unknown>;

/**
 * Checks a parsed plan and returns the typed RolloutPlan; every problem found is reported at
 * once, each with its line and field (`plan.yml line 12: steps[3].setWeight: 150 is not a
 * percentage (0–100)`), in a PlanError.
 */
export function validatePlan(document: LocatedDocument, source: string, overrides: PlanOverrides = {}, files: PlanFiles = {}): RolloutPlan {
  const problems: PlanProblem[] = [];
  const report = (path: NodePath, message: string) => problems.push({ line: document.lineOf(path), path, message });

  if (!isRecord(document.value)) {
    throw new PlanError(source, [{ line: 1, path: [], message: 'a plan is a YAML mapping with at least `router:` and `steps:`' }]);
  }
  const raw = applyOverrides(document.value, overrides);
  unknownKeys(raw, TOP_LEVEL, [], report);

  const strategy = oneOf(raw.strategy ?? 'canary', STRATEGIES, ['strategy'], report);
  const { router, slots, deploy } = slotsOf(raw, routerOf(raw.router, report), report);
  const analysis = raw.analysis === undefined ? undefined : analysisOf(raw.analysis, report, raw.slots !== undefined, files);
  // A bad interval or history is reported once, at its own line, not again against every step.
  const timingKnown = !problems.some(({ path }) => path[0] === 'analysis' && (path[1] === 'interval' || path[1] === 'history'));
  const onFailure = oneOf(raw.onFailure ?? 'rollback', POLICIES, ['onFailure'], report);
  const onInconclusive = oneOf(raw.onInconclusive ?? 'pause', POLICIES, ['onInconclusive'], report);
  const notify = raw.notify === undefined ? undefined : readNotifySettings(raw.notify, (field, error) => report(field ? ['notify', field] : ['notify'], valueProblem(error)));

  const steps: PlanStep[] = [];
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) {
    report(['steps'], 'a plan needs a non-empty list of steps, e.g. `steps: [{setWeight: 10}, {analysis: {duration: 2m}}]`');
  } else {
    raw.steps.forEach((item, index) => {
      const step = stepOf(item, ['steps', index], report);
      if (!step) return;
      step.line = document.lineOf(['steps', index]);
      steps.push(step);
      checkStepFits(step, strategy, analysis, ['steps', index], report, timingKnown);
    });
    if (steps.filter((s) => s.kind === 'switch').length > 1) report(['steps'], 'a blue-green plan switches once; remove the extra `switch` steps');
    checkJobLength(steps, report);
  }
  if (problems.length > 0) throw new PlanError(source, problems);
  return { strategy: strategy!, router: router!, ...(slots ? { slots } : {}), ...(deploy ? { deploy } : {}), analysis, steps, onFailure: onFailure!, onInconclusive: onInconclusive!, ...(notify ? { notify } : {}) };
}

function applyOverrides(raw: Raw, overrides: PlanOverrides): Raw {
  const merged: Raw = { ...raw };
  if (overrides.strategy !== undefined) merged.strategy = overrides.strategy;
  if (overrides.onFailure !== undefined) merged.onFailure = overrides.onFailure;
  if (overrides.onInconclusive !== undefined) merged.onInconclusive = overrides.onInconclusive;
  if (overrides.router !== undefined) merged.router = { ...(isRecord(raw.router) ? raw.router : {}), ...overrides.router };
  const analysisOverrides = { prometheus: overrides.prometheus, canarySelector: overrides.canarySelector, baselineSelector: overrides.baselineSelector };
  const given = Object.entries(analysisOverrides).filter(([, v]) => v !== undefined);
  if (given.length > 0) {
    const analysis: Raw = { ...(isRecord(raw.analysis) ? raw.analysis : {}), ...Object.fromEntries(given) };
    // The `prometheus` input names the source: it replaces the plan's, whichever type that was.
    if (overrides.prometheus !== undefined) delete analysis.source;
    merged.analysis = analysis;
  }
  const notifyGiven = Object.entries(overrides.notify ?? {}).filter(([, v]) => v !== undefined);
  if (notifyGiven.length > 0) merged.notify = { ...(isRecord(raw.notify) ? raw.notify : {}), ...Object.fromEntries(notifyGiven) };
  return merged;
}

type Report = (path: NodePath, message: string) => void;

function routerOf(value: unknown, report: Report): RolloutPlan['router'] | undefined {
  if (!isRecord(value)) {
    report(['router'], 'expected a mapping naming the traffic provider and its settings, e.g. `router: {provider: haproxy, backend: app}`');
    return undefined;
  }
  const { provider, ...settings } = value;
  if (typeof provider !== 'string' || provider === '') {
    report(['router', 'provider'], 'expected the name of a traffic provider (haproxy, nginx, gateway-api, istio, smi, ingress-nginx, command)');
    return undefined;
  }
  return { provider, settings };
}

function analysisOf(value: unknown, report: Report, withSlots: boolean, files: PlanFiles): PlanAnalysis | undefined {
  const path = ['analysis'];
  if (!isRecord(value)) {
    report(path, 'expected a mapping with `prometheus:` (URL) and `metrics:`');
    return undefined;
  }
  unknownKeys(value, ANALYSIS_KEYS, path, report);
  const source = sourceOf(value, report);
  const dialect = dialectOf(source?.type ?? 'prometheus');
  if (value.metrics === undefined && value.template === undefined) report([...path, 'metrics'], 'expected at least one metric definition, or `template:` naming a template file (docs/analysis.md)');
  const optional = <T>(key: string, parse: (value: unknown) => T): T | undefined => (value[key] === undefined ? undefined : parsed(value[key], parse, [...path, key], report));
  const intervalSeconds = optional('interval', parseAnalysisInterval);
  const alpha = optional('alpha', parseAlpha);
  const onNoData = value.onNoData === undefined ? undefined : oneOf(value.onNoData, ['fail', 'inconclusive'] as const, [...path, 'onNoData'], report);
  const onUndecided = value.onUndecided === undefined ? undefined : oneOf(value.onUndecided, ['pass', 'inconclusive'] as const, [...path, 'onUndecided'], report);
  const errorLimit = optional('consecutiveErrorLimit', parseConsecutiveErrorLimit);
  const historySeconds = optional('history', parseAnalysisHistory);
  let metrics: MetricDefinition[] = [];
  if (value.template !== undefined) {
    if (value.metrics === undefined) metrics = templateMetricsOf(value, report, files, dialect);
    else report([...path, 'template'], 'give the metrics inline (`metrics:`) or from a file (`template:`), not both');
  } else if (value.metrics !== undefined) {
    if (value.args !== undefined) report([...path, 'args'], 'args fill the {{args.<name>}} of a template file; inline metrics take none. Fix: move the metrics into a file named by `template:`, or remove args');
    try {
      metrics = validateMetrics(fillArgs(value.metrics, NO_ARGS), '', dialect);
    } catch (error) {
      const message = errorMessage(error).replace(/^: /, '');
      const index = /^metrics\[(\d+)\]/.exec(message)?.[1];
      report(index === undefined ? [...path, 'metrics'] : [...path, 'metrics', Number(index)], message.replace(/^metrics\[\d+\] ?/, ''));
    }
  }
  const selector = (key: 'canarySelector' | 'baselineSelector' | 'historySelector'): LabelMatcher[] => {
    const text = value[key];
    if (typeof text !== 'string' || text.trim() === '') {
      const whose = { canarySelector: "new version's", baselineSelector: "baseline's", historySelector: "primary's (where the history is read)" }[key];
      const input = { canarySelector: 'canary-selector', baselineSelector: 'baseline-selector', historySelector: 'history-selector' }[key];
      report([...path, key], `${show(text)} is not a label selector: give the ${whose} label matchers, e.g. version="v2" (or the action input ${input})`);
      return [];
    }
    try {
      const matchers = parseSelector(text, key, { slotPlaceholders: withSlots });
      dialect.checkSelector(matchers, key);
      return matchers;
    } catch (error) {
      report([...path, key], errorMessage(error));
      return [];
    }
  };
  return {
    source: source ?? prometheusSettings(''),
    metrics,
    intervalSeconds: intervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
    alpha,
    onNoData,
    ...(onUndecided === undefined ? {} : { onUndecided }),
    ...(errorLimit === undefined ? {} : { consecutiveErrorLimit: errorLimit }),
    ...(historySeconds === undefined ? {} : { historySeconds }),
    ...(value.historySelector === undefined ? {} : { historySelector: selector('historySelector') }),
    canary: selector('canarySelector'),
    baseline: selector('baselineSelector'),
  };
}

/**
 * Where the analysis reads its metrics: `source: {<type>: {…}}` (source-settings.ts), or
 * `prometheus: <URL>`, the short form of `source: {prometheus: {url}}`. Exactly one of the two.
 */
function sourceOf(value: Raw, report: Report): SourceSettings | undefined {
  if (value.source !== undefined && value.prometheus !== undefined) {
    report(['analysis', 'source'], 'give the metric source once: `source:` or `prometheus:` (its short form for a Prometheus URL), not both');
    return undefined;
  }
  if (value.source !== undefined) {
    try {
      return parseSourceSettings(value.source, 'analysis.source');
    } catch (error) {
      report(['analysis', 'source'], errorMessage(error).replace(/^analysis\.source(: |\.)?/, ''));
      return undefined;
    }
  }
  const prometheus = value.prometheus;
  if (typeof prometheus !== 'string' || !/^https?:\/\/\S+$/.test(prometheus)) {
    report(['analysis', 'prometheus'], prometheus === undefined ? `name the metric source: \`prometheus: <URL>\`, or \`source:\` with one of ${SOURCE_TYPES.join(', ')} (docs/analysis.md, "Metric sources")` : `${show(prometheus)} is not an http(s) URL of a Prometheus server`);
    return undefined;
  }
  // Credentials in the URL are registered (and so masked) before anything can print the plan.
  splitUrlCredentials(prometheus);
  return prometheusSettings(prometheus);
}

/** The metrics of `analysis.template` filled with `analysis.args`; a problem is reported at the arg, or at the template. */
function templateMetricsOf(value: Raw, report: Report, files: PlanFiles, dialect: QueryDialect): MetricDefinition[] {
  const path = ['analysis'];
  if (typeof value.template !== 'string' || value.template.trim() === '') {
    report([...path, 'template'], `${show(value.template)} is not a file path: name a template file relative to the workspace, e.g. \`template: .github/analysis/http.yml\``);
    return [];
  }
  const args = value.args ?? {};
  if (!isRecord(args)) {
    report([...path, 'args'], `${show(args)} is not a mapping of argument names to values, e.g. \`args: {service: shop}\``);
    return [];
  }
  try {
    return renderAnalysisTemplate(readAnalysisTemplate(value.template, files.workspace), args, 'analysis.args', dialect);
  } catch (error) {
    if (!(error instanceof AnalysisTemplateError)) throw error;
    const { givenArg, missingArg } = error.problem;
    report(givenArg !== undefined ? [...path, 'args', givenArg] : missingArg !== undefined && value.args !== undefined ? [...path, 'args'] : [...path, 'template'], error.message);
    return [];
  }
}

function stepOf(item: unknown, path: NodePath, report: Report): PlanStep | undefined {
  const keys = isRecord(item) ? Object.keys(item) : [];
  if (!isRecord(item) || keys.length !== 1 || !STEP_KINDS.includes(keys[0])) {
    report(path, `expected one of ${STEP_KINDS.map((k) => `\`${k}:\``).join(', ')}, got ${show(item)}`);
    return undefined;
  }
  const kind = keys[0];
  const value = item[kind];
  const at = [...path, kind];
  switch (kind) {
    case 'setWeight': {
      const weight = parsed(value, parseWeight, at, report);
      return weight === undefined ? undefined : { kind, weight };
    }
    case 'pause': {
      const duration = isRecord(value) ? value.duration : value;
      if (duration === undefined || duration === null) return { kind };
      const seconds = parsed(duration, parsePauseDuration, isRecord(value) ? [...at, 'duration'] : at, report);
      return seconds === undefined ? undefined : { kind, durationSeconds: seconds };
    }
    case 'analysis': {
      const block = isRecord(value) ? value : { duration: value };
      const seconds = parsed(block.duration, parseAnalysisDuration, isRecord(value) ? [...at, 'duration'] : at, report);
      const interval = block.interval === undefined ? undefined : parsed(block.interval, parseAnalysisInterval, [...at, 'interval'], report);
      if (seconds === undefined || (block.interval !== undefined && interval === undefined)) return undefined;
      return { kind, durationSeconds: seconds, intervalSeconds: interval };
    }
    case 'setHeaderRoute': {
      const name = routeNameOf(value, STEP_FIELDS.setHeaderRoute, at, report);
      if (name === undefined) return undefined;
      const route = (value as Raw).match === undefined ? null : matchOf((value as Raw).match, [...at, 'match'], report);
      return route === undefined ? undefined : { kind, name, route };
    }
    case 'preview': {
      if (value === null || value === true || (isRecord(value) && Object.keys(value).length === 0)) return { kind, route: DEFAULT_PREVIEW_ROUTE };
      if (!isRecord(value) || unknownKeys(value, STEP_FIELDS.preview, at, report) || value.match === undefined) {
        return void report(at, `${show(value)} is not a preview route: write \`preview: {}\` for the default header ${DEFAULT_PREVIEW_ROUTE.name}: ${DEFAULT_PREVIEW_ROUTE.value}, or \`preview: {match: [{headerName: x-preview, headerValue: {exact: 'on'}}]}\``);
      }
      const route = matchOf(value.match, [...at, 'match'], report);
      return route === undefined || route === null ? undefined : { kind, route };
    }
    case 'setMirrorRoute': {
      const name = routeNameOf(value, STEP_FIELDS.setMirrorRoute, at, report);
      if (name === undefined) return undefined;
      const block = value as Raw;
      if (block.match !== undefined) return void report([...at, 'match'], "Slipway's routers mirror a share of all requests: leave out `match` (Argo's request criteria)");
      // Argo's setMirrorRoute with only a name removes the route.
      const percentage = block.percentage === undefined ? 0 : parsed(block.percentage, parseWeight, [...at, 'percentage'], report);
      return percentage === undefined ? undefined : { kind, name, percentage };
    }
    case 'smokeCheck': {
      const block = isRecord(value) ? value : { url: value };
      if (typeof block.url !== 'string' || !/^https?:\/\/\S+$/.test(block.url)) return void report(isRecord(value) ? [...at, 'url'] : at, `${show(block.url)} is not an http(s) URL`);
      const expectStatus = block.expectStatus ?? 200;
      if (typeof expectStatus !== 'number' || !Number.isInteger(expectStatus) || expectStatus < 100 || expectStatus > 599) return void report([...at, 'expectStatus'], `${show(expectStatus)} is not an HTTP status (100–599)`);
      const timeoutSeconds = block.timeout === undefined ? 10 : parsed(block.timeout, (v) => parseDuration(v, SMOKE_CHECK_TIMEOUT), [...at, 'timeout'], report);
      if (timeoutSeconds === undefined) return undefined;
      const headers = block.headers ?? {};
      if (!isRecord(headers) || Object.values(headers).some((v) => typeof v !== 'string')) return void report([...at, 'headers'], 'expected a mapping of header names to string values');
      return { kind, url: block.url, expectStatus, headers: headers as Record<string, string>, timeoutSeconds };
    }
    default:
      if (value !== null && value !== true && !(isRecord(value) && Object.keys(value).length === 0)) return void report(at, 'takes no settings: write `- switch: {}`');
      return { kind: 'switch' };
  }
}

/**
 * The `name` of an Argo Rollouts route step (`setHeaderRoute`, `setMirrorRoute`): the route the
 * step sets or removes, as Argo's `managedRoutes` name it. Reported, with the fields it takes, when
 * missing; a step in the shape Slipway used before Argo's gets the fix spelled out.
 */
function routeNameOf(value: unknown, keys: string[], path: NodePath, report: Report): string | undefined {
  const kind = path[path.length - 1];
  if (isRecord(value) && kind === 'setHeaderRoute' && typeof value.value === 'string') {
    return void report(path, `${show(value)} is the old shape: write Argo Rollouts' \`setHeaderRoute: {name: canary-header, match: [{headerName: ${String(value.name)}, headerValue: {exact: ${value.value}}}]}\` (docs/migrating-from-argo-rollouts.md)`);
  }
  if (!isRecord(value) || typeof value.name !== 'string' || value.name.trim() === '') {
    return void report(path, `${show(value)} has no route name: write e.g. \`${kind}: {name: ${kind === 'setHeaderRoute' ? 'canary-header, match: [{headerName: x-canary, headerValue: {exact: always}}]' : 'mirror, percentage: 10'}}\`; with the name alone the step removes the route`);
  }
  return unknownKeys(value, keys, path, report) ? undefined : value.name;
}

/**
 * Argo Rollouts' `match` of a header route: one `{headerName, headerValue: {exact}}` — or, as
 * Slipway's routers also route on cookies, `{cookieName, cookieValue: {exact}}`. An empty list
 * removes the route (null).
 */
function matchOf(value: unknown, path: NodePath, report: Report): HeaderRoute | null | undefined {
  const example = '[{headerName: x-canary, headerValue: {exact: always}}]';
  if (!Array.isArray(value)) return void report(path, `${show(value)} is not a list of matches: write e.g. \`match: ${example}\``);
  if (value.length === 0) return null;
  if (value.length > 1) return void report(path, `${value.length} matches: Slipway's routers route on one header or cookie; give one`);
  const [entry] = value as unknown[];
  const at = [...path, 0];
  if (!isRecord(entry)) return void report(at, `${show(entry)} is not a match: write e.g. \`${example.slice(1, -1)}\``);
  const kind = entry.cookieName !== undefined ? 'cookie' : 'header';
  const [nameKey, valueKey] = kind === 'cookie' ? ['cookieName', 'cookieValue'] : ['headerName', 'headerValue'];
  if (unknownKeys(entry, [nameKey, valueKey], at, report)) return undefined;
  const name = entry[nameKey];
  if (typeof name !== 'string' || name === '') return void report([...at, nameKey], `${show(name)} is not a ${kind} name`);
  const matchValue = entry[valueKey];
  if (!isRecord(matchValue) || typeof matchValue.exact !== 'string') {
    const other = isRecord(matchValue) && (matchValue.prefix !== undefined || matchValue.regex !== undefined);
    return void report([...at, valueKey], other ? "Slipway's routers match exact values only: write `{exact: <value>}` (prefix and regex are not supported)" : `${show(matchValue)} is not a value to match: write \`{exact: always}\` (values are strings; quote them)`);
  }
  if (unknownKeys(matchValue, ['exact'], [...at, valueKey], report)) return undefined;
  return { name, value: matchValue.exact, ...(kind === 'cookie' ? { kind } : {}) };
}

/**
 * The timed steps one job runs — every pause and analysis between two open-ended pauses — must end
 * within a job's 6 hours, or the runner stops the job mid-rollout. An analysis counts for its whole
 * duration: it may run that long.
 */
function checkJobLength(steps: PlanStep[], report: Report): void {
  let first = 0;
  let seconds = 0;
  steps.forEach((step, index) => {
    if (step.kind === 'pause' && step.durationSeconds === undefined) {
      first = index + 1;
      seconds = 0;
      return;
    }
    const before = seconds;
    if (step.kind === 'pause' || step.kind === 'analysis') seconds += step.durationSeconds!;
    if (before <= JOB_TIME_LIMIT_SECONDS && seconds > JOB_TIME_LIMIT_SECONDS) {
      report(
        ['steps', index, step.kind],
        `steps[${first}] to steps[${index}] wait ${formatDuration(seconds)} in one job, longer than the 6h a GitHub-hosted job runs (jobs.<id>.timeout-minutes, 360 minutes). Fix: put an open-ended \`pause: {}\` before this step; a later run of the rollout resumes there`,
      );
    }
  });
}

/** Checks a step against the strategy and, when its timing is known, an analysis step against the plan's `analysis:`. */
function checkStepFits(step: PlanStep, strategy: Strategy | undefined, analysis: PlanAnalysis | undefined, path: NodePath, report: Report, timingKnown: boolean): void {
  const at = [...path, step.kind];
  if (step.kind === 'analysis' && !analysis) report(at, 'an analysis step needs the plan\'s `analysis:` block (prometheus and metrics)');
  if (step.kind === 'analysis' && analysis && timingKnown) {
    const timing = { durationSeconds: step.durationSeconds, intervalSeconds: step.intervalSeconds ?? analysis.intervalSeconds, historySeconds: analysis.historySeconds ?? DEFAULT_HISTORY_SECONDS };
    parsed(timing, checkAnalysisTiming, at, report);
  }
  if (strategy === 'canary' && (step.kind === 'switch' || step.kind === 'preview')) report(at, `\`${step.kind}\` belongs to strategy blue-green; a canary shifts traffic with setWeight`);
  if (strategy === 'blue-green' && step.kind === 'setWeight') report(at, 'a blue-green plan moves traffic at once with `switch: {}`, not setWeight (use strategy: canary for weighted steps)');
}

function oneOf<T extends string>(value: unknown, choices: readonly T[], path: NodePath, report: Report): T | undefined {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  report(path, `${show(value)} is not one of ${choices.join(', ')}`);
  return undefined;
}

/** Reports every field not `allowed`; whether there was one. */
function unknownKeys(value: Raw, allowed: string[], path: NodePath, report: Report): boolean {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  for (const key of unknown) report([...path, key], `unknown field; expected one of ${allowed.join(', ')}`);
  return unknown.length > 0;
}

/** `parse(value)`; undefined when it throws a ValueError, which is reported at `path` in the plan's words. */
function parsed<V, T>(value: V, parse: (value: V) => T, path: NodePath, report: Report): T | undefined {
  try {
    return parse(value);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    report(path, valueProblem(error));
    return undefined;
  }
}

/** A ValueError in the plan's words: `[field ]<value> is not <expected>. Fix: <fix>`. */
function valueProblem(error: ValueError): string {
  return `${error.field ? `${error.field} ` : ''}${show(error.value)} is not ${error.expected}${error.fix ? `. Fix: ${error.fix}` : ''}`;
}


function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  // A plain string reads best bare; anything else (and a blank string, which would vanish) is quoted.
  if (typeof value === 'string' && value.trim() !== '') return redact(value.length > 60 ? `${value.slice(0, 57)}…` : value);
  return quote(value, 57);
}
