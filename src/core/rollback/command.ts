import { runCommand, tail } from '../process/index.js';

/** What a finished deploy command left: its exit code and the end of its output. */
export interface CommandResult {
  exitCode: number;
  output: string;
}

/** The port through which a rollback runs the user's deploy command (a shell line). */
export interface CommandRunner {
  run(command: string, env: Record<string, string>): Promise<CommandResult>;
}

/**
 * Runs the command with /bin/sh -c (the workflow author wrote a shell line), with the allow-listed
 * environment, the names in `passEnv` and `env` (docs/security.md); default timeout 15 minutes.
 */
export function shellCommandRunner(options: { passEnv?: readonly string[]; timeoutMs?: number } = {}): CommandRunner {
  return {
    async run(command, env) {
      const result = await runCommand(['/bin/sh', '-c', command], { env, passEnv: options.passEnv, timeoutMs: options.timeoutMs ?? 15 * 60_000 });
      return { exitCode: result.code, output: [result.stdout, tail(result.stderr, 20)].filter((s) => s.trim()).join('\n') };
    },
  };
}
