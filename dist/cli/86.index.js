export const id = 86;
export const ids = [86];
export const modules = {

/***/ 1086:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   packDirectory: () => (/* binding */ packDirectory)
/* harmony export */ });
/* unused harmony export targetDirSegments */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_4__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_5___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_5__);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_6___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_6__);
/* harmony import */ var ignore__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(298);
/* harmony import */ var ignore__WEBPACK_IMPORTED_MODULE_7___default = /*#__PURE__*/__webpack_require__.n(ignore__WEBPACK_IMPORTED_MODULE_7__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(4296);









const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
/**
 * Never packed, at any depth: actions/checkout persists the job's token in `.git/config`, a nested
 * checkout does the same, and a submodule's `.git` file only points into the parent's `.git`.
 */
const GIT_DIR = '.git';
/** Ignore files read at the top of the packed directory: the first one present applies. */
const IGNORE_FILES = ['.slipwayignore', '.dockerignore'];
/** Linux's limit on links followed in one lookup: past it the kernel fails (ELOOP) rather than go on. */
const MAX_LINK_HOPS = 40;
/** External links named in the refusal; the count covers the rest. */
const LINKS_NAMED = 10;
/** Packs `dir` into a deterministic tar+gzip layer at `outputPath`. */
async function packDirectory(dir, outputPath, options) {
    const prefix = targetDirSegments(options.prefix ?? '');
    if (!prefix)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_8__/* .SlipwayError */ .GQ(`The target directory ${JSON.stringify(options.prefix)} is not a directory inside the image (it has a \`..\` segment or a backslash); name one such as /app.`);
    const entries = await collectEntries(dir, prefix.join('/'), await readIgnoreRules(dir));
    if (!options.allowExternalSymlinks)
        refuseExternalSymlinks(dir, entries, prefix.length);
    const tarHash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    const gzHash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    let crc = 0;
    let tarSize = 0;
    let gzSize = 0;
    const tapTar = new node_stream__WEBPACK_IMPORTED_MODULE_4__.Transform({
        transform(chunk, _encoding, callback) {
            tarHash.update(chunk);
            crc = (0,node_zlib__WEBPACK_IMPORTED_MODULE_6__.crc32)(chunk, crc);
            tarSize += chunk.length;
            callback(null, chunk);
        },
    });
    const frame = (bytes) => {
        gzHash.update(bytes);
        gzSize += bytes.length;
        return bytes;
    };
    const gzipFrame = new node_stream__WEBPACK_IMPORTED_MODULE_4__.Transform({
        construct(callback) {
            this.push(frame(GZIP_HEADER));
            callback();
        },
        transform(chunk, _encoding, callback) {
            callback(null, frame(chunk));
        },
        flush(callback) {
            const trailer = Buffer.alloc(8);
            trailer.writeUInt32LE(crc >>> 0, 0);
            trailer.writeUInt32LE(tarSize % 2 ** 32, 4);
            callback(null, frame(trailer));
        },
    });
    await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_5__.pipeline)(node_stream__WEBPACK_IMPORTED_MODULE_4__.Readable.from(tarStream(entries, options.mtime)), tapTar, (0,node_zlib__WEBPACK_IMPORTED_MODULE_6__.createDeflateRaw)({ level: options.level ?? 6, strategy: node_zlib__WEBPACK_IMPORTED_MODULE_6__.constants.Z_DEFAULT_STRATEGY }), gzipFrame, (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.createWriteStream)(outputPath));
    return { path: outputPath, digest: `sha256:${gzHash.digest('hex')}`, size: gzSize, diffId: `sha256:${tarHash.digest('hex')}` };
}
/** The tar bytes of the entries, in order, file contents streamed. */
async function* tarStream(entries, mtime) {
    for (const entry of entries) {
        yield* headerBlocks(entry, mtime);
        if (entry.type !== 'file')
            continue;
        let read = 0;
        for await (const chunk of (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.createReadStream)(entry.source)) {
            read += chunk.length;
            if (read > entry.size)
                break;
            yield chunk;
        }
        if (read !== entry.size)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_8__/* .SlipwayError */ .GQ(`${entry.source} changed size while it was being packed (${entry.size} bytes before, ${read} now); pack a directory nothing writes to.`);
        if (entry.size % 512)
            yield Buffer.alloc(512 - (entry.size % 512));
    }
    yield Buffer.alloc(1024); // two zero blocks end the archive
}
/** The ustar header of an entry, preceded by a PAX header when the name does not fit ustar. */
function headerBlocks(entry, mtime) {
    const split = splitUstarName(entry.name);
    const linkFits = Buffer.byteLength(entry.linkTarget ?? '') <= 100;
    if (split && linkFits)
        return [ustarHeader(entry, mtime, split.name, split.prefix)];
    const records = [paxRecord('path', entry.name), ...(linkFits ? [] : [paxRecord('linkpath', entry.linkTarget)])];
    const body = Buffer.concat(records);
    const paxHeader = ustarHeader({ name: '', type: 'file', mode: 0o644, size: body.length }, mtime, 'PaxHeader', '', 'x');
    const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
    const short = entry.name.replace(/\/$/, '').split('/').pop().slice(0, 90);
    return [paxHeader, body, padding, ustarHeader({ ...entry, linkTarget: linkFits ? entry.linkTarget : '' }, mtime, short, '')];
}
function ustarHeader(entry, mtime, name, prefix, typeflag) {
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    writeOctal(header, 100, 8, entry.mode);
    writeOctal(header, 108, 8, 0); // uid
    writeOctal(header, 116, 8, 0); // gid
    writeOctal(header, 124, 12, entry.type === 'file' ? entry.size : 0);
    writeOctal(header, 136, 12, mtime);
    header.fill(' ', 148, 156); // checksum field counts as spaces while summing
    header.write(typeflag ?? { file: '0', symlink: '2', dir: '5' }[entry.type], 156, 1, 'ascii');
    if (entry.linkTarget)
        header.write(entry.linkTarget, 157, 100, 'utf8');
    header.write('ustar\0', 257, 6, 'ascii');
    header.write('00', 263, 2, 'ascii');
    // uname and gname (265, 297) stay empty; devmajor/devminor are zero.
    writeOctal(header, 329, 8, 0);
    writeOctal(header, 337, 8, 0);
    header.write(prefix, 345, 155, 'utf8');
    let sum = 0;
    for (const byte of header)
        sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    return header;
}
function writeOctal(header, offset, width, value) {
    const text = value.toString(8).padStart(width - 1, '0');
    if (text.length > width - 1)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_8__/* .SlipwayError */ .GQ(`A value of ${value} does not fit the tar header (files must be under 8 GiB).`);
    header.write(text + '\0', offset, width, 'ascii');
}
/** ustar keeps names up to 100 bytes, or 255 split at a `/` into prefix (155) and name (100). */
function splitUstarName(name) {
    if (Buffer.byteLength(name) <= 100)
        return { name, prefix: '' };
    for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
        const prefix = name.slice(0, i);
        const rest = name.slice(i + 1);
        if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '')
            return { name: rest, prefix };
    }
    return undefined;
}
/** A PAX record `"<len> key=value\n"`, whose length counts its own digits. */
function paxRecord(key, value) {
    const payload = ` ${key}=${value}\n`;
    const base = Buffer.byteLength(payload);
    let length = base + String(base).length;
    if (String(length).length !== String(base).length)
        length = base + String(length).length;
    return Buffer.from(`${length}${payload}`, 'utf8');
}
/**
 * The segments of `targetDir`, a `/`-separated directory inside the image where a leading `/` is
 * the image root; undefined when a `..` segment would climb out of the root, or a backslash would
 * be read as a separator by a Windows extractor.
 */
