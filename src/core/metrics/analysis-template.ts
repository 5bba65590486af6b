import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SlipwayError } from '../errors.js';
import { parseLocatedYaml, PlanError, type NodePath } from '../plan/parse.js';
import { quote } from '../secrets/quote.js';
import { validateMetrics, type MetricDefinition } from './metrics-config.js';
import type { QueryDialect } from './types.js';
import { escapeString, scan } from './template.js';

// Reusable analysis templates (docs/analysis.md, "Reusable analysis templates"), after Argo
// Rollouts' AnalysisTemplate: a file declares `args:` (a `value` is the default; without one the
// argument is required) and `metrics:` whose fields may hold `{{args.<name>}}`. A plan's
// `analysis.template` + `analysis.args` and the analyze action's `metrics` + `args` both
// come here, so one file serves both. A bare metrics list (no args) stays a valid file.
//
// Argument values may come from a workflow expression, so they must never change what a query
// means. In a query they are filled the way template.ts fills `{{version}}`: inside a
// double-quoted string a value is escaped and stays one literal; outside string literals it must
// be one inert token (a metric or label name, a number, a duration) and no PromQL keyword; in a
// single-quoted or backtick string it is refused, as PromQL cannot escape a value there the same
// way. A value may not form another placeholder with the text around it either.

/** What an argument may be: YAML scalars. */
export type ArgValue = string | number | boolean;

/** One argument a template declares; without `defaultValue` it must be given. */
export interface TemplateArg {
  name: string;
  defaultValue?: ArgValue;
}

/** A parsed template, its placeholders not filled yet. */
export interface AnalysisTemplate {
  /** Names the template in errors: its path, or e.g. `Input 'metrics'`. */
  source: string;
  args: TemplateArg[];
  /** The metric definitions as written. */
  metrics: unknown;
  /** The line of a metric's field (`metrics[i].<field>`, or the metric's without one), when the template's lines are shown. */
  lineOf(index: number, field?: string): number | undefined;
}

/** A template, its arguments or a value refused; `givenArg` names a given argument at fault, `missingArg` a required one not given. */
export class AnalysisTemplateError extends SlipwayError {
  override readonly name = 'AnalysisTemplateError';
  constructor(
    message: string,
    readonly problem: { givenArg?: string; missingArg?: string } = {},
  ) {
    super(message);
  }
}

/** The arguments metrics are filled with: their values, which of them were given, and the names declared. */
export interface ArgBindings {
  values: Map<string, ArgValue>;
  given: Set<string>;
  declared: string[];
}

/** No arguments: metrics written inline, where `{{args.…}}` has nothing to name. */
export const NO_ARGS: ArgBindings = { values: new Map(), given: new Set(), declared: [] };

