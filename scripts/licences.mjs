// ncc's licences files: entries `name\nlicence\ntext`, each starting after a blank line. build.mjs
// merges a bundle's per-chunk files into one; test/unit/repo/notices.test.ts reads them.

const packageName = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/;
const spdxExpression = /^\(?[A-Za-z0-9.+-]+(?: (?:OR|AND|WITH) [A-Za-z0-9.+-]+)*\)?$/;

/**
 * The entries of a licences file.
 * @param {string} content
 * @returns {{ name: string; licence: string; text: string }[]}
 */
export function parseLicences(content) {
  const lines = content.split('\n');
  const starts = lines.flatMap((line, i) => ((i === 0 || lines[i - 1] === '') && packageName.test(line) && spdxExpression.test(lines[i + 1] ?? '') ? [i] : []));
  return starts.map((start, k) => ({ name: lines[start], licence: lines[start + 1], text: lines.slice(start + 2, starts[k + 1] ?? lines.length).join('\n').trim() }));
}

/**
 * One licences file of several (a bundle's chunks): every package once, by name.
 * @param {string[]} contents
 * @returns {string}
 */
export function mergeLicences(contents) {
  const entries = new Map();
  for (const entry of contents.flatMap(parseLicences)) if (!entries.has(entry.name)) entries.set(entry.name, entry);
  return [...entries.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => `${e.name}\n${e.licence}\n${e.text}`)
    .join('\n\n') + '\n';
}
