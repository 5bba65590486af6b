import { afterAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../../../../testkit/bed/binaries.js';
import { quoteForShell, remoteCommandLine } from '../../../../src/core/remote/index.js';
import { runCommand } from '../../../../src/core/process/index.js';

// ssh hands the remote login shell one command line; these tests hand the same line to the local
// POSIX shells and check every argument comes back as it went in.

const shells = ['sh', 'bash', 'dash'].filter((shell) => findBinary(shell) !== undefined);

/** Strings a process argument can hold: no NUL, and valid UTF-16 (a lone surrogate cannot cross a process boundary). */
const argument = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0') && Buffer.from(s).toString() === s);
/** Strings made of the characters shells treat specially. */
const shellish = fc.string({ unit: fc.constantFrom(...`'"\\$\`;&|<>(){}[]*?~!#= \t\n-%@:,.a`.split('')), maxLength: 30 });

// Debian's bash reads ~/.bashrc when its stdin is a socket (as under sshd, and as runCommand's
// pipes are): an empty HOME keeps a developer's shell setup out of the measurement.
const emptyHome = mkdtempSync(join(tmpdir(), 'slipway-quote-home-'));
afterAll(() => rmSync(emptyHome, { recursive: true, force: true }));

async function echoedBy(shell: string, argv: string[]): Promise<string[]> {
  const result = await runCommand([shell, '-c', remoteCommandLine(['printf', '%s\\0', ...argv])], { env: { HOME: emptyHome } });
  expect(result.stderr).toBe('');
  return result.stdout.split('\0').slice(0, -1);
}

describe('quoting for the remote shell', () => {
  test.each([
    ['plain', 'plain'],
    ['/etc/nginx/conf.d/slipway.conf', '/etc/nginx/conf.d/slipway.conf'],
    ['two words', "'two words'"],
    ["it's", `'it'\\''s'`],
    ['', "''"],
    ['$(reboot)', "'$(reboot)'"],
    ['NAME=value', "'NAME=value'"],
    ['~', "'~'"],
  ])('%p is written %s', (value, quoted) => {
    expect(quoteForShell(value)).toBe(quoted);
  });

  test('a NUL character and an empty command are refused', () => {
    expect(() => quoteForShell('a\0b')).toThrow('A command argument cannot contain a NUL character.');
    expect(() => remoteCommandLine([])).toThrow('A remote command needs at least the program to run.');
  });

  test.each(shells)('%s gives back every argument unchanged, whatever it holds', async (shell) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(argument, shellish), { minLength: 1, maxLength: 6 }), async (argv) => {
        expect(await echoedBy(shell, argv)).toEqual(argv);
      }),
      { numRuns: 150 },
    );
  });
});
