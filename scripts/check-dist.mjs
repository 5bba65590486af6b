// Fails when the committed dist/ differs from a fresh build of the sources (CI runs this).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const fresh = mkdtempSync(join(tmpdir(), 'slipway-dist-'));
try {
  execFileSync(process.execPath, ['scripts/build.mjs', fresh], { stdio: 'inherit' });
  const list = (dir) => readdirSync(dir, { recursive: true }).map(String).filter((p) => statSync(join(dir, p)).isFile()).sort();
  const built = list(fresh);
  const committed = list('dist');
  const problems = [];
  for (const file of new Set([...built, ...committed])) {
    if (!built.includes(file)) problems.push(`dist/${file} is committed but no longer built`);
    else if (!committed.includes(file)) problems.push(`dist/${file} is built but not committed`);
    else if (!readFileSync(join(fresh, file)).equals(readFileSync(join('dist', file)))) problems.push(`dist/${file} differs from a fresh build`);
  }
  if (problems.length > 0) {
    console.error(`dist/ does not match the sources (run \`npm run build\` and commit dist/):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`dist/ matches a fresh build (${built.length} files from ${relative('.', fresh) && 'a temp dir'})`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
