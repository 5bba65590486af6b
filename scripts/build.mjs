// Bundles every action and the CLI with ncc into <out>/<name>/index.js (default out: dist),
// minified — the runner starts a fresh node for every step, and parsing half the text is half the
// start (docs/architecture.md, "Fast start") — with the licences of what each bundle holds in
// <out>/<name>/licenses.txt. ncc writes one licences file per chunk (a lazily loaded library is
// a chunk of its own), so they are merged into that one file.
// Usage: node scripts/build.mjs [outDir] [name ...]
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEntries } from './entries.mjs';
import { mergeLicences } from './licences.mjs';

const [outDir = 'dist', ...only] = process.argv.slice(2);
const entries = bundleEntries().filter((e) => only.length === 0 || only.includes(e.name));

function ncc(entry) {
  const target = join(outDir, entry.name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry.source, '-o', target, '-q', '--minify', '--license', '[name].licenses.txt', '--target', 'es2022'], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ncc failed for ${entry.name} (exit ${code})`))));
  }).then(() => {
    const parts = readdirSync(target).filter((f) => f.endsWith('.licenses.txt')).sort();
    writeFileSync(join(target, 'licenses.txt'), mergeLicences(parts.map((f) => readFileSync(join(target, f), 'utf8'))));
    for (const f of parts) rmSync(join(target, f));
  });
}

// Two at a time: the machines have two cores.
const queue = [...entries];
async function worker() {
  for (let e = queue.shift(); e; e = queue.shift()) {
    await ncc(e);
    console.log(`built ${join(outDir, e.name, 'index.js')}`);
  }
}
await Promise.all([worker(), worker()]);

// The CLI is an executable: give it a shebang.
const cli = join(outDir, 'cli', 'index.js');
if (entries.some((e) => e.name === 'cli')) {
  const text = readFileSync(cli, 'utf8');
  if (!text.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${text}`);
  chmodSync(cli, 0o755);
}
