import { SlipwayError } from '../../errors.js';
import { makeDialect, renderSelector, type LabelMatcher } from '../template.js';
import type { QueryDialect } from '../types.js';

// NRQL, New Relic's query language (sources/newrelic.ts sends it through NerdGraph). A selector
// becomes a WHERE condition, `version="v2", app=~"web|api"` → `` `version` = 'v2' AND `app` RLIKE 'web|api' ``:
// every attribute name in backticks (NRQL's quoting of names, so a name that is also a keyword
// stays a name), every value a single-quoted string with `\` and `'` backslash-escaped (NRQL
// strings take backslash escapes: a `\\` in one is one backslash, as New Relic's own apps write
// transaction names, newrelic/nr1-slo-r#85), so no value can end its string or the condition.
// RLIKE is RE2 and matches the whole value, exactly as Prometheus's =~ does, so a regex means the
// same on both. One difference stays: NRQL compares an attribute that is absent as NULL, so
// `a != 'x'` does not match an event without `a`, where Prometheus's a!="x" matches a series
// without the label; and values are strings, so the attribute must be a string attribute.
//
// The source owns the query's time: it appends `SINCE … UNTIL … TIMESERIES …` to every query, so
// a template that sets its own time range or buckets (SINCE, UNTIL, TIMESERIES, COMPARE WITH,
// SLIDE BY) is refused, and so is FACET, which splits the answer into several series where the
// analysis needs one. Only the query's top level counts: a subquery in parentheses may have its own.
//
// `{{interval}}` is written as NRQL writes a duration, `60 seconds` (`1 second`): it stands where
// NRQL takes one, e.g. `rate(count(*), {{interval}})`.

const EXAMPLE = 'SELECT count(*) FROM Transaction WHERE {{selector}} AND error IS TRUE';

/** The clauses a template must not have at its top level: the source writes the time range and the buckets itself, and one series is wanted. */
const OWN_CLAUSES = /\b(SINCE|UNTIL|TIMESERIES|FACET|COMPARE\s+WITH|SLIDE\s+BY)\b/gi;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Text for the inside of a NRQL single-quoted string: `\` and `'` backslash-escaped. */
export function escapeNrqlString(value: string): string {
  return value.replace(/[\\']/g, (c) => `\\${c}`);
}

/** A duration as NRQL writes it: `60 seconds`, `1 second`. */
export function nrqlDuration(seconds: number): string {
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

const OPERATORS: Record<LabelMatcher['op'], string> = { '=': '=', '!=': '!=', '=~': 'RLIKE', '!~': 'NOT RLIKE' };

/** Matchers as a NRQL condition: `` `a` = 'x' AND `b` RLIKE 'y.*' ``. */
function renderCondition(matchers: LabelMatcher[]): string {
  for (const matcher of matchers) refuseUnwritable(matcher, 'a selector');
  return matchers.map((m) => `\`${m.name}\` ${OPERATORS[m.op]} '${escapeNrqlString(m.value)}'`).join(' AND ');
}

/**
 * A control character (a newline, a tab) in a value: NRQL's documentation says nothing of how a
 * string holds one, so it is refused rather than guessed at; a backtick cannot be escaped in a name.
 */
function refuseUnwritable(matcher: LabelMatcher, where: string): void {
  if (CONTROL.test(matcher.value)) {
    throw new SlipwayError(`${where}: the value of ${renderSelector([matcher])} holds a control character (a newline or a tab), which a NRQL string cannot be trusted to hold. Fix: match it with a regex instead, e.g. ${matcher.name}=~"first.*second".`);
  }
  if (matcher.name.includes('`')) {
    throw new SlipwayError(`${where}: the attribute name ${JSON.stringify(matcher.name)} holds a backtick, which cannot be quoted in NRQL. Fix: name an attribute without one.`);
  }
}

/**
 * The template's clauses that the source writes itself (SINCE, UNTIL, TIMESERIES, COMPARE WITH,
 * SLIDE BY) or that split the answer (FACET), upper-cased, as they stand at the query's top level:
 * outside string literals, backtick-quoted names and parentheses.
 */
export function ownClausesIn(query: string): string[] {
  let depth = 0;
  let top = '';
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === "'" || c === '"' || c === '`') {
      // Skip the literal or the quoted name; a backslash escapes the next character in a string.
      for (i++; i < query.length && query[i] !== c; i++) if (query[i] === '\\' && c !== '`') i++;
      top += ' ';
    } else if (c === '(' || c === ')') {
      depth = Math.max(0, depth + (c === '(' ? 1 : -1));
      top += ' ';
    } else {
      top += depth === 0 ? c : ' ';
    }
  }
  return [...top.matchAll(OWN_CLAUSES)].map((m) => m[1].toUpperCase().replace(/\s+/, ' '));
}

/** Throws a SlipwayError naming `where` when the query sets its own time range or buckets, or facets. */
export function checkOwnClauses(query: string, where: string): void {
  const clauses = [...new Set(ownClausesIn(query))];
  if (clauses.length === 0) return;
  const facet = clauses.includes('FACET');
  const time = clauses.filter((c) => c !== 'FACET');
  const why = [
    time.length > 0 ? `${time.join(', ')}: Slipway appends SINCE <start> UNTIL <end> TIMESERIES <interval> to every query itself, so the analysis reads exactly its own window in buckets of its interval` : '',
    facet ? 'FACET: it splits the answer into one series per value, and the analysis compares one series per side' : '',
  ].filter(Boolean);
  const fix = facet ? 'aggregate to one series (drop FACET and select by WHERE {{selector}}) and leave out the time clauses' : 'leave out SINCE, UNTIL, TIMESERIES, COMPARE WITH and SLIDE BY';
  throw new SlipwayError(`${where}: the NRQL query has ${clauses.join(', ')}, which a New Relic metric must leave out — ${why.join('; ')}. Fix: ${fix}, e.g. ${EXAMPLE}.`);
}

const parts = makeDialect({
  language: 'NRQL',
  example: EXAMPLE,
  selector: renderCondition,
  versionQuote: "'",
  version(value) {
    refuseUnwritable({ name: 'version', op: '=', value }, '{{version}}');
    return escapeNrqlString(value);
  },
  interval: nrqlDuration,
  checkSelector(matchers, where) {
    for (const matcher of matchers) refuseUnwritable(matcher, where);
  },
});

/**
 * NRQL: `{{selector}}` (and `{{canary}}`, `{{baseline}}`) a WHERE condition outside any string,
 * `{{version}}` inside a single-quoted string, `{{interval}}` a duration; templates that set their
 * own time range, buckets or facets are refused by check() as well as by render().
 */
export const nrqlDialect: QueryDialect = {
  language: parts.language,
  example: parts.example,
  checkSelector: parts.checkSelector,
  check(template, where) {
    const used = parts.check(template, where);
    checkOwnClauses(template, where);
    return used;
  },
  render(template, values, where) {
    checkOwnClauses(template, where);
    return parts.render(template, values, where);
  },
};
