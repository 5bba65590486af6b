import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, crc32, createDeflateRaw } from 'node:zlib';
import { SlipwayError } from '../errors.js';

// Deterministic layer packing: the same directory contents give the same bytes on any machine,
// whatever the files' mtimes, creation order or the umask. The tar stream has its entries sorted
// by path, mtime = the commit time, uid/gid 0, empty user and group names and a fixed mode policy;
// the gzip member has no timestamp, no file name and OS byte 255 ("unknown", RFC 1952) so the
// host's OS leaves no trace. The raw deflate stream comes from zlib at a fixed level.

/** Options of `packDirectory`. */
export interface PackOptions {
  /** Seconds since the epoch written as every entry's mtime (the commit time). */
  mtime: number;
  /** Directory inside the image the files land in, e.g. `app` (default: the image root). */
  prefix?: string;
  /** zlib level (default 6). */
  level?: number;
}

/** A packed layer written to a file. */
export interface PackedLayer {
  /** The gzip file. */
  path: string;
  /** sha256 of the gzip bytes: the layer's digest in the manifest. */
  digest: string;
  /** Size of the gzip bytes. */
  size: number;
  /** sha256 of the uncompressed tar: the layer's diff_id in the config. */
  diffId: string;
}

interface Entry {
  /** Path in the archive; directories end with `/`. */
  name: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  source?: string;
  linkTarget?: string;
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/** Packs `dir` into a deterministic tar+gzip layer at `outputPath`. */
export async function packDirectory(dir: string, outputPath: string, options: PackOptions): Promise<PackedLayer> {
  const entries = await collectEntries(dir, normalisePrefix(options.prefix));
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let crc = 0;
  let tarSize = 0;
  let gzSize = 0;
  const tapTar = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      tarHash.update(chunk);
      crc = crc32(chunk, crc);
      tarSize += chunk.length;
      callback(null, chunk);
    },
  });
  const frame = (bytes: Buffer) => {
    gzHash.update(bytes);
    gzSize += bytes.length;
    return bytes;
  };
  const gzipFrame = new Transform({
    construct(callback) {
      this.push(frame(GZIP_HEADER));
      callback();
    },
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, frame(chunk));
    },
    flush(callback) {
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc >>> 0, 0);
      trailer.writeUInt32LE(tarSize % 2 ** 32, 4);
      callback(null, frame(trailer));
    },
  });
  await pipeline(
    Readable.from(tarStream(entries, options.mtime)),
    tapTar,
    createDeflateRaw({ level: options.level ?? 6, strategy: zlibConstants.Z_DEFAULT_STRATEGY }),
    gzipFrame,
    createWriteStream(outputPath),
  );
  return { path: outputPath, digest: `sha256:${gzHash.digest('hex')}`, size: gzSize, diffId: `sha256:${tarHash.digest('hex')}` };
}

/** The tar bytes of the entries, in order, file contents streamed. */
async function* tarStream(entries: Entry[], mtime: number): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    yield* headerBlocks(entry, mtime);
    if (entry.type !== 'file') continue;
    let read = 0;
    for await (const chunk of createReadStream(entry.source!) as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > entry.size) break;
      yield chunk;
    }
    if (read !== entry.size) throw new SlipwayError(`${entry.source} changed size while it was being packed (${entry.size} bytes before, ${read} now); pack a directory nothing writes to.`);
    if (entry.size % 512) yield Buffer.alloc(512 - (entry.size % 512));
  }
  yield Buffer.alloc(1024); // two zero blocks end the archive
}

