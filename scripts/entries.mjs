// The bundles Slipway ships: one per action (src/actions/<name>/index.ts -> dist/<name>/index.js)
// and the CLI (src/cli/index.ts -> dist/cli/index.js). Found on disk so that adding an action
// needs no edit here.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** @returns {{name: string, source: string}[]} every bundle, sorted by name */
export function bundleEntries(root = process.cwd()) {
  const actionsDir = join(root, 'src', 'actions');
  const entries = readdirSync(actionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(actionsDir, d.name, 'index.ts')))
    .map((d) => ({ name: d.name, source: join('src', 'actions', d.name, 'index.ts') }));
  if (existsSync(join(root, 'src', 'cli', 'index.ts'))) entries.push({ name: 'cli', source: join('src', 'cli', 'index.ts') });
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}
