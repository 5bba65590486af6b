// The demo plan's deploy command (`deploy.run`, docs/demo.md): starts the release SLIPWAY_IMAGE_REF
// (config read back from the registry by SLIPWAY_DIGEST) in slot SLIPWAY_SLOT on
// SLIPWAY_SLOT_ADDRESS, replacing whatever serves that slot, and returns at once; the plan's ready
// URL says when it answers. argv: <directory of the slot processes> <pid of the demo>.
import { fileURLToPath } from 'node:url';
import { readRelease } from './releases.js';
import { replaceSlotProcess } from './slot-processes.js';

const [dir, demoPid] = process.argv.slice(2);
const { SLIPWAY_IMAGE_REF: ref, SLIPWAY_DIGEST: digest, SLIPWAY_SLOT: slot, SLIPWAY_SLOT_ADDRESS: address } = process.env;
if (!dir || !demoPid || !ref || !digest || !slot || !address) {
  process.stderr.write('usage: deploy-slot <slot process dir> <demo pid>, with SLIPWAY_IMAGE_REF, SLIPWAY_DIGEST, SLIPWAY_SLOT and SLIPWAY_SLOT_ADDRESS set\n');
  process.exit(2);
}
const config = await readRelease({ ref, digest });
// The slot's process runs TypeScript the way this one does (tsx's loader in execArgv).
const app = fileURLToPath(new URL('./slot-app.ts', import.meta.url));
const pid = await replaceSlotProcess(dir, slot, [process.execPath, ...process.execArgv, app, address, config.version, String(config.errorRate), demoPid]);
process.stdout.write(`${config.version} starting in slot ${slot} on ${address} (pid ${pid})\n`);