/** The ustar header of an entry, preceded by a PAX header when the name does not fit ustar. */
function headerBlocks(entry: Entry, mtime: number): Buffer[] {
  const split = splitUstarName(entry.name);
  const linkFits = Buffer.byteLength(entry.linkTarget ?? '') <= 100;
  if (split && linkFits) return [ustarHeader(entry, mtime, split.name, split.prefix)];
  const records = [paxRecord('path', entry.name), ...(linkFits ? [] : [paxRecord('linkpath', entry.linkTarget!)])];
  const body = Buffer.concat(records);
  const paxHeader = ustarHeader({ name: '', type: 'file', mode: 0o644, size: body.length }, mtime, 'PaxHeader', '', 'x');
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  const short = entry.name.replace(/\/$/, '').split('/').pop()!.slice(0, 90);
  return [paxHeader, body, padding, ustarHeader({ ...entry, linkTarget: linkFits ? entry.linkTarget : '' }, mtime, short, '')];
}

function ustarHeader(entry: Entry, mtime: number, name: string, prefix: string, typeflag?: string): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  writeOctal(header, 100, 8, entry.mode);
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, entry.type === 'file' ? entry.size : 0);
  writeOctal(header, 136, 12, mtime);
  header.fill(' ', 148, 156); // checksum field counts as spaces while summing
  header.write(typeflag ?? { file: '0', symlink: '2', dir: '5' }[entry.type], 156, 1, 'ascii');
  if (entry.linkTarget) header.write(entry.linkTarget, 157, 100, 'utf8');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  // uname and gname (265, 297) stay empty; devmajor/devminor are zero.
  writeOctal(header, 329, 8, 0);
  writeOctal(header, 337, 8, 0);
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return header;
}

function writeOctal(header: Buffer, offset: number, width: number, value: number): void {
  const text = value.toString(8).padStart(width - 1, '0');
  if (text.length > width - 1) throw new SlipwayError(`A value of ${value} does not fit the tar header (files must be under 8 GiB).`);
  header.write(text + '\0', offset, width, 'ascii');
}

/** ustar keeps names up to 100 bytes, or 255 split at a `/` into prefix (155) and name (100). */
function splitUstarName(name: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return { name: rest, prefix };
  }
  return undefined;
}

/** A PAX record `"<len> key=value\n"`, whose length counts its own digits. */
function paxRecord(key: string, value: string): Buffer {
  const payload = ` ${key}=${value}\n`;
  const base = Buffer.byteLength(payload);
  let length = base + String(base).length;
  if (String(length).length !== String(base).length) length = base + String(length).length;
  return Buffer.from(`${length}${payload}`, 'utf8');
}

/** Every entry under `dir` (and the prefix directories), sorted by archive path. */
async function collectEntries(dir: string, prefix: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  const parts = prefix === '' ? [] : prefix.split('/');
  for (let i = 1; i <= parts.length; i++) entries.push({ name: `${parts.slice(0, i).join('/')}/`, type: 'dir', mode: 0o755, size: 0 });
  const walk = async (absolute: string, relative: string): Promise<void> => {
    for (const child of await readdir(absolute)) {
      const childAbsolute = join(absolute, child);
      const name = relative === '' ? child : posix.join(relative, child);
      const stat = await lstat(childAbsolute);
      if (stat.isDirectory()) {
        entries.push({ name: `${name}/`, type: 'dir', mode: 0o755, size: 0 });
        await walk(childAbsolute, name);
      } else if (stat.isFile()) {
        // Fixed modes: only "executable or not" survives, so umask and chmod habits do not matter.
        entries.push({ name, type: 'file', mode: stat.mode & 0o111 ? 0o755 : 0o644, size: stat.size, source: childAbsolute });
      } else if (stat.isSymbolicLink()) {
        entries.push({ name, type: 'symlink', mode: 0o777, size: 0, linkTarget: await readlink(childAbsolute) });
      } else {
        throw new SlipwayError(`${childAbsolute} is neither a file, a directory nor a symbolic link; remove it from the directory to pack.`);
      }
    }
  };
  await walk(dir, prefix);
  const key = (e: Entry) => Buffer.from(e.name.replace(/\/$/, ''), 'utf8');
  return entries.sort((a, b) => Buffer.compare(key(a), key(b)));
}

function normalisePrefix(prefix: string | undefined): string {
  return (prefix ?? '').split('/').filter((p) => p !== '' && p !== '.').join('/');
}
