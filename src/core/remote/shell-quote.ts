// ssh joins its arguments with spaces into one command line that the remote user's login shell
// parses again, so `ssh host rm 'a b'` removes `a` and `b`. Each argument is therefore quoted for
// a POSIX shell before it leaves: inside single quotes nothing is special except the closing
// quote, which is written as `'\''` (close, an escaped quote, reopen). Arguments made only of
// characters no shell treats specially stay bare, so logs stay readable.

/** Characters that are literal in every position of a POSIX shell word (`=` and `~` are not: assignment, tilde expansion). */
const PLAIN = /^[A-Za-z0-9_/.,:+@%-]+$/;

/** `argument` as one word of a POSIX shell command line: it arrives unchanged, nothing in it runs. */
export function quoteForShell(argument: string): string {
  if (argument.includes('\0')) throw new Error('A command argument cannot contain a NUL character.');
  if (PLAIN.test(argument)) return argument;
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** `argv` as the one command line ssh sends: each argument quoted, joined by spaces. */
export function remoteCommandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('A remote command needs at least the program to run.');
  return argv.map(quoteForShell).join(' ');
}
