import { commands } from './commands/index.js';
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2), commands, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
});
