import type { CliCommand } from '../command.js';

/** Every `slipway` sub-command. Add a command by adding its module to this list. */
export const commands: CliCommand[] = [];
