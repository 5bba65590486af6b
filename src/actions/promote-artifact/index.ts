import { runAction } from '../common/run.js';
import { main, post } from './main.js';

await runAction({ main: () => main(), post: () => post() });
