import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, type CliCommand } from '../command.js';

/**
 * `slipway pack`: the layer digest build-immutable-image's `package` builder makes of a directory,
 * computed locally. Running it on two machines (or two checkouts) shows the packing is
 * deterministic before anything is pushed.
 */
export const packCommand: CliCommand = {
  name: 'pack',
  summary: 'digest of the deterministic layer the package builder makes of a directory (nothing is pushed)',
  usage: `usage: slipway pack --path DIR [--target-dir /app] [--epoch SECONDS] [--out FILE] [--allow-external-symlinks]
  --path DIR          directory to pack (build-immutable-image's \`path\`)
  --target-dir DIR    where the files land in the image (default /app, as the action)
  --epoch SECONDS     commit time used as every mtime (default $SOURCE_DATE_EPOCH; get it with
                      \`git log -1 --format=%ct\`)
  --out FILE          keep the layer (tar+gzip) there instead of discarding it
  --allow-external-symlinks
                      pack links that lead out of DIR (the action's \`allow-external-symlinks\`)`,
  async run(args, io) {
    const flags = parseFlags(args, { values: ['path', 'target-dir', 'epoch', 'out'], flags: ['allow-external-symlinks'] });
    if (typeof flags.path !== 'string') throw new Error('--path is required: the directory to pack');
    if (!isDirectory(flags.path)) throw new Error(`--path ${flags.path}: not a directory`);
    const epochText = typeof flags.epoch === 'string' ? flags.epoch : io.env.SOURCE_DATE_EPOCH;
    if (!epochText || !/^\d+$/.test(epochText)) throw new Error('--epoch is required (or SOURCE_DATE_EPOCH): the commit time in seconds, e.g. `--epoch $(git log -1 --format=%ct)`');
    // The packer loads when this command runs, not whenever the CLI starts (docs/architecture.md, "Fast start").
    const { packDirectory } = await import('../../core/artifact/package.js');
    const scratch = typeof flags.out === 'string' ? undefined : mkdtempSync(join(tmpdir(), 'slipway-pack-'));
    try {
      const out = typeof flags.out === 'string' ? flags.out : join(scratch!, 'layer.tar.gz');
      const layer = await packDirectory(flags.path, out, { mtime: Number(epochText), prefix: typeof flags['target-dir'] === 'string' ? flags['target-dir'] : '/app', allowExternalSymlinks: flags['allow-external-symlinks'] === true });
      io.out(`digest  ${layer.digest}\ndiff_id ${layer.diffId}\nsize    ${layer.size}\n${scratch ? '' : `layer   ${out}\n`}`);
      return 0;
    } finally {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }
  },
};

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
