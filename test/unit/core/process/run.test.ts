import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../../src/core/process/index.js';

describe('runCommand', () => {
  test('argv reaches the program as it is: no shell expands $HOME, quotes or ;', async () => {
    const result = await runCommand(['/bin/echo', '$HOME', "'quoted'", 'a; rm -rf /']);
    expect(result).toEqual({ code: 0, stdout: "$HOME 'quoted' a; rm -rf /\n", stderr: '' });
  });

  test('runs in the directory it is given and feeds a Buffer to stdin', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'slipway-run-')));
    try {
      const result = await runCommand(['/bin/sh', '-c', 'pwd; cat'], { cwd: dir, input: Buffer.from('secret from stdin') });
      expect(result.stdout).toBe(`${dir}\nsecret from stdin`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reports each whole line as it comes, multi-byte characters unsplit, with the last line unterminated', async () => {
    const lines: string[] = [];
    // Three-byte characters in 4096-byte pipe writes: every chunk boundary splits one.
    const script = 'i=0; while [ $i -lt 3000 ]; do printf "€€€"; i=$((i+1)); done; printf "\\nnext\\r\\nlast"; echo err >&2';
    const result = await runCommand(['/bin/sh', '-c', script], { onLine: (line, stream) => lines.push(`${stream}:${line}`) });
    // The two streams interleave as the pipes deliver; each keeps its own order.
    expect(lines.filter((line) => line.startsWith('stdout:'))).toEqual([`stdout:${'€'.repeat(9000)}`, 'stdout:next', 'stdout:last']);
    expect(lines.filter((line) => line.startsWith('stderr:'))).toEqual(['stderr:err']);
    expect(result.stdout).toBe(`${'€'.repeat(9000)}\nnext\r\nlast`);
  });

  test('a command past its time limit is killed and says so', async () => {
    const started = Date.now();
    const result = await runCommand(['/bin/sleep', '10'], { timeoutMs: 200 });
    expect(result.code).toBe(-1);
    expect(result.stderr).toContain('(killed after 200 ms)');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('with no time limit a command runs to its end', async () => {
    await expect(runCommand(['/bin/sh', '-c', 'sleep 0.1; echo done'], { timeoutMs: Infinity })).resolves.toEqual({ code: 0, stdout: 'done\n', stderr: '' });
  });

  test('a program that does not exist is exit code -1 with the reason, not a throw', async () => {
    const result = await runCommand(['/nonexistent/slipway-no-such-program']);
    expect(result.code).toBe(-1);
    expect(result.stderr).toContain('ENOENT');
  });
});
