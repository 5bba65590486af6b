// `npm run demo [-- --rate N]`: the whole pipeline on this machine. The demo runs on the test kit
// (testkit/: a GitHub simulator, a registry, Prometheus, HAProxy), so it lives beside the CLI and
// is not part of the `slipway` bundle users install (docs/architecture.md).
import { runCli } from '../src/cli/main.js';
import { registerEnvironmentSecrets } from '../src/core/process/index.js';
import { demoCommand } from './command.js';

registerEnvironmentSecrets(process.env);

process.exitCode = await runCli(['demo', ...process.argv.slice(2)], [demoCommand], {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
});
