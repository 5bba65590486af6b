import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packDirectory, targetDirSegments } from '../../../../src/core/artifact/package.js';
import { writeTree } from '../../../integration/artifact/fixtures.js';

const FILES: Record<string, string> = {
  'index.html': '<h1>v1</h1>\n',
  'bin/start': '#!/bin/sh\necho start\n',
  'assets/css/site.css': 'body{}\n',
  'assets/img/logo.svg': '<svg/>',
  'README.md': 'readme',
};
const COMMIT_TIME = 1_700_000_000;

/** The ustar headers of a tar, one line each: name, mode, uid, gid, uname, gname, mtime, type, link. */
function tarListing(tar: Buffer): string[] {
  const field = (block: Buffer, offset: number, length: number) => block.subarray(offset, offset + length).toString('utf8').replace(/\0.*$/s, '');
  const octal = (block: Buffer, offset: number, length: number) => parseInt(field(block, offset, length).trim() || '0', 8);
  const lines: string[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const block = tar.subarray(at, at + 512);
    if (block.every((b) => b === 0)) break;
    const size = octal(block, 124, 12);
    const prefix = field(block, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(block, 0, 100);
    const line = [name, `0o${octal(block, 100, 8).toString(8)}`, octal(block, 108, 8), octal(block, 116, 8), `'${field(block, 265, 32)}'`, `'${field(block, 297, 32)}'`, octal(block, 136, 12), field(block, 156, 1), field(block, 157, 100)];
    lines.push(line.join(' ').trimEnd());
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return lines;
}

describe('deterministic layer packing', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-pack-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const pack = (name: string, dir: string) => packDirectory(dir, join(root, `${name}.tar.gz`), { mtime: COMMIT_TIME, prefix: 'app' });

  test('two copies with different mtimes, creation order and umask pack to the same digest', async () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    writeTree(a, FILES, { order: 'forward', mtime: 1_000_000, mode: 0o644, execs: ['bin/start'] });
    const previous = process.umask(0o077);
    try {
      writeTree(b, FILES, { order: 'reverse', mtime: 1_600_000_000, mode: 0o600, execs: ['bin/start'] });
    } finally {
      process.umask(previous);
    }
    const [layerA, layerB] = [await pack('a', a), await pack('b', b)];
    expect(layerA.digest).toBe(layerB.digest);
    expect(layerA.diffId).toBe(layerB.diffId);
    expect(readFileSync(layerA.path).equals(readFileSync(layerB.path))).toBe(true);
  });

  test('one changed byte gives a different digest', async () => {
    const c = join(root, 'c');
    writeTree(c, { ...FILES, 'index.html': '<h1>v2</h1>\n' }, { mtime: 1_000_000, execs: ['bin/start'] });
    const d = join(root, 'd');
    writeTree(d, FILES, { mtime: 1_000_000, execs: ['bin/start'] });
    expect((await pack('c', c)).digest).not.toBe((await pack('d', d)).digest);
  });

  test('a lost executable bit changes the digest (the mode policy keeps only "executable or not")', async () => {
    const e = join(root, 'e');
    writeTree(e, FILES, { mtime: 1_000_000 });
    const f = join(root, 'f');
    writeTree(f, FILES, { mtime: 1_000_000, execs: ['bin/start'] });
    expect((await pack('e', e)).digest).not.toBe((await pack('f', f)).digest);
  });

  test('entries are sorted, owned by 0:0 with empty names, dated at the commit time, with fixed modes', async () => {
    const g = join(root, 'g');
    writeTree(g, FILES, { mtime: 1_000_000, mode: 0o600, execs: ['bin/start'] });
    symlinkSync('index.html', join(g, 'home.html'));
    const layer = await pack('g', g);
    const listing = tarListing(gunzipSync(readFileSync(layer.path)));
    expect(listing).toEqual([
      `app/ 0o755 0 0 '' '' ${COMMIT_TIME} 5`,
      `app/README.md 0o644 0 0 '' '' ${COMMIT_TIME} 0`,
      `app/assets/ 0o755 0 0 '' '' ${COMMIT_TIME} 5`,
      `app/assets/css/ 0o755 0 0 '' '' ${COMMIT_TIME} 5`,
      `app/assets/css/site.css 0o644 0 0 '' '' ${COMMIT_TIME} 0`,
      `app/assets/img/ 0o755 0 0 '' '' ${COMMIT_TIME} 5`,
      `app/assets/img/logo.svg 0o644 0 0 '' '' ${COMMIT_TIME} 0`,
      `app/bin/ 0o755 0 0 '' '' ${COMMIT_TIME} 5`,
      `app/bin/start 0o755 0 0 '' '' ${COMMIT_TIME} 0`,
      `app/home.html 0o777 0 0 '' '' ${COMMIT_TIME} 2 index.html`,
      `app/index.html 0o644 0 0 '' '' ${COMMIT_TIME} 0`,
    ]);
  });

  test('the gzip header carries no timestamp and OS byte 255, and the layer gunzips to the tar its diff_id names', async () => {
    const h = join(root, 'h');
    writeTree(h, FILES, { mtime: 1_000_000 });
    const layer = await pack('h', h);
    const bytes = readFileSync(layer.path);
    expect([...bytes.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    const tar = gunzipSync(bytes);
    expect(`sha256:${(await import('node:crypto')).createHash('sha256').update(tar).digest('hex')}`).toBe(layer.diffId);
  });

  test('names longer than ustar allows survive through PAX headers', async () => {
    const i = join(root, 'i');
    const deep = `${'d'.repeat(120)}/${'n'.repeat(120)}.txt`;
    writeTree(i, { [deep]: 'deep' }, { mtime: 1_000_000 });
    writeFileSync(join(i, 'short.txt'), 'x');
    const layer = await pack('i', i);
    const names = execFileSync('tar', ['-tzf', layer.path]).toString().trim().split('\n');
    expect(names).toContain(`app/${deep}`);
    expect(names).toContain('app/short.txt');
  });

  test('the target dir is read from the image root: a leading `/`, `.` and empty segments make no difference', async () => {
    expect(targetDirSegments('/app')).toEqual(['app']);
    expect(targetDirSegments('app/')).toEqual(['app']);
    expect(targetDirSegments('/usr/./share//nginx/html/')).toEqual(['usr', 'share', 'nginx', 'html']);
    expect(targetDirSegments('/')).toEqual([]);
    expect(targetDirSegments('..')).toBeUndefined();
    const j = join(root, 'j');
    writeTree(j, FILES, { mtime: 1_000_000 });
    const [slashed, bare] = [await packDirectory(j, join(root, 'j1.tar.gz'), { mtime: COMMIT_TIME, prefix: '/app/' }), await pack('j2', j)];
    expect(slashed.digest).toBe(bare.digest);
  });
});
