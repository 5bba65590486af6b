import { zeroDowntimeSuite } from './zero-downtime.js';

zeroDowntimeSuite('nginx');
