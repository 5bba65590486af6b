import { SlipwayError } from '../../errors.js';
import { makeDialect, renderSelector, type LabelMatcher } from '../template.js';
import type { QueryDialect } from '../types.js';

// The web source's queries (sources/web.ts) are URLs, relative to the source's `url`, optionally
// ending with `#<JSONPath>` to pick the value from the JSON answer. The placeholders become parts
// of the URL that can never change where it points: a selector is `name=value&…` query parameters,
// `{{version}}` a path or parameter segment, each value percent-encoded (encodeURIComponent, so a
// `/`, `&`, `#` or `?` in a value stays inside it). A URL has no operators, so only `=` matchers
// can be written. The fragment is never sent to the server; it is read by Slipway, and it is kept
// free of placeholders: a JSONPath filter is code, and a value spliced into it could change what
// it picks.

const EXAMPLE = '/stats?{{selector}}#$.requests';

/** `a="x", b="y"` as URL query parameters `a=x&b=y`, names and values percent-encoded. */
function renderParameters(matchers: LabelMatcher[]): string {
  return matchers.map((m) => `${encodeURIComponent(m.name)}=${encodeURIComponent(m.value)}`).join('&');
}

const urlDialect = makeDialect({
  language: 'URL',
  example: EXAMPLE,
  selector: renderParameters,
  // A URL has no string literals: {{version}} stands bare, percent-encoded.
  versionQuote: '',
  version: encodeURIComponent,
  // Whole seconds, e.g. `60`: an endpoint that takes a window most often takes it in seconds.
  interval: (seconds) => String(seconds),
  checkSelector(matchers, where) {
    const other = matchers.find((m) => m.op !== '=');
    if (other) {
      throw new SlipwayError(
        `${where}: the matcher ${renderSelector([other])} uses ${other.op}, which a web source cannot express: its selectors become URL query parameters (name=value), so only = matchers can be written. ` +
          'Fix: select each side with = matchers only (e.g. version="v2"), or have the endpoint do the filtering and name it by a plain value.',
      );
    }
  },
});

/** A query split into the URL (with its placeholders) and the JSONPath after `#`, if any. */
export function splitWebQuery(query: string): { url: string; jsonPath?: string } {
  const hash = query.indexOf('#');
  return hash < 0 ? { url: query } : { url: query.slice(0, hash), jsonPath: query.slice(hash + 1) };
}

function checkFragment(template: string, where: string): void {
  const { jsonPath } = splitWebQuery(template);
  if (jsonPath === undefined) return;
  if (/\{\{|\}\}/.test(jsonPath)) {
    throw new SlipwayError(`${where}: a placeholder in the JSONPath after # (${JSON.stringify(jsonPath)}); placeholders may only stand in the URL before #. Fix: put the version or selector in the URL (e.g. ${EXAMPLE}) and have the endpoint answer for it.`);
  }
  if (!jsonPath.trim().startsWith('$')) {
    throw new SlipwayError(`${where}: the text after # must be a JSONPath expression starting with $, got ${JSON.stringify(jsonPath)}; e.g. ${EXAMPLE}.`);
  }
}

/**
 * The web source's dialect: URL templates such as `/stats?{{selector}}#$.requests` or
 * `/versions/{{version}}/errors?window={{interval}}`; placeholders only before `#`.
 */
export const webDialect: QueryDialect = {
  language: urlDialect.language,
  example: urlDialect.example,
  checkSelector: urlDialect.checkSelector,
  check(template, where) {
    checkFragment(template, where);
    return urlDialect.check(splitWebQuery(template).url, where);
  },
  render(template, values, where) {
    checkFragment(template, where);
    const { url, jsonPath } = splitWebQuery(template);
    return urlDialect.render(url, values, where) + (jsonPath === undefined ? '' : `#${jsonPath}`);
  },
};
