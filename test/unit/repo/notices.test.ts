import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseLicences } from '../../../scripts/licences.mjs';

// THIRD_PARTY_NOTICES.md lists the packages dist/ bundles; ncc writes their licence texts to
// dist/<name>/licenses.txt. These tests keep the two in step and the licences permissive.

/** The npm packages a bundle's sources import (followed through relative imports from its entry). */
function importedPackages(entry: string): string[] {
  const statement = /(?:^|[\s;])(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  const seen = new Set<string>();
  const packages = new Set<string>();
  for (const todo = [resolve(entry)]; todo.length > 0; ) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(statement)) {
      const specifier = match[1] ?? match[2];
      if (specifier.startsWith('.')) todo.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!isBuiltin(specifier)) packages.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return [...packages].sort();
}

/** The licence in an installed package's own package.json (the lock file leaves it out for linked ones, as the undici shim). */
const declaredOnDisk = (path: string) => (existsSync(join(path, 'package.json')) ? (JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { license?: string }).license : undefined);

// The bundles as scripts/entries.mjs finds them: one per src/actions/<name>/index.ts, and the CLI.
const bundleSources = [
  ...readdirSync(join('src', 'actions'), { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join('src', 'actions', d.name, 'index.ts'))).map((d) => ({ name: d.name, source: join('src', 'actions', d.name, 'index.ts') })),
  { name: 'cli', source: join('src', 'cli', 'index.ts') },
];
const bundles = bundleSources.map((entry) => ({ ...entry, licencesFile: join('dist', entry.name, 'licenses.txt') }));
const licences = new Map(bundles.map((b) => [b.name, existsSync(b.licencesFile) ? parseLicences(readFileSync(b.licencesFile, 'utf8')) : []]));
const notices = readFileSync('THIRD_PARTY_NOTICES.md', 'utf8');
const noticeRows = [...notices.matchAll(/^\| `([^`]+)` \| ([^|`]+?) \| \[[^\]]+\]\(([^)]+)\)[^|]* \|$/gm)].map((m) => ({ name: m[1], licence: m[2], link: m[3] }));
const withoutFileSection = notices.slice(notices.indexOf('## Packages without a licence file'));
const permissive = ['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'BlueOak-1.0.0', '0BSD', 'Zlib'];
/** Whether an SPDX expression (`MIT`, `(MIT AND Zlib)`) names permissive licences only. */
const isPermissive = (licence: string) => licence.replace(/[()]/g, '').split(/ (?:AND|OR) /).every((id) => permissive.includes(id));

describe('third-party notices', () => {
  test.each(bundles.map((b) => [b.name, b] as const))('dist/%s has its licences file', (_name, bundle) => {
    expect({ file: bundle.licencesFile, entries: licences.get(bundle.name)!.length > 0 }).toEqual({ file: bundle.licencesFile, entries: true });
  });

  test('the licences files are read as ncc writes them: each entry names an installed package, with the licence its package.json declares', () => {
    const installed = Object.entries((JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { license?: string }> }).packages);
    const entries = [...licences.values()].flat();
    expect(entries.length).toBeGreaterThan(bundles.length);
    for (const entry of entries) {
      // Several versions of a package may be installed (glob is); one of them is the bundled one.
      const declared = installed.filter(([path]) => path === `node_modules/${entry.name}` || path.endsWith(`/node_modules/${entry.name}`)).map(([path, p]) => p.license ?? declaredOnDisk(path));
      expect({ name: entry.name, declared: declared.includes(entry.licence) }).toEqual({ name: entry.name, declared: true });
    }
  });

  test('THIRD_PARTY_NOTICES.md lists every package of every licences file, once, with its licence, and no other', () => {
    const fromFiles = new Map([...licences.values()].flat().map((e) => [e.name, e.licence]));
    expect(noticeRows.map((r) => r.name)).toEqual([...new Set(noticeRows.map((r) => r.name))]);
    expect(Object.fromEntries(noticeRows.map((r) => [r.name, r.licence]))).toEqual(Object.fromEntries(fromFiles));
  });

  test("each row points at its package's full licence text: a licences file, or this page for the packages that publish none", () => {
    for (const row of noticeRows) {
      // Slipway's own stand-in for undici (shims/undici), under Slipway's licence.
      if (row.name === 'undici') expect(row.link).toBe('LICENSE');
      else if (row.link.startsWith('dist/')) {
        const entry = parseLicences(readFileSync(row.link, 'utf8')).find((e) => e.name === row.name);
        expect({ row: row.name, licence: entry?.licence, hasText: (entry?.text.length ?? 0) > 100 }).toEqual({ row: row.name, licence: row.licence, hasText: true });
      } else {
        expect({ row: row.name, link: row.link }).toEqual({ row: row.name, link: '#packages-without-a-licence-file' });
        expect(withoutFileSection).toContain(`\`${row.name}\` (${row.licence}): Copyright`);
        expect(withoutFileSection).toContain(`### ${row.licence}\n`);
      }
    }
  });

  test('a package whose licences file entry has no text is one of those with a notice on this page', () => {
    const withText = new Set([...licences.values()].flat().filter((e) => e.text.length > 0).map((e) => e.name));
    const textless = noticeRows.filter((r) => !withText.has(r.name) && r.name !== 'undici');
    expect(textless.length).toBeGreaterThan(0);
    expect(textless.filter((r) => r.link !== '#packages-without-a-licence-file')).toEqual([]);
  });

  test('every package a bundle imports is listed, and in that bundle\'s own licences file (all its chunks\')', () => {
    const listed = new Set(noticeRows.map((r) => r.name));
    const imported = [...new Set(bundles.flatMap((b) => importedPackages(b.source)))].sort();
    expect(imported).toEqual(expect.arrayContaining(['@actions/core', '@octokit/rest', 'js-yaml']));
    expect(imported.filter((name) => !listed.has(name))).toEqual([]);
    // undici is Slipway's own shim (shims/undici), under Slipway's licence.
    const missing = bundles.flatMap((b) => importedPackages(b.source).filter((name) => name !== 'undici' && !licences.get(b.name)!.some((e) => e.name === name)).map((name) => `${b.name}: ${name}`));
    expect(missing).toEqual([]);
  });

  test('every bundled licence is a permissive one', () => {
    expect(noticeRows.filter((r) => !isPermissive(r.licence))).toEqual([]);
  });
});