function targetDirSegments(targetDir) {
    if (targetDir.includes('\\'))
        return undefined;
    const segments = targetDir.split('/').filter((s) => s !== '' && s !== '.');
    return segments.includes('..') ? undefined : segments;
}
/** Every entry under `dir` (and the prefix directories) that `rules` keep, sorted by archive path. */
async function collectEntries(dir, prefix, rules) {
    const entries = [];
    const parts = prefix === '' ? [] : prefix.split('/');
    for (let i = 1; i <= parts.length; i++)
        entries.push({ name: `${parts.slice(0, i).join('/')}/`, type: 'dir', mode: 0o755, size: 0 });
    const walk = async (absolute, relative) => {
        for (const child of await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readdir)(absolute)) {
            if (child === GIT_DIR || (relative === '' && IGNORE_FILES.includes(child)))
                continue;
            const childAbsolute = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(absolute, child);
            const childRelative = relative === '' ? child : `${relative}/${child}`;
            const name = prefix === '' ? childRelative : `${prefix}/${childRelative}`;
            const stat = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.lstat)(childAbsolute);
            // A trailing `/` lets directory-only patterns (`build/`) match, as in git.
            if (rules.ignores(stat.isDirectory() ? `${childRelative}/` : childRelative))
                continue;
            if (stat.isDirectory()) {
                entries.push({ name: `${name}/`, type: 'dir', mode: 0o755, size: 0 });
                await walk(childAbsolute, childRelative);
            }
            else if (stat.isFile()) {
                // Fixed modes: only "executable or not" survives, so umask and chmod habits do not matter.
                entries.push({ name, type: 'file', mode: stat.mode & 0o111 ? 0o755 : 0o644, size: stat.size, source: childAbsolute });
            }
            else if (stat.isSymbolicLink()) {
                entries.push({ name, type: 'symlink', mode: 0o777, size: 0, source: childAbsolute, linkTarget: await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readlink)(childAbsolute) });
            }
            else {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_8__/* .SlipwayError */ .GQ(`${childAbsolute} is neither a file, a directory nor a symbolic link; remove it from the directory to pack, or exclude it in .slipwayignore.`);
            }
        }
    };
    await walk(dir, '');
    const key = (e) => Buffer.from(e.name.replace(/\/$/, ''), 'utf8');
    return entries.sort((a, b) => Buffer.compare(key(a), key(b)));
}
/**
 * The exclusion rules of the first ignore file present at the top of `dir` (none: nothing
 * excluded). Matching is case-sensitive, as git and Docker are on Linux.
 */
