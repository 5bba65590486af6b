import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from '../../integration/artifact/fixtures.js';
import { runSlipway } from '../../support/cli.js';

const slipway = (env: NodeJS.ProcessEnv, ...argv: string[]) => runSlipway(argv, env);

describe('slipway pack', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-cli-pack-'));
    writeTree(join(root, 'a'), { 'index.html': 'v1', 'js/app.js': '1' }, { mtime: 1, order: 'forward' });
    writeTree(join(root, 'b'), { 'index.html': 'v1', 'js/app.js': '1' }, { mtime: 99_999, order: 'reverse' });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('prints the same layer digest for two copies of a directory, from SOURCE_DATE_EPOCH or --epoch', async () => {
    const a = await slipway({ SOURCE_DATE_EPOCH: '1700000000' }, 'pack', '--path', join(root, 'a'));
    const b = await slipway({}, 'pack', '--path', join(root, 'b'), '--epoch', '1700000000');
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toMatch(/^digest {2}sha256:[a-f0-9]{64}\ndiff_id sha256:[a-f0-9]{64}\nsize {4}\d+\n$/);
    expect(b.stdout).toBe(a.stdout);
  });

  test('a link out of the directory is refused unless --allow-external-symlinks', async () => {
    const dir = join(root, 'linked');
    writeTree(dir, { 'index.html': 'v1' }, { mtime: 1, order: 'forward' });
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    const refused = await slipway({}, 'pack', '--path', dir, '--epoch', '1700000000');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('passwd -> /etc/passwd');
    expect(refused.stderr).toContain('--allow-external-symlinks');
    const allowed = await slipway({}, 'pack', '--path', dir, '--epoch', '1700000000', '--allow-external-symlinks');
    expect(allowed.exitCode).toBe(0);
  });

  test('another commit time gives another digest; --out keeps the layer', async () => {
    const out = join(root, 'layer.tar.gz');
    const a = await slipway({}, 'pack', '--path', join(root, 'a'), '--epoch', '1700000000');
    const later = await slipway({}, 'pack', '--path', join(root, 'a'), '--epoch', '1700000001', '--out', out);
    expect(later.stdout.split('\n')[0]).not.toBe(a.stdout.split('\n')[0]);
    expect(later.stdout).toContain(`layer   ${out}`);
    expect(existsSync(out)).toBe(true);
  });

  test('without a commit time it says how to get one', async () => {
    const result = await slipway({}, 'pack', '--path', join(root, 'a'));
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/--epoch is required .*git log -1 --format=%ct/);
  });
});
