import { spawn } from 'node:child_process';

/** What a finished command left behind. */
export interface CommandResult {
  /** Exit code; -1 when it could not start or was killed on timeout. */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `argv` without a shell (no quoting surprises), feeding `input` on stdin. Never throws:
 * the caller turns a failure into its own message. Default timeout 30 s.
 */
export function runCommand(argv: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
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