async function readIgnoreRules(dir) {
    const rules = ignore__WEBPACK_IMPORTED_MODULE_7___default()({ ignorecase: false });
    for (const file of IGNORE_FILES) {
        const text = await readIfPresent((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, file));
        if (text === undefined)
            continue;
        const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
        return rules.add(file === '.dockerignore' ? lines.flatMap(dockerignoreAsGitignore) : lines);
    }
    return rules;
}
async function readIfPresent(path) {
    try {
        return await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(path, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
}
/**
 * A .dockerignore line as the gitignore pattern that means the same: Docker trims the line, cleans
 * the path, and anchors every pattern at the context root (`node_modules` is only the top one),
 * where gitignore matches a slash-free pattern at any depth. Comments, blanks and patterns that
 * cannot match inside the directory give nothing.
 */
function dockerignoreAsGitignore(line) {
    if (line.startsWith('#'))
        return [];
    const trimmed = line.trim();
    const negated = trimmed.startsWith('!');
    const path = node_path__WEBPACK_IMPORTED_MODULE_3__.posix.normalize((negated ? trimmed.slice(1) : trimmed).trim()).replace(/^\/+|\/+$/g, '');
    if (path === '' || path === '.' || path === '..' || path.startsWith('../'))
        return [];
    return [`${negated ? '!' : ''}/${path}`];
}
/**
 * Refuses symbolic links that lead out of the packed directory: in the image they point at
 * whatever is there, which nobody reviewed as part of this directory. `prefixDepth` is the number
 * of target-dir segments in front of every entry name.
 */
function refuseExternalSymlinks(dir, entries, prefixDepth) {
    const inTree = (entry) => entry.name.split('/').slice(prefixDepth).join('/');
    const links = new Map(entries.filter((e) => e.type === 'symlink').map((e) => [inTree(e), e]));
    const external = [...links.entries()].filter(([path]) => leavesTree(path, links)).map(([, entry]) => `${entry.source} -> ${entry.linkTarget}`);
    if (external.length === 0)
        return;
    const named = external.slice(0, LINKS_NAMED).join(', ') + (external.length > LINKS_NAMED ? ` and ${external.length - LINKS_NAMED} more` : '');
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_8__/* .SlipwayError */ .GQ(`${external.length === 1 ? 'A symbolic link leads' : `${external.length} symbolic links lead`} out of ${dir}: ${named}. ` +
        'Fix: point the link at a relative path inside the directory, copy the file in, or exclude the link in .slipwayignore; ' +
        'if the image itself provides the target (e.g. from the base image), set `allow-external-symlinks: true` (slipway pack: `--allow-external-symlinks`).');
}
/**
 * Whether the link at `path` (relative to the packed directory) leads out of it, resolved the way
 * the kernel resolves it in the image: component by component, through the directory's other links.
 * An absolute target always leaves. A loop stays inside: the lookup fails before it gets anywhere.
 */
function leavesTree(path, links) {
    const resolved = [];
    const pending = path.split('/');
    for (let hops = 0; pending.length > 0;) {
        const segment = pending.shift();
        if (segment === '' || segment === '.')
            continue;
        if (segment === '..') {
            if (resolved.length === 0)
                return true;
            resolved.pop();
            continue;
        }
        const link = links.get([...resolved, segment].join('/'));
        if (!link) {
            resolved.push(segment);
            continue;
        }
        if (link.linkTarget.startsWith('/'))
            return true;
        if (++hops > MAX_LINK_HOPS)
            return false;
        pending.unshift(...link.linkTarget.split('/'));
    }
    return false;
}


/***/ })

};
