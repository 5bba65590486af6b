import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { childEnvironment, type ChildEnvironmentOptions } from './environment.js';

// The one way Slipway runs a command to completion: traffic providers (kubectl, nginx, a user's
// command), the rollback's deploy command, the docker and git calls of build-immutable-image, and
// the CLI's git. argv is never read by a shell; the environment is the allow-list (docs/security.md).

/** What a finished command left behind. */
export interface CommandResult {
  /** Exit code; -1 when it could not start or was killed on timeout. */
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run a command: its environment (see childEnvironment), directory, stdin and time limit. */
export interface RunOptions {
  /** Variables set for the command (the SLIPWAY_* its caller documents). */
  env?: ChildEnvironmentOptions['set'];
  /** Names passed through from the runner's environment (a provider's own and the user's `env:`). */
  passEnv?: ChildEnvironmentOptions['pass'];
  /** Working directory (default: this process's). */
  cwd?: string;
  /** Written to stdin, then stdin is closed (how secrets reach a command: never as arguments). */
  input?: string | Buffer;
  /** Default 30 000 ms; Infinity for none (a build, bounded by the job's own timeout). */
  timeoutMs?: number;
  /** Called with each whole line of output as it arrives (e.g. to show a build's progress in the log). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * Runs `argv` without a shell (no quoting surprises), feeding `input` on stdin, with an
 * allow-listed environment: never the runner's whole one (docs/security.md). Output is decoded as
 * a stream, so a character split across two chunks stays whole. Never throws: the caller turns a
 * failure into its own message.
 */
export function runCommand(argv: string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const env = childEnvironment({ pass: options.passEnv, set: options.env });
    const child = spawn(argv[0], argv.slice(1), { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const output = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      let partial = '';
      const take = (text: string, last: boolean) => {
        output[stream] += text;
        if (!options.onLine) return;
        const lines = (partial + text).split('\n');
        partial = lines.pop()!;
        if (last && partial !== '') lines.push(partial);
        for (const line of lines) options.onLine(line.replace(/\r$/, ''), stream);
      };
      child[stream].on('data', (chunk: Buffer) => take(decoder.write(chunk), false));
      child[stream].on('end', () => take(decoder.end(), true));
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          output.stderr += `\n(killed after ${timeoutMs} ms)`;
          child.kill('SIGKILL');
        }, timeoutMs)
      : undefined;
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout: output.stdout, stderr: output.stderr + error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, ...output });
    });
    child.stdin.on('error', () => {
      // The command exited without reading its input; its exit code tells the story.
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The last lines of a command's error output, for error messages. */
export function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
