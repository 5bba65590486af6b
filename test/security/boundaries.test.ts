import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// The protections of issue 12 hold only if nothing goes around them: every GitHub-facing writer of
// the actions passes the redaction boundary, every YAML text the bounded loader, every child
// process the allow-listed environment. These tests fail when a new file takes the short cut.

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Product sources: everything under src/ (the test kit and the demo live outside it). */
const product = sources('src');

function offenders(pattern: RegExp, allowed: string[]): string[] {
  return product.filter((path) => pattern.test(readFileSync(path, 'utf8')) && !allowed.includes(relative('.', path)));
}

describe('nothing goes around the boundaries', () => {
  test('the actions write logs, annotations, outputs, the summary and failures only through the redacting output module', () => {
    expect(offenders(/\bcore\.(info|warning|error|notice|debug|setOutput|setFailed|summary|group|startGroup)\b/, ['src/actions/common/output.ts'])).toEqual([]);
  });

  test('YAML is parsed only by the bounded loader', () => {
    expect(offenders(/\byaml\.(load|loadAll)\(/, ['src/core/yaml.ts'])).toEqual([]);
  });

  test('the product imports nothing from the test kit or the demo', () => {
    expect(offenders(/from '(\.\.\/)+(testkit|demo|test)\//, [])).toEqual([]);
  });

  test('child processes are started only by the runner that builds their environment', () => {
    // runCommand runs every command to completion (build-immutable-image's docker and git too); an
    // ssh socket forward lives as long as the forward, so it starts its own child, with childEnvironment.
    expect(offenders(/\b(spawn|execFile|execFileSync|spawnSync|execSync)\(/, ['src/core/process/run.ts', 'src/core/remote/forward.ts'])).toEqual([]);
    // Copying the whole environment is how a child used to inherit INPUT_* and tokens.
    expect(offenders(/\.\.\.\(?process\.env\b/, [])).toEqual([]);
  });
});