const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ARG_PLACEHOLDER = /^\{\{\s*args\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/;
const ARG_PLACEHOLDERS = /\{\{\s*args\.[A-Za-z_][A-Za-z0-9_-]*\s*\}\}/g;
const ANY_ARG_OPENING = /^\{\{\s*args\./;
/** The query placeholders of template.ts, as its scanner sees them. */
const QUERY_PLACEHOLDERS = /\{\{\s*[A-Za-z_]+\s*\}\}/g;
/** Outside string literals a value must be one token that cannot open or close anything. */
const INERT_TOKEN = /^[A-Za-z0-9_:.]+$/;
/** PromQL keywords that join or modify expressions; case-insensitive, as in Prometheus's lexer. */
const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'atan2', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);
/**
 * Metric fields that are not PromQL: an argument there is plain text, checked afterwards by the
 * field's own validation. Every other field — the queries, and any field added later — is filled
 * by the PromQL rules, so a new query field is safe by default.
 */
const PLAIN_FIELDS = new Set([
  ...['name', 'kind', 'direction', 'critical', 'weight', 'muted'],
  ...['allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease', 'negligibleErrorRate', 'negligibleShare', 'detect', 'minSamples', 'slowerThan', 'thresholds', 'failureLimit'],
]);
const TEMPLATE_EXAMPLE = 'args: [{name: service}, {name: window, value: 5m}]\nmetrics:\n  - {name: error-rate, kind: rate, errors: \'sum(http_requests_total{{{selector}}, service="{{args.service}}", code=~"5.."}) or vector(0)\', requests: \'sum(http_requests_total{{{selector}}, service="{{args.service}}"})\'}';

/**
 * Parses a template: a list of metrics, or a mapping with `metrics:` and optional `args:`.
 * `lines` (default true) puts the line of a metric in its errors (`<source> line 9: metrics[0] …`).
 */
export function parseAnalysisTemplate(text: string, source: string, options: { lines?: boolean } = {}): AnalysisTemplate {
  let document;
  try {
    document = parseLocatedYaml(text, source);
  } catch (error) {
    if (error instanceof PlanError) throw new AnalysisTemplateError(error.message);
    throw error;
  }
  const value = document.value;
  const at = (path: NodePath) => (options.lines === false ? source : `${source} line ${document.lineOf(path)}`);
  const lineOf = (list: NodePath) => (index: number, field?: string) => (options.lines === false ? undefined : document.lineOf([...list, index, ...(field === undefined ? [] : [field])]));
  if (Array.isArray(value)) return { source, args: [], metrics: value, lineOf: lineOf([]) };
  if (value === null || typeof value !== 'object') {
    throw new AnalysisTemplateError(`${source}: expected a list of metrics, or a template with args: and metrics:, e.g.\n${TEMPLATE_EXAMPLE}`);
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== 'args' && key !== 'metrics') throw new AnalysisTemplateError(`${at([key])}: unknown field ${key}; a template has args: and metrics:.`);
  }
  if (raw.metrics === undefined) throw new AnalysisTemplateError(`${at([])}: a template needs metrics:, e.g.\n${TEMPLATE_EXAMPLE}`);
  return { source, args: argsOf(raw.args, at), metrics: raw.metrics, lineOf: lineOf(['metrics']) };
}

function argsOf(value: unknown, at: (path: NodePath) => string): TemplateArg[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new AnalysisTemplateError(`${at(['args'])}: args: expected a list such as [{name: service}, {name: window, value: 5m}] (value is the default), got ${quote(value)}.`);
  const seen = new Set<string>();
  return value.map((item, index) => {
    const where = `${at(['args', index])}: args[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new AnalysisTemplateError(`${where}: expected {name: <name>} or {name: <name>, value: <default>}, got ${quote(item)}.`);
    const arg = item as Record<string, unknown>;
    const unknown = Object.keys(arg).filter((k) => k !== 'name' && k !== 'value');
    if (unknown.length > 0) {
      const valueFrom = unknown.includes('valueFrom') ? ' valueFrom (secrets, fields) is not supported: pass the value as an argument.' : '';
      throw new AnalysisTemplateError(`${where}: unknown field ${unknown.join(', ')}; an argument has name and value (its default).${valueFrom}`);
    }
    if (typeof arg.name !== 'string' || !ARG_NAME.test(arg.name)) throw new AnalysisTemplateError(`${where}: name: expected letters, digits, '_' and '-', starting with a letter or '_', got ${quote(arg.name)}.`);
    if (seen.has(arg.name)) throw new AnalysisTemplateError(`${where}: argument ${arg.name} is declared twice.`);
    seen.add(arg.name);
    if (!('value' in arg)) return { name: arg.name };
    if (!isArgValue(arg.value)) throw new AnalysisTemplateError(`${where} ${arg.name}: value: expected a string, a number or true/false as the default, got ${quote(arg.value)}. Fix: leave value out to make the argument required.`);
    return { name: arg.name, defaultValue: arg.value };
  });
}

/**
 * The template's metrics, filled with `given` (its defaults for the rest) and validated like
 * inline metrics, queries in `dialect` (default PromQL). `argsWhere` names where arguments are given, for the fix (`analysis.args`,
 * `input 'args'`). Throws an AnalysisTemplateError naming the template, the metric, the
 * field and the fix.
 */
export function renderAnalysisTemplate(template: AnalysisTemplate, given: Record<string, unknown>, argsWhere: string, dialect?: QueryDialect): MetricDefinition[] {
  const bindings = bindArgs(template, given, argsWhere);
  const located = (message: string, problem?: AnalysisTemplateError['problem']) => {
    const [, index, field] = /^metrics\[(\d+)\](?: "[^"]*")?(?:: field ([A-Za-z]+))?/.exec(message) ?? [];
    const line = index === undefined ? undefined : template.lineOf(Number(index), field);
    return new AnalysisTemplateError(`${template.source}${line === undefined ? '' : ` line ${line}`}: ${message}`, problem);
  };
  let filled: unknown;
  try {
    filled = fillArgs(template.metrics, bindings);
  } catch (error) {
    if (error instanceof AnalysisTemplateError) throw located(error.message, error.problem);
    throw error;
  }
  try {
    return validateMetrics(filled, '', dialect);
  } catch (error) {
    if (error instanceof SlipwayError) throw located(error.message.replace(/^: /, ''));
    throw error;
  }
}

/** The template's arguments bound to `given`: an undeclared one, a bad value or a missing required one is an error. */
export function bindArgs(template: AnalysisTemplate, given: Record<string, unknown>, argsWhere: string): ArgBindings {
  const declared = template.args.map((a) => a.name);
  const values = new Map<string, ArgValue>();
  for (const [name, value] of Object.entries(given)) {
    if (!declared.includes(name)) {
      throw new AnalysisTemplateError(
        `${template.source}: argument ${name} (in ${argsWhere}) is not declared; ${declared.length === 0 ? 'the template declares no args' : `it declares ${declared.join(', ')}`}. Fix: correct the name, or declare it under args: in the template.`,
        { givenArg: name },
      );
    }
    if (!isArgValue(value)) throw new AnalysisTemplateError(`${template.source}: argument ${name} (in ${argsWhere}): expected a string, a number or true/false, got ${quote(value)}.`, { givenArg: name });
    values.set(name, value);
  }
  for (const arg of template.args) {
    if (values.has(arg.name)) continue;
    if (arg.defaultValue === undefined) {
      throw new AnalysisTemplateError(`${template.source}: argument ${arg.name} is required (it has no default value) and ${argsWhere} does not give it. Fix: add ${arg.name}: <value> to ${argsWhere}.`, { missingArg: arg.name });
    }
    values.set(arg.name, arg.defaultValue);
  }
  return { values, given: new Set(Object.keys(given)), declared };
}

/**
 * Metric definitions with every `{{args.<name>}}` filled (see the top of this file for the rules).
 * A field that is one placeholder alone takes a number or true/false as it is. Errors read
 * `metrics[i] "<name>": field <field>: …`, as validateMetrics' do.
 */
export function fillArgs(metrics: unknown, bindings: ArgBindings): unknown {
  if (!Array.isArray(metrics)) return metrics;
  return metrics.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const metric = item as Record<string, unknown>;
    const where = `metrics[${index}]${typeof metric.name === 'string' ? ` "${metric.name}"` : ''}`;
    return Object.fromEntries(Object.entries(metric).map(([field, value]) => [field, fillValue(value, PLAIN_FIELDS.has(field), `${where}: field ${field}`, bindings)]));
  });
}

function fillValue(value: unknown, plain: boolean, where: string, bindings: ArgBindings): unknown {
  if (Array.isArray(value)) return value.map((v, i) => fillValue(v, plain, `${where}[${i}]`, bindings));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, fillValue(v, plain, `${where}.${key}`, bindings)]));
  }
  if (typeof value !== 'string' || !value.includes('{{')) return value;
  const whole = ARG_PLACEHOLDER.exec(value.trim());
  if (whole && whole[0] === value.trim()) {
    const argValue = valueOf(whole[1], where, bindings);
    // A number or true/false stays one (`max: '{{args.max}}'`); it cannot carry a query's text.
    if (typeof argValue !== 'string') return argValue;
    if (plain) return argValue;
  }
  return plain ? fillText(value, where, bindings) : fillQuery(value, where, bindings);
}

function valueOf(name: string, where: string, bindings: ArgBindings): ArgValue {
  const value = bindings.values.get(name);
  if (value === undefined) {
    const declared = bindings.declared.length === 0 ? 'no args are declared' : `declared: ${bindings.declared.join(', ')}`;
    throw new AnalysisTemplateError(`${where}: {{args.${name}}} names no argument (${declared}). Fix: declare it under args: of a template file (docs/analysis.md, "Reusable analysis templates"), or correct the name.`);
  }
  return value;
}

/** Fills a plain field's placeholders with their values as text. */
function fillText(text: string, where: string, bindings: ArgBindings): string {
  checkArgOpenings(text, where);
  return text.replace(ARG_PLACEHOLDERS, (placeholder) => String(valueOf(ARG_PLACEHOLDER.exec(placeholder)![1], where, bindings)));
}

/** Fills a query's placeholders where each stands, and checks no value formed another placeholder. */
function fillQuery(query: string, where: string, bindings: ArgBindings): string {
  checkArgOpenings(query, where);
  const parts: string[] = [];
  let last = 0;
  scan(query, (name, inString, start, end) => {
    const value = valueOf(name, where, bindings);
    const text = String(value);
    const givenArg = bindings.given.has(name) ? name : undefined;
    const refuse = (why: string, fix: string): never => {
      throw new AnalysisTemplateError(`${where}: argument ${name} has the value ${quote(text)}, ${why}. Fix: ${fix}`, { givenArg });
    };
    let rendered: string;
    if (inString === '"') {
      rendered = escapeString(text);
    } else if (inString) {
      // A value cannot be escaped the same way in '…' and `…` strings: refused, whatever it is.
      throw new AnalysisTemplateError(`${where}: {{args.${name}}} stands inside a ${inString}…${inString} string; an argument may stand inside a double-quoted string, where it is escaped, or outside strings as one token. Fix: write e.g. service="{{args.${name}}}".`);
    } else {
      if (!INERT_TOKEN.test(text) || PROMQL_KEYWORDS.has(text.toLowerCase())) {
        refuse(
          'which cannot stand outside a string literal: there an argument must be one token of letters, digits, _, : and . (a metric or label name, a number, a duration) and not a PromQL keyword',
          `pass such a token, or put {{args.${name}}} inside a double-quoted label value in the template (e.g. service="{{args.${name}}}"), where any value is escaped`,
        );
      }
      rendered = text;
    }
    parts.push(query.slice(last, start), rendered);
    last = end;
  }, ARG_PLACEHOLDER);
  parts.push(query.slice(last));
  const filled = parts.join('');
  // `{{{{args.x}}}}` with x = selector would read as {{selector}}: a value must never pick a placeholder.
  const before: string[] = query.replace(ARG_PLACEHOLDERS, '\u0000').match(QUERY_PLACEHOLDERS) ?? [];
  const after: string[] = filled.match(QUERY_PLACEHOLDERS) ?? [];
  if (before.join() !== after.join()) {
    const formed = after.find((p) => !before.includes(p)) ?? after.join(', ');
    throw new AnalysisTemplateError(`${where}: an argument's value forms the placeholder ${formed} with the text around it. Fix: keep {{args.…}} away from {{ and }} in the template.`);
  }
  return filled;
}

/** `{{args.` must open a well-formed placeholder (`{{args.service}}`), never a typo passed on to Prometheus. */
function checkArgOpenings(text: string, where: string): void {
  for (let i = text.indexOf('{{'); i !== -1; i = text.indexOf('{{', i + 1)) {
    const rest = text.slice(i);
    if (ANY_ARG_OPENING.test(rest) && !ARG_PLACEHOLDER.test(rest)) {
      throw new AnalysisTemplateError(`${where}: ${quote(rest.slice(0, 40))} is not an argument placeholder; write {{args.<name>}}, a name of letters, digits, '_' and '-'.`);
    }
  }
}


/**
 * Reads a template file. `path` is relative to `workspace` (default the working directory: the
 * workspace in GitHub Actions, where `slipway` runs from the CLI), as the analyze action's
 * `metrics` file is; errors name the path as written.
 */
export function readAnalysisTemplate(path: string, workspace = process.cwd()): AnalysisTemplate {
  const file = resolve(workspace, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AnalysisTemplateError(`${path}: cannot read the template (${code === 'ENOENT' ? `no file ${file}` : (code ?? (error as Error).message)}). Fix: give its path relative to the workspace (the repository's root), e.g. .github/analysis/http.yml.`);
  }
  return parseAnalysisTemplate(text, path);
}

function isArgValue(value: unknown): value is ArgValue {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
