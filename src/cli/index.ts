import { commands } from './commands/index.js';
import { runCli } from './main.js';
import { registerEnvironmentSecrets } from '../core/process/index.js';

// A token or password in the environment never reaches an error message the CLI prints.
registerEnvironmentSecrets(process.env);

process.exitCode = await runCli(process.argv.slice(2), commands, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
});
