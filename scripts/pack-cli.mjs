// The CLI as an npm package: `npm run pack:cli [outDir] [builtDir]` stages the built CLI (default
// dist/cli: one bundle and the chunks its commands load, no dependencies) with cli/package.json,
// cli/README.md and the LICENSE, and runs `npm pack` there; it prints the tarball's path. Build
// first (`npm run build`): the package is what dist/ holds.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const outDir = resolve(process.argv[2] ?? '.');
const built = resolve(process.argv[3] ?? join('dist', 'cli'));
if (!existsSync(join(built, 'index.js'))) {
  console.error(`${built}/index.js is missing: build the CLI first (npm run build).`);
  process.exit(1);
}
const root = JSON.parse(readFileSync('package.json', 'utf8'));
const manifest = JSON.parse(readFileSync(join('cli', 'package.json'), 'utf8'));
// One version for the repository and the CLI it ships.
manifest.version = root.version;

const stage = mkdtempSync(join(tmpdir(), 'slipway-cli-package-'));
try {
  for (const file of readdirSync(built)) if (file.endsWith('.js') || file === 'licenses.txt') copyFileSync(join(built, file), join(stage, file));
  copyFileSync('LICENSE', join(stage, 'LICENSE'));
  copyFileSync(join('cli', 'README.md'), join(stage, 'README.md'));
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(outDir, { recursive: true });
  const npm = spawnSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? stage } });
  if (npm.status !== 0) {
    console.error(`npm pack failed (exit ${npm.status}):\n${npm.stderr}`);
    process.exit(1);
  }
  console.log(join(outDir, npm.stdout.trim().split('\n').pop()));
} finally {
  rmSync(stage, { recursive: true, force: true });
}
