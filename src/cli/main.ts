import { errorMessage } from '../core/errors.js';
import { redact } from '../core/secrets/index.js';
import type { CliCommand, CliIO } from './command.js';

/** Runs `slipway <command> [args]` over the given commands; resolves to the exit code. */
export async function runCli(argv: string[], commands: CliCommand[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  const help = () =>
    `usage: slipway <command> [options]\n\ncommands:\n${commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}\n`;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`slipway: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.err(`slipway ${name}: ${redact(errorMessage(error))}\n`);
    return 1;
  }
}
