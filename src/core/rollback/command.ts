import { spawn } from 'node:child_process';

/** What a finished command left: its exit code and its output (stdout and stderr, interleaved). */
export interface CommandResult {
  exitCode: number;
  output: string;
}

/** The port through which a rollback runs the user's deploy command (a shell line). */
export interface CommandRunner {
  run(command: string, env: Record<string, string>): Promise<CommandResult>;
}

/** Runs the command with /bin/sh -c, the process environment plus `env`; output is kept, not printed. */
export const shellCommandRunner: CommandRunner = {
  run(command, env) {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), output }));
    });
  },
};
