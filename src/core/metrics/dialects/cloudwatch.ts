import { SlipwayError } from '../../errors.js';
import { makeDialect, renderSelector, type LabelMatcher } from '../template.js';
import type { QueryDialect } from '../types.js';

// CloudWatch Metrics Insights, the SQL dialect a GetMetricData `Expression` may hold
// (sources/cloudwatch.ts). A selector becomes the conditions of a WHERE clause:
// `"TargetGroup" = 'tg-v2' AND "Slot" != 'blue'`. Label keys are always double-quoted (valid for any
// key, and needed for one that is a reserved word such as "Version" or "Zone"); label values are
// single-quoted. The only escape Metrics Insights documents is a backslash before a quotation mark
// ("What needs quotation marks or escape characters?" in the CloudWatch user guide): it names no
// way to write a backslash itself, so a value holding one (it would escape the closing quote) or a
// control character is refused rather than guessed at. The WHERE clause has `=`, `!=` and `AND`
// only: regex matchers cannot be written.

const EXAMPLE = 'SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", TargetGroup) WHERE {{selector}}';

/** A label value as the inside of a Metrics Insights single-quoted string: each quotation mark escaped with a backslash. */
export function escapeInsightsString(value: string): string {
  return value.replace(/['"]/g, (c) => `\\${c}`);
}

/** A label key as a Metrics Insights double-quoted identifier. */
function quoteKey(name: string): string {
  // parseSelector admits only [A-Za-z_][A-Za-z0-9_]* names: nothing to escape, quoted for reserved words.
  return `"${escapeInsightsString(name)}"`;
}

/** The matchers as a WHERE clause's conditions, joined with AND. */
export function renderInsightsConditions(matchers: LabelMatcher[]): string {
  return matchers.map((m) => `${quoteKey(m.name)} ${m.op} '${escapeInsightsString(m.value)}'`).join(' AND ');
}

/** What in a value Metrics Insights has no way to write, if anything. */
function unwritable(value: string): string | undefined {
  if (value.includes('\\')) return 'a backslash';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'a control character (such as a line break)';
  return undefined;
}

/**
 * CloudWatch Metrics Insights (GetMetricData's `Expression`): `{{selector}}` is WHERE conditions,
 * `{{version}}` stands inside single quotes ('{{version}}'), `{{interval}}` is whole seconds.
 */
export const cloudwatchDialect: QueryDialect = makeDialect({
  language: 'CloudWatch Metrics Insights',
  example: EXAMPLE,
  selector: renderInsightsConditions,
  versionQuote: "'",
  version(value) {
    // checkSelector refused such a version already (the version is one of the selector's values).
    const bad = unwritable(value);
    if (bad) throw new SlipwayError(`The version ${JSON.stringify(value)} holds ${bad}, which a CloudWatch Metrics Insights string cannot hold. Fix: use a version without it.`);
    return escapeInsightsString(value);
  },
  // Metrics Insights has no duration literal; metric math (RATE, PERIOD) counts seconds.
  interval: (seconds) => String(seconds),
  checkSelector(matchers, where) {
    for (const matcher of matchers) {
      if (matcher.op === '=~' || matcher.op === '!~') {
        throw new SlipwayError(
          `${where}: the matcher ${renderSelector([matcher])} is a regular expression, which CloudWatch Metrics Insights cannot express: its WHERE clause compares a dimension with = or != only. ` +
            'Fix: select each side with = or != matchers on its dimensions (e.g. TargetGroup="targetgroup/web-v2/0123456789abcdef").',
        );
      }
      const bad = unwritable(matcher.value);
      if (bad) {
        throw new SlipwayError(
          `${where}: the value of ${matcher.name} holds ${bad}, which CloudWatch Metrics Insights has no way to write in a string (it escapes only quotation marks). Fix: select by a dimension whose value has no backslash or control character.`,
        );
      }
    }
  },
});
