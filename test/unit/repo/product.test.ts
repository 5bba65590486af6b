import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

// What users install is dist/ and the runtime dependencies: the test kit (testkit/: the GitHub
// simulator and the test bed) and the demo must stay out of both (docs/architecture.md).

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };

/** The packages a source file imports at run time (bare specifiers, reduced to the package name; `import type` is erased). */
function importedPackages(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+'([^'.][^']*)'|import\(\s*'([^'.][^']*)'\s*\)/g)].map((m) => m[1] ?? m[2]);
  return specifiers
    .filter((s) => !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
}

describe('the shipped product', () => {
  test('runtime dependencies are exactly the packages the actions and the CLI import', () => {
    const imported = new Set(files('src').filter((p) => p.endsWith('.ts')).flatMap(importedPackages));
    expect([...imported].filter((name) => !(name in pkg.dependencies)).sort()).toEqual([]);
    expect(Object.keys(pkg.dependencies).filter((name) => !imported.has(name)).sort()).toEqual([]);
  });

  test('dist/ carries neither the GitHub simulator nor its OpenAPI description', () => {
    const bundles = files('dist');
    const large = bundles.filter((p) => p.endsWith('.json') && statSync(p).size > 100_000);
    expect(large).toEqual([]);
    const withSimulator = bundles.filter((p) => p.endsWith('.js') && /startGitHubSimulator|github-rest-subset/.test(readFileSync(p, 'utf8')));
    expect(withSimulator).toEqual([]);
  });

  test("no bundle carries undici: the toolkit's imports of it go to Node's own fetch (shims/undici)", () => {
    // llhttp (undici's HTTP parser) and its header are in every copy of undici.
    const withUndici = files('dist').filter((p) => p.endsWith('.js') && /llhttp|Ethan-Arrowood\/undici-fetch/.test(readFileSync(p, 'utf8')));
    expect(withUndici).toEqual([]);
  });

  test('the CLI has no demo command and never installs packages', () => {
    const cli = files(join('dist', 'cli'))
      .filter((p) => p.endsWith('.js'))
      .map((p) => readFileSync(p, 'utf8'))
      .join('\n');
    // apt-get as a program to run (a quoted argv word), not advice in a message.
    expect(cli).not.toMatch(/["'`]apt-get["'`]/);
    expect(cli).not.toMatch(/slipway demo/);
  });

  test('the CLI starts without the GitHub client, which only the commands that read GitHub load', () => {
    // `slipway judge` and `slipway plan check` never reach GitHub: parsing Octokit would only slow their start.
    const main = readFileSync(join('dist', 'cli', 'index.js'), 'utf8');
    expect(main).not.toMatch(/octokit-rest\.js/);
    expect(files(join('dist', 'cli')).some((p) => p.endsWith('.js') && /octokit-rest\.js/.test(readFileSync(p, 'utf8')))).toBe(true);
  });
});
