import { SlipwayError } from '../../errors.js';
import { makeDialect, renderSelector, versionOf, type LabelMatcher, type Placeholder } from '../template.js';
import type { QueryDialect } from '../types.js';

// Datadog metric queries (sources/datadog.ts), e.g. `sum:trace.http.request.hits{service:web,{{selector}}}.as_count()`.
// A selector becomes the tag filters inside the braces, `name:value` joined by `,`, a `!=` matcher
// `!name:value`. Datadog's query language has no string literals and no escapes: a tag filter is
// bare text, so a value is safe only when every character of it is one a tag can hold (lower-case
// letters, digits and `_ - . / :`; Datadog lower-cases tags as it stores them and turns other
// characters into `_`). Anything else — a `,` or `}` that would end the filter, a `*` that would
// make it a wildcard, a space, an upper-case letter that could never match — is refused by
// checkSelector, and again when a query is rendered, rather than written into the query. A regex
// matcher cannot be written at all: Datadog filters by tags, not patterns. `{{version}}` stands bare
// (outside any string literal: there are none) and becomes the checked tag value; `{{interval}}` is
// whole seconds, as `.rollup(sum, {{interval}})` takes it.

const EXAMPLE = 'sum:trace.http.request.hits{service:web,{{selector}}}.as_count()';

/** A tag name: starts with a letter; lower-case letters, digits and `_ - . /` (a `:` would end it). */
const TAG_NAME = /^[a-z][a-z0-9_./-]*$/;
/** A tag value: lower-case letters, digits and `_ - . / :`. */
const TAG_VALUE = /^[a-z0-9_./:-]+$/;
/** A slot placeholder a plan's selector may hold until the rollout fills it with a slot name (a lower-case word). */
const SLOT_PLACEHOLDER = /\{\{\s*(?:canarySlot|stableSlot)\s*\}\}/g;

const TAG_RULE = "Datadog tags are lower-case letters, digits and _ - . / : (Datadog lower-cases tags as it stores them and turns any other character into _), and a query's tag filters have no quoting, so any other character would change the query instead of being matched";

/**
 * Why a matcher cannot be written as a Datadog tag filter, or undefined when it can. A plan's
 * selector is checked before its slot placeholders are filled (`slots`: they become lower-case
 * words); a rendered query never holds one.
 */
function problemOf(matcher: LabelMatcher, slots: boolean): string | undefined {
  const shown = renderSelector([matcher]);
  if (matcher.op === '=~' || matcher.op === '!~') {
    return (
      `the matcher ${shown} uses ${matcher.op}, which a Datadog metric query cannot express: Datadog filters by tags (name:value), not by regular expressions, ` +
      "and Slipway does not turn a regex into a tag wildcard (such as version:v2*) either — a selector's values stand for exact tags. " +
      'Fix: select each side with = or != matchers of exact tag values (e.g. version="v2"); a wildcard or other filter that is the same for both sides can be written in the query template itself (e.g. {service:web*,{{selector}}}).'
    );
  }
  if (!TAG_NAME.test(matcher.name)) {
    return `the matcher ${shown} names the tag ${JSON.stringify(matcher.name)}, which is not a Datadog tag name: ${TAG_RULE}, and a name starts with a letter. Fix: name the tag as Datadog stores it${/[A-Z]/.test(matcher.name) ? ` (${JSON.stringify(matcher.name.toLowerCase())})` : ''}.`;
  }
  const value = slots ? matcher.value.replace(SLOT_PLACEHOLDER, 'slot') : matcher.value;
  if (value === '') {
    return `the matcher ${shown} has an empty value; a Datadog tag filter names a value (a tag without one cannot be selected by name:""). Fix: give the tag's value, e.g. version="v2".`;
  }
  if (!TAG_VALUE.test(value)) {
    const others = [...new Set(value.replace(/[a-z0-9_./:-]/g, ''))].map((c) => JSON.stringify(c)).join(' ');
    const wildcard = value.includes('*') ? " A tag wildcard (*) is not supported in a selector either: its values stand for exact tags; write a wildcard in the query template itself if both sides share it." : '';
    const lower = /[A-Z]/.test(value) && TAG_VALUE.test(value.toLowerCase()) ? ` (${JSON.stringify(matcher.value.toLowerCase())}, as Datadog stores it)` : '';
    return `the matcher ${shown} has a value Datadog cannot hold as a tag (it contains ${others}): ${TAG_RULE}.${wildcard} Fix: write the tag's value as Datadog stores it${lower}.`;
  }
  return undefined;
}

/** Throws a SlipwayError naming `where` for the first matcher Datadog cannot express ({{canarySlot}} and {{stableSlot}} allowed in values when `slots`). */
function checkMatchers(matchers: LabelMatcher[], where: string, slots: boolean): void {
  for (const matcher of matchers) {
    const problem = problemOf(matcher, slots);
    if (problem) throw new SlipwayError(`${where}: ${problem}`);
  }
}

/** QueryDialect.checkSelector: a plan's selectors, slot placeholders allowed. */
function checkSelector(matchers: LabelMatcher[], where: string): void {
  checkMatchers(matchers, where, true);
}

/** The matchers of a query about to be rendered: what is written must be a tag as it stands. */
function checkRendered(matchers: LabelMatcher[], where: string): void {
  checkMatchers(matchers, where, false);
}

/** The matchers as Datadog tag filters: `name:value`, `!name:value`, joined by `,` (each checked: never written unless safe). */
function renderTags(matchers: LabelMatcher[]): string {
  checkRendered(matchers, 'A Datadog query');
  return matchers.map((m) => `${m.op === '!=' ? '!' : ''}${m.name}:${m.value}`).join(',');
}

/** The version as a bare tag value, checked. */
function renderVersion(value: string): string {
  checkRendered([{ name: 'version', op: '=', value }], 'A Datadog query');
  return value;
}

const made = makeDialect({
  language: 'Datadog metric query',
  example: EXAMPLE,
  selector: renderTags,
  // No string literals in a Datadog metric query: {{version}} stands bare, e.g. {version:{{version}}}.
  versionQuote: '',
  version: renderVersion,
  // Whole seconds, as `.rollup(<method>, <seconds>)` takes them.
  interval: (seconds) => String(seconds),
  checkSelector,
});

/**
 * The Datadog dialect: metric queries such as `sum:trace.http.request.hits{service:web,{{selector}}}.as_count()`
 * or `avg:trace.http.request.duration{{{selector}}}.rollup(avg, {{interval}})`. Rendering checks
 * the matchers it writes, naming `where`, so a selector that slipped past checkSelector is still
 * refused rather than written.
 */
export const datadogDialect: QueryDialect = {
  language: made.language,
  example: made.example,
  check: made.check,
  checkSelector,
  render(template, values, where) {
    const used = made.check(template, where) as Set<Placeholder>;
    if (used.has('selector')) checkRendered(values.selector, where);
    if (used.has('canary')) checkRendered(values.canary, where);
    if (used.has('baseline')) checkRendered(values.baseline, where);
    const version = used.has('version') ? versionOf(values.selector) : undefined;
    if (version !== undefined) checkRendered([{ name: 'version', op: '=', value: version }], where);
    return made.render(template, values, where);
  },
};
