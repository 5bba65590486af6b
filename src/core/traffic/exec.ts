import { spawn } from 'node:child_process';
import { childEnvironment, type ChildEnvironmentOptions } from '../process/index.js';

/** What a finished command left behind. */
export interface CommandResult {
  /** Exit code; -1 when it could not start or was killed on timeout. */
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run a command: its environment (see childEnvironment), stdin and time limit. */
export interface RunOptions {
  /** Variables set for the command (the SLIPWAY_* its caller documents). */
  env?: ChildEnvironmentOptions['set'];
  /** Names passed through from the runner's environment (a provider's own and the user's `env:`). */
  passEnv?: ChildEnvironmentOptions['pass'];
  input?: string;
  /** Default 30 000 ms. */
  timeoutMs?: number;
}

/**
 * Runs `argv` without a shell (no quoting surprises), feeding `input` on stdin, with an
 * allow-listed environment: never the runner's whole one (docs/security.md). Never throws: the
 * caller turns a failure into its own message.
 */
export function runCommand(argv: string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const env = childEnvironment({ pass: options.passEnv, set: options.env });
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Decoded as a stream, so a character split across two chunks stays whole.
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeoutMs ?? 30_000} ms)`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
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
