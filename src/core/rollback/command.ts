import { runCommand, tail } from '../traffic/exec.js';

/** What a finished deploy command left: its exit code and the end of its output. */
export interface CommandResult {
  exitCode: number;
  output: string;
}

/** The port through which a rollback runs the user's deploy command (a shell line). */
export interface CommandRunner {
  run(command: string, env: Record<string, string>): Promise<CommandResult>;
}

/** Runs the command with /bin/sh -c, the process environment plus `env`; default timeout 15 minutes. */
export function shellCommandRunner(timeoutMs = 15 * 60_000): CommandRunner {
  return {
    async run(command, env) {
      const result = await runCommand(['/bin/sh', '-c', command], { env: { ...process.env, ...env }, timeoutMs });
      return { exitCode: result.code, output: [result.stdout, tail(result.stderr, 20)].filter((s) => s.trim()).join('\n') };
    },
  };
}
