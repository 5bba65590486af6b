import { commands } from '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/main.js';

/** Runs `slipway <argv…>` in this process with `env`; its exit code and what it printed. */
export async function runSlipway(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(argv, commands, { out: (t) => (stdout += t), err: (t) => (stderr += t), env });
  return { exitCode, stdout, stderr };
}
