import type { CliCommand } from '../command.js';
import { doraCommand } from './dora.js';
import { historyCommand } from './history.js';
import { judgeCommand } from './judge.js';
import { packCommand } from './pack.js';
import { planCommand } from './plan.js';
import { routerCommand } from './router.js';

/** Every `slipway` sub-command. Add a command by adding its module to this list. */
export const commands: CliCommand[] = [judgeCommand, planCommand, historyCommand, doraCommand, packCommand, routerCommand];
