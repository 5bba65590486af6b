export const id = 721;
export const ids = [721];
export const modules = {

/***/ 5447:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Y6: () => (/* reexport */ SSH_KNOWN_HOSTS_INPUT),
  Cz: () => (/* reexport */ SSH_PRIVATE_KEY_INPUT),
  DZ: () => (/* reexport */ SshError),
  Ys: () => (/* reexport */ openSshTransport),
  $o: () => (/* reexport */ parseSshSettings)
});

// UNUSED EXPORTS: SshTransport, quoteForShell, remoteCommandLine

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
;// CONCATENATED MODULE: ./src/core/remote/settings.ts


const FIELDS = ['host', 'port', 'user'];
// RFC 1123 host names: labels of letters, digits and '-', not starting or ending with '-', at most
// 63 characters each and 253 in all. A name that passes cannot start an ssh option ('-') nor
// carry a user (`@`), a port (`:`) or a second word.
const DNS_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
// POSIX's portable user name (letters, digits, '.', '_', '-', not starting with '-'), at most 32
// characters as useradd allows.
const USER_NAME = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}$/;
/**
 * Validates the `ssh:` block of the router settings (`{host, port, user}`; port defaults to 22,
 * unknown keys are refused). Every error names `<setting>.<field>`, the value, what was expected
 * and the fix, before any connection is made. `setting` names the block (default `router.ssh`).
 */
function parseSshSettings(value, setting = 'router.ssh') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new errors/* InputError */.dz(setting, value, 'a mapping `{host, port, user}`', `e.g. \`ssh: {host: lb1.internal, port: 22, user: deploy}\``);
    }
    const raw = value;
    for (const field of Object.keys(raw)) {
        if (!FIELDS.includes(field)) {
            throw new errors/* InputError */.dz(`${setting}.${field}`, raw[field], `one of the ssh settings: ${FIELDS.join(', ')}`, 'remove or rename the field');
        }
    }
    return { host: readHost(setting, raw.host), port: readPort(setting, raw.port), user: readUser(setting, raw.user) };
}
function readHost(setting, value) {
    const name = `${setting}.host`;
    if (value === undefined || value === null || value === '')
        throw new errors/* InputError */.dz(name, value, 'the router host: a DNS name or an IP address', `add \`host:\` to ${setting}, e.g. \`host: lb1.internal\``);
    const text = typeof value === 'string' ? value : '';
    const unbracketed = /^\[.*\]$/.test(text) ? text.slice(1, -1) : text;
    if ((0,external_node_net_.isIP)(unbracketed) === 6)
        return unbracketed;
    if ((0,external_node_net_.isIP)(text) === 4 || DNS_NAME.test(text))
        return text;
    throw new errors/* InputError */.dz(name, value, 'a DNS name (letters, digits, `-` and `.`) or an IP address, without user or port', `e.g. \`host: lb1.internal\`; put the port in \`port:\` and the account in \`user:\``);
}
function readPort(setting, value) {
    if (value === undefined || value === null)
        return 22;
    const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new errors/* InputError */.dz(`${setting}.port`, value, 'a port number from 1 to 65535', 'e.g. `port: 22` (or leave it out for 22)');
    }
    return port;
}
function readUser(setting, value) {
    const name = `${setting}.user`;
    if (value === undefined || value === null || value === '')
        throw new errors/* InputError */.dz(name, value, 'the account on the router host', `add \`user:\` to ${setting}, e.g. \`user: deploy\``);
    if (typeof value !== 'string' || !USER_NAME.test(value)) {
        throw new errors/* InputError */.dz(name, value, "a user name: at most 32 letters, digits, '.', '_' and '-', not starting with '-'", 'e.g. `user: deploy`');
    }
    return value;
}

// EXTERNAL MODULE: ./src/core/secrets/index.ts + 1 modules
var secrets = __webpack_require__(4492);
;// CONCATENATED MODULE: ./src/core/remote/errors.ts


/** The action inputs that carry the SSH credentials (their names in action.yml). */
const SSH_PRIVATE_KEY_INPUT = 'ssh-private-key';
const SSH_KNOWN_HOSTS_INPUT = 'ssh-known-hosts';
/** The router host could not be reached or refused us; `setting` names what to fix. */
class SshError extends errors/* SlipwayError */.GQ {
    setting;
    name = 'SshError';
    constructor(message, 
    /** The input or setting at fault: `ssh-known-hosts`, `ssh-private-key`, `router.ssh.host`… */
    setting) {
        super(message);
        this.setting = setting;
    }
}
/** Characters of ssh's own words kept in a message. */
const STDERR_BUDGET = 600;
/** The last lines of ssh's error output, redacted and cut: for messages. */
function sshWords(stderr) {
    const lines = stderr
        .replace(/\r/g, '')
        .split('\n')
        .map((line) => line.trim())
        // The warning banner of a changed host key is a wall of '@'; its sentences follow it.
        .filter((line) => line !== '' && !/^@+$/.test(line) && !/^@+ .* @+$/.test(line));
    const text = (0,secrets/* redact */.E$)(lines.slice(-6).join('\n'));
    return text.length > STDERR_BUDGET ? `…${text.slice(-STDERR_BUDGET)}` : text;
}
/**
 * What went wrong when ssh itself failed (exit 255 with one of its own messages), as an error
 * naming the setting or input to fix; undefined when the words are not ssh's (the remote command
 * exited 255 on its own).
 */
function sshFailure(stderr, settings) {
    const { host, port, user } = settings;
    const words = sshWords(stderr);
    const target = `${user}@${host} port ${port}`;
    if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(stderr)) {
        return new SshError(`The router host ${host} port ${port} presented a host key that does not match ${SSH_KNOWN_HOSTS_INPUT} (ssh: ${words}). Nothing was run. Fix: if the host's key was changed on purpose, replace its line in ${SSH_KNOWN_HOSTS_INPUT} with the output of \`ssh-keyscan -p ${port} ${host}\` checked against the host's fingerprint; otherwise someone may be impersonating the host.`, SSH_KNOWN_HOSTS_INPUT);
    }
    if (/host key is known for|Host key verification failed/.test(stderr)) {
        const name = port === 22 ? host : `[${host}]:${port}`;
        return new SshError(`${SSH_KNOWN_HOSTS_INPUT} has no key for the router host ${name} (ssh: ${words}). Nothing was run. Fix: add the line of \`ssh-keyscan -p ${port} ${host}\` to ${SSH_KNOWN_HOSTS_INPUT}, after checking its fingerprint on the host (\`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`); a non-standard port is written \`[host]:port\`.`, SSH_KNOWN_HOSTS_INPUT);
    }
    if (/Load key .*: (invalid format|error in libcrypto|incorrect passphrase)/.test(stderr)) {
        return new SshError(`ssh could not load ${SSH_PRIVATE_KEY_INPUT} (ssh: ${words}). Fix: give the whole private key (with its BEGIN and END lines), not protected by a passphrase.`, SSH_PRIVATE_KEY_INPUT);
    }
    if (/Permission denied \((publickey|password|keyboard-interactive|gssapi|hostbased)/.test(stderr)) {
        return new SshError(`The router host refused ${SSH_PRIVATE_KEY_INPUT} for ${target} (ssh: ${words}). Fix: add the public key of ${SSH_PRIVATE_KEY_INPUT} to ~${user}/.ssh/authorized_keys on ${host}, or set router.ssh.user to the account that has it.`, SSH_PRIVATE_KEY_INPUT);
    }
    if (/Could not resolve hostname/.test(stderr)) {
        return new SshError(`Cannot resolve router.ssh.host ${host} (ssh: ${words}). Fix: set router.ssh.host to a name the runner can resolve, or to the host's IP address.`, 'router.ssh.host');
    }
    if (/connect to host .*: (Connection refused|Connection timed out|No route to host|Network is unreachable|Operation timed out)|Connection (closed|reset) by|kex_exchange_identification/.test(stderr)) {
        return new SshError(`Cannot connect to router.ssh.host ${host} on router.ssh.port ${port} (ssh: ${words}). Nothing was run. Fix: check router.ssh.host and router.ssh.port, that sshd runs there, and that the runner can reach it (a GitHub-hosted runner comes from the internet; a self-hosted one may be needed).`, 'router.ssh.host');
    }
    if (/^ssh: |Could not request local forwarding|administratively prohibited/m.test(stderr)) {
        return new SshError(`ssh to ${target} failed (ssh: ${words}). Fix: check router.ssh and that the router host's sshd allows this account to log in and forward.`, 'router.ssh');
    }
    return undefined;
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/core/process/index.ts + 4 modules
var core_process = __webpack_require__(1707);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/core/remote/credentials.ts






// ssh reads these paths from `-i` and `-o UserKnownHostsFile=`, where whitespace separates
// several files and `%` and `~` are expanded; a temp root made of plain characters cannot be misread.
const PLAIN_PATH = /^[A-Za-z0-9/._-]+$/;
// known_hosts(5): an optional @marker, host patterns, key type, base64 key, optional comment.
const KNOWN_HOSTS_LINE = /^(@[a-z-]+\s+)?\S+\s+[A-Za-z0-9@.-]+\s+[A-Za-z0-9+/]+={0,2}(\s.*)?$/;
/**
 * Registers the private key with the redaction boundary (so no log, status or message can show
 * it), then writes it and the known hosts into a fresh private directory under `tempRoot`
 * (default: the system temp dir; the actions pass RUNNER_TEMP). The key is never put on a
 * command line nor in an environment variable: ssh reads it from the 0600 file.
 */
function writeCredentialFiles(credentials, tempRoot = (0,external_node_os_.tmpdir)()) {
    (0,secrets/* registerSecret */.cl)(credentials.privateKey);
    const privateKey = checkPrivateKey(credentials.privateKey);
    const knownHosts = checkKnownHosts(credentials.knownHosts);
    if (!PLAIN_PATH.test(tempRoot)) {
        throw new errors/* SlipwayError */.GQ(`The temp directory ${JSON.stringify(tempRoot)} holds characters ssh would misread in a file option (spaces, % or ~). Fix: point TMPDIR (or RUNNER_TEMP) at a path of letters, digits, '/', '.', '_' and '-'.`);
    }
    // mkdtemp makes the directory 0700: nobody else can list it, open the key or connect to a forwarded socket.
    const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(tempRoot, 'slipway-ssh-'));
    const files = {
        dir,
        keyFile: (0,external_node_path_.join)(dir, 'id'),
        knownHostsFile: (0,external_node_path_.join)(dir, 'known_hosts'),
        remove: () => (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true }),
    };
    try {
        (0,external_node_fs_.writeFileSync)(files.keyFile, privateKey, { mode: 0o600, flag: 'wx' });
        (0,external_node_fs_.writeFileSync)(files.knownHostsFile, knownHosts, { mode: 0o600, flag: 'wx' });
    }
    catch (error) {
        files.remove();
        throw error;
    }
    return files;
}
/** The key with LF line ends and a final newline: ssh refuses a key whose last line has no newline, which is how secrets often come back. */
function checkPrivateKey(value) {
    if (value === undefined || value.trim() === '') {
        throw new errors/* InputError */.dz(SSH_PRIVATE_KEY_INPUT, value, 'the private key ssh logs in to the router host with', `store it in a secret and pass it: \`${SSH_PRIVATE_KEY_INPUT}: \${{ secrets.ROUTER_SSH_KEY }}\``);
    }
    const key = value.replace(/\r\n?/g, '\n').trim();
    // The value is never quoted here, even cut: a near-key is still a secret.
    if (/^(ssh|ecdsa-sha2|sk-)[a-z0-9@.-]* AAAA/.test(key)) {
        throw new SshError(`${SSH_PRIVATE_KEY_INPUT} holds a public key. Fix: give the private key (the file without .pub, starting with -----BEGIN OPENSSH PRIVATE KEY-----); its public half goes into authorized_keys on the router host.`, SSH_PRIVATE_KEY_INPUT);
    }
    if (!/^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z0-9 ]*PRIVATE KEY-----$/.test(key)) {
        throw new SshError(`${SSH_PRIVATE_KEY_INPUT} is not a private key: it must be the whole key, from its -----BEGIN … PRIVATE KEY----- line to its -----END … PRIVATE KEY----- line (its value is not shown). Fix: paste the whole key file into the secret.`, SSH_PRIVATE_KEY_INPUT);
    }
    return `${key}\n`;
}
function checkKnownHosts(value) {
    const fix = `add the router host's key: the output of \`ssh-keyscan -p <port> <host>\`, checked against the fingerprint the host shows with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\``;
    const lines = (value ?? '').replace(/\r\n?/g, '\n').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    if (lines.length === 0)
        throw new errors/* InputError */.dz(SSH_KNOWN_HOSTS_INPUT, value, 'known_hosts lines for the router host (its key is always checked)', fix);
    for (const [index, line] of lines.entries()) {
        if (!KNOWN_HOSTS_LINE.test(line)) {
            throw new errors/* InputError */.dz(SSH_KNOWN_HOSTS_INPUT, line, `known_hosts lines \`<host> <key type> <base64 key>\` (line ${index + 1} is not one)`, fix);
        }
    }
    return `${lines.join('\n')}\n`;
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./src/core/remote/forward.ts




/**
 * Starts `argv` (an `ssh -N -L <path>:<remote>` command) and waits until `path` accepts a
 * connection (polling every 50 ms) or the process exits, for at most `timeoutMs`.
 */
async function startForward(argv, path, timeoutMs) {
    const child = (0,external_node_child_process_.spawn)(argv[0], argv.slice(1), { env: (0,core_process/* childEnvironment */.Qc)(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-8000)));
    let spawnError = '';
    child.on('error', (error) => (spawnError = error.message));
    const exited = new Promise((resolve) => child.once('close', () => resolve()));
    const forward = { path, close: closer(child, exited, path) };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (spawnError !== '' || child.exitCode !== null || child.signalCode !== null) {
            await exited;
            (0,external_node_fs_.rmSync)(path, { force: true });
            return { ok: false, stderr: stderr + spawnError, code: child.exitCode ?? -1 };
        }
        if (await accepts(path))
            return { ok: true, forward, child };
        if (Date.now() > deadline) {
            await forward.close();
            return { ok: false, stderr: `${stderr}\n(the forwarded socket did not accept connections within ${timeoutMs} ms)`, code: -1 };
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}
function closer(child, exited, path) {
    let closing;
    return () => (closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.kill('SIGTERM');
            await exited;
            clearTimeout(kill);
        }
        (0,external_node_fs_.rmSync)(path, { force: true });
    })());
}
function accepts(path) {
    return new Promise((resolve) => {
        const socket = (0,external_node_net_.connect)({ path }, () => {
            socket.end();
            resolve(true);
        });
        socket.on('error', () => resolve(false));
    });
}

;// CONCATENATED MODULE: ./src/core/remote/shell-quote.ts
// ssh joins its arguments with spaces into one command line that the remote user's login shell
// parses again, so `ssh host rm 'a b'` removes `a` and `b`. Each argument is therefore quoted for
// a POSIX shell before it leaves: inside single quotes nothing is special except the closing
// quote, which is written as `'\''` (close, an escaped quote, reopen). Arguments made only of
// characters no shell treats specially stay bare, so logs stay readable.
/** Characters that are literal in every position of a POSIX shell word (`=` and `~` are not: assignment, tilde expansion). */
const PLAIN = /^[A-Za-z0-9_/.,:+@%-]+$/;
/** `argument` as one word of a POSIX shell command line: it arrives unchanged, nothing in it runs. */
function quoteForShell(argument) {
    if (argument.includes('\0'))
        throw new Error('A command argument cannot contain a NUL character.');
    if (PLAIN.test(argument))
        return argument;
    return `'${argument.replaceAll("'", `'\\''`)}'`;
}
/** `argv` as the one command line ssh sends: each argument quoted, joined by spaces. */
function remoteCommandLine(argv) {
    if (argv.length === 0)
        throw new Error('A remote command needs at least the program to run.');
    return argv.map(quoteForShell).join(' ');
}

;// CONCATENATED MODULE: ./src/core/remote/transport.ts








// The longest local socket path a Unix socket address holds (sun_path is 108 bytes on Linux).
const MAX_SOCKET_PATH = 100;
// Writes stdin to a temp name beside the target and renames it over the target: rename is atomic
// within a directory, so a reader (nginx reloading, a script) sees the old file or the new one,
// never half. The temp file starts as a copy of the target so the new file keeps its mode and
// owner; it is hidden and keeps no extension, so an `include *.conf` never loads it.
const WRITE_FILE_SCRIPT = [
    'case "$1" in */*) dir="${1%/*}/" ;; *) dir= ;; esac',
    'tmp="$dir.${1##*/}.slipway-$$"',
    'trap \'rm -f -- "$tmp"\' EXIT',
    'if [ -e "$1" ]; then cp -p -- "$1" "$tmp" 2>/dev/null || :; fi',
    'cat > "$tmp" && mv -f -- "$tmp" "$1"',
].join('\n');
// Exit codes of the socket check before a forward starts.
const NO_SOCKET = 3;
const SOCKET_NOT_WRITABLE = 4;
const SOCKET_CHECK_SCRIPT = `[ -S "$1" ] || exit ${NO_SOCKET}; [ -w "$1" ] || exit ${SOCKET_NOT_WRITABLE}`;
/**
 * Runs commands, moves files and forwards sockets on the router host through the system OpenSSH
 * client. The host key is always checked against `ssh-known-hosts`, only `ssh-private-key` is
 * offered, no user configuration or agent is read, and the key lives in a 0600 file in a private
 * directory until `close`. Make one with `openSshTransport`.
 */
class SshTransport {
    settings;
    files;
    sshBinary;
    connectTimeoutSeconds;
    type = 'ssh';
    forwards = new Map();
    forwardCount = 0;
    closed = false;
    // A process that exits without close (a crash, process.exit) still removes the key and ends its forwards.
    onExit = () => this.cleanUpNow();
    constructor(settings, files, sshBinary, connectTimeoutSeconds) {
        this.settings = settings;
        this.files = files;
        this.sshBinary = sshBinary;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
        process.once('exit', this.onExit);
    }
    /** `user@host:port`, for messages. */
    describe() {
        return `${this.settings.user}@${this.settings.host}:${this.settings.port}`;
    }
    /**
     * Checks, before anything changes, that the key can be read and the router host reached,
     * recognised by its host key and logged in to (it runs `true` there). Throws an SshError naming
     * the input or setting to fix.
     */
    async check() {
        const key = await (0,core_process/* runCommand */.d1)(['ssh-keygen', '-y', '-P', '', '-f', this.files.keyFile], { timeoutMs: 10_000 });
        if (key.code !== 0 && !/ENOENT/.test(key.stderr)) {
            throw new SshError(`ssh cannot use ${SSH_PRIVATE_KEY_INPUT} (ssh-keygen: ${sshWords(key.stderr)}). Fix: give the whole private key with its BEGIN and END lines, without a passphrase (ssh runs unattended).`, SSH_PRIVATE_KEY_INPUT);
        }
        const result = await this.run(['true']);
        if (result.code !== 0)
            throw new SshError(`Logged in to ${this.describe()}, but \`true\` exited ${result.code} there: ${sshWords(result.stderr)}. Fix: give router.ssh.user a working POSIX login shell.`, 'router.ssh.user');
    }
    /**
     * Runs `argv` on the router host: each argument is quoted for the remote POSIX shell, so it
     * arrives as written and nothing in it runs. Resolves with the remote exit code and output
     * (code -1 on a timeout); throws an SshError when ssh itself failed (unknown host key, refused
     * key, unreachable host).
     */
    async run(argv, options = {}) {
        this.assertOpen();
        const result = await (0,core_process/* runCommand */.d1)([...this.sshArgv(['-T']), remoteCommandLine(argv)], { input: options.input, timeoutMs: options.timeoutMs });
        this.throwIfSshFailed(result);
        return result;
    }
    /** Replaces `path` on the router host with `contents` atomically (temp file beside it, then `mv`), keeping its mode. */
    async writeFile(path, contents) {
        checkRemotePath(path);
        const result = await this.run(['sh', '-c', WRITE_FILE_SCRIPT, 'slipway-write-file', path], { input: contents });
        if (result.code !== 0) {
            throw new errors/* SlipwayError */.GQ(`Cannot write ${path} on ${this.settings.host} (exit ${result.code}): ${(0,secrets/* redact */.E$)((0,core_process/* tail */.RT)(result.stderr))}. Fix: let ${this.settings.user} write to that file and its directory.`);
        }
    }
    /** The text of `path` on the router host. */
    async readFile(path) {
        checkRemotePath(path);
        const result = await this.run(['cat', '--', path]);
        if (result.code !== 0)
            throw new errors/* SlipwayError */.GQ(`Cannot read ${path} on ${this.settings.host} (exit ${result.code}): ${(0,secrets/* redact */.E$)((0,core_process/* tail */.RT)(result.stderr))}.`);
        return result.stdout;
    }
    /**
     * A local Unix socket that reaches the Unix socket `remotePath` on the router host (OpenSSH
     * streamlocal forwarding, `ssh -N -L <local>:<remote>`), ready when this resolves: HAProxy's
     * runtime API is spoken through it unchanged. The local socket lives in the private directory.
     */
    async forwardUnixSocket(remotePath) {
        checkRemotePath(remotePath);
        if (remotePath.includes(':'))
            throw new errors/* SlipwayError */.GQ(`The socket path ${JSON.stringify(remotePath)} holds ':', which ssh -L reads as a separator. Fix: use a socket path without ':'.`);
        const check = await this.run(['sh', '-c', SOCKET_CHECK_SCRIPT, 'slipway-socket-check', remotePath]);
        if (check.code === NO_SOCKET)
            throw new errors/* SlipwayError */.GQ(`There is no socket at ${remotePath} on ${this.settings.host}. Fix: check the socket path, and that the server behind it runs.`);
        if (check.code === SOCKET_NOT_WRITABLE) {
            throw new errors/* SlipwayError */.GQ(`${this.settings.user} may not connect to ${remotePath} on ${this.settings.host}. Fix: give the socket a group ${this.settings.user} is in (HAProxy: \`stats socket ${remotePath} mode 660 group <group> level admin\`).`);
        }
        if (check.code !== 0)
            throw new errors/* SlipwayError */.GQ(`Cannot check ${remotePath} on ${this.settings.host} (exit ${check.code}): ${(0,secrets/* redact */.E$)((0,core_process/* tail */.RT)(check.stderr))}.`);
        const local = (0,external_node_path_.join)(this.files.dir, `forward-${++this.forwardCount}.sock`);
        if (local.length > MAX_SOCKET_PATH)
            throw new errors/* SlipwayError */.GQ(`The local socket path ${local} is longer than a Unix socket address allows. Fix: point TMPDIR (or RUNNER_TEMP) at a shorter path.`);
        const started = await startForward(this.sshArgv(['-N', '-T', '-o', 'ExitOnForwardFailure=yes', '-o', 'StreamLocalBindMask=0177', '-L', `${local}:${remotePath}`]), local, (this.connectTimeoutSeconds + 10) * 1000);
        if (!started.ok) {
            this.throwIfSshFailed({ code: 255, stdout: '', stderr: started.stderr });
            throw new errors/* SlipwayError */.GQ(`Cannot forward ${remotePath} from ${this.describe()} (exit ${started.code}): ${sshWords(started.stderr)}.`);
        }
        const { forward, child } = started;
        this.forwards.set(forward, child);
        return {
            path: forward.path,
            close: async () => {
                this.forwards.delete(forward);
                await forward.close();
            },
        };
    }
    /** Ends every forward and removes the private directory with the key; safe to call twice. */
    async close() {
        if (this.closed)
            return;
        this.closed = true;
        await Promise.all([...this.forwards.keys()].map((forward) => forward.close()));
        this.forwards.clear();
        this.files.remove();
        process.removeListener('exit', this.onExit);
    }
    cleanUpNow() {
        for (const child of this.forwards.values())
            child.kill('SIGKILL');
        this.files.remove();
    }
    assertOpen() {
        if (this.closed)
            throw new errors/* SlipwayError */.GQ(`The SSH transport to ${this.describe()} was closed.`);
    }
    /** ssh with the options that make it safe unattended, `mode` options, `--`, then the destination. */
    sshArgv(mode) {
        const { host, port, user } = this.settings;
        const option = (setting) => ['-o', setting];
        return [
            this.sshBinary,
            // No user or system configuration: only what is written here applies.
            '-F', '/dev/null',
            ...option('BatchMode=yes'),
            ...option('StrictHostKeyChecking=yes'),
            ...option(`UserKnownHostsFile=${this.files.knownHostsFile}`),
            ...option('GlobalKnownHostsFile=/dev/null'),
            ...option('UpdateHostKeys=no'),
            ...option('IdentitiesOnly=yes'),
            ...option('IdentityAgent=none'),
            '-i', this.files.keyFile,
            ...option('PasswordAuthentication=no'),
            ...option('KbdInteractiveAuthentication=no'),
            ...option(`ConnectTimeout=${this.connectTimeoutSeconds}`),
            ...option('ServerAliveInterval=15'),
            ...option('ServerAliveCountMax=3'),
            ...option('ControlMaster=no'),
            ...option('ControlPath=none'),
            ...option('LogLevel=ERROR'),
            '-p', String(port),
            ...mode,
            '--',
            `${user}@${host}`,
        ];
    }
    throwIfSshFailed(result) {
        if (result.code === -1 && /ENOENT/.test(result.stderr)) {
            throw new SshError(`The OpenSSH client (${this.sshBinary}) is not installed on the runner. Fix: install it (\`apt-get install -y openssh-client\`); GitHub-hosted runners have it.`, 'router.ssh');
        }
        if (result.code !== 255)
            return;
        const failure = sshFailure(result.stderr, this.settings);
        if (failure)
            throw failure;
    }
}
/**
 * Opens an SSH transport to the router host: registers the private key as a secret and writes the
 * credentials into a private directory (see writeCredentialFiles). Nothing is contacted yet; call
 * `check()` to validate before anything happens, and `close()` when done.
 */
function openSshTransport(options) {
    const files = writeCredentialFiles(options, options.tempRoot);
    return new SshTransport(options.settings, files, options.sshBinary ?? 'ssh', options.connectTimeoutSeconds ?? 10);
}
function checkRemotePath(path) {
    if (path === '' || path.includes('\0') || path.includes('\n'))
        throw new errors/* SlipwayError */.GQ(`${JSON.stringify(path)} is not a usable path on the router host. Fix: give a file path without newlines.`);
}

;// CONCATENATED MODULE: ./src/core/remote/index.ts






/***/ }),

/***/ 8327:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ SshRouterHost),
/* harmony export */   L: () => (/* binding */ LOCAL_HOST)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);
/* harmony import */ var _process_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1707);
/* harmony import */ var _secrets_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4492);
/* harmony import */ var _nginx_workers_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4611);





/** This machine: the behaviour of every router without `ssh:`. */
const LOCAL_HOST = {
    where: 'local',
    remote: false,
    run: (argv, options = {}) => (0,_process_index_js__WEBPACK_IMPORTED_MODULE_2__/* .runCommand */ .d1)([...argv], { env: options.env, passEnv: options.passEnv, input: options.input, timeoutMs: options.timeoutMs }),
    readFile: async (path) => ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(path) ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(path, 'utf8') : undefined),
    async writeFile(path, text) {
        const temp = `${path}.slipway-tmp`;
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(temp, text);
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.renameSync)(temp, path);
    },
    removeFile: async (path) => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(path, { force: true }),
    reachSocket: async (socket) => socket,
    async nginxWorkers(pidFile) {
        const master = (0,_nginx_workers_js__WEBPACK_IMPORTED_MODULE_4__/* .masterPid */ .W_)(pidFile);
        return { master, workers: master ? (0,_nginx_workers_js__WEBPACK_IMPORTED_MODULE_4__/* .acceptingWorkers */ .wi)(master) : new Set() };
    },
};
// Exit code of READ_FILE_SCRIPT for a missing file (cat's own failures exit 1).
const NO_FILE = 3;
const READ_FILE_SCRIPT = `[ -e "$1" ] || exit ${NO_FILE}; exec cat -- "$1"`;
// The remote twin of nginx-workers.ts, one SSH connection per look: the master's pid from the pid
// file, then every child of it whose title says it is a worker that is not shutting down. Field 4
// of /proc/<pid>/stat (the ppid) follows the parenthesised command name, which may hold spaces;
// `read` is a builtin, so looking at every process starts none.
const NGINX_WORKERS_SCRIPT = [
    'master=$(cat -- "$1" 2>/dev/null) || exit 0',
    'case "$master" in ""|*[!0-9]*) exit 0 ;; esac',
    'echo "master $master"',
    'for dir in /proc/[0-9]*; do',
    '  read -r stat 2>/dev/null < "$dir/stat" || continue',
    '  set -- ${stat##*) }',
    '  [ "$2" = "$master" ] || continue',
    '  title=$(tr "\\000" " " < "$dir/cmdline" 2>/dev/null) || continue',
    '  case "$title" in *"shutting down"*) ;; *"worker process"*) echo "worker ${dir#/proc/}" ;; esac',
    'done',
].join('\n');
/**
 * The router host reached through an SSH transport (src/core/remote): commands run there with
 * their arguments quoted for its shell, files are written with a temp file and `mv`, HAProxy's
 * socket is forwarded. A remote command gets its SLIPWAY_* variables through `env`, and no
 * variable of the runner.
 */
class SshRouterHost {
    transport;
    remote = true;
    forwards = new Map();
    constructor(transport) {
        this.transport = transport;
    }
    get where() {
        return this.transport.describe();
    }
    run(argv, options = {}) {
        if ((options.passEnv ?? []).length > 0) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`A command on the router host ${this.where} cannot get the runner's variables (${options.passEnv.join(', ')}). Fix: drop router.env and set them on the router host.`);
        }
        const env = Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`);
        return this.transport.run(env.length > 0 ? ['env', ...env, ...argv] : argv, { input: options.input, timeoutMs: options.timeoutMs });
    }
    async readFile(path) {
        const result = await this.transport.run(['sh', '-c', READ_FILE_SCRIPT, 'slipway-read-file', path]);
        if (result.code === NO_FILE)
            return undefined;
        if (result.code !== 0)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`Cannot read ${path} on ${this.where} (exit ${result.code}): ${(0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)((0,_process_index_js__WEBPACK_IMPORTED_MODULE_2__/* .tail */ .RT)(result.stderr))}.`);
        return result.stdout;
    }
    writeFile(path, text) {
        return this.transport.writeFile(path, text);
    }
    async removeFile(path) {
        const result = await this.transport.run(['rm', '-f', '--', path]);
        if (result.code !== 0)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`Cannot remove ${path} on ${this.where} (exit ${result.code}): ${(0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)((0,_process_index_js__WEBPACK_IMPORTED_MODULE_2__/* .tail */ .RT)(result.stderr))}.`);
    }
    reachSocket(socket) {
        let forward = this.forwards.get(socket);
        if (!forward) {
            forward = this.transport.forwardUnixSocket(socket).then((forwarded) => forwarded.path);
            // A failed forward is tried afresh next time, not remembered.
            forward.catch(() => this.forwards.delete(socket));
            this.forwards.set(socket, forward);
        }
        return forward;
    }
    async nginxWorkers(pidFile) {
        const result = await this.transport.run(['sh', '-c', NGINX_WORKERS_SCRIPT, 'slipway-nginx-workers', pidFile]);
        const snapshot = { workers: new Set() };
        if (result.code !== 0)
            return snapshot;
        for (const line of result.stdout.split('\n')) {
            const [kind, pid] = line.split(' ');
            if (kind === 'master')
                snapshot.master = Number(pid);
            if (kind === 'worker')
                snapshot.workers.add(Number(pid));
        }
        return snapshot;
    }
}


/***/ }),

/***/ 4611:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W_: () => (/* binding */ masterPid),
/* harmony export */   fN: () => (/* binding */ pidFileOf),
/* harmony export */   oO: () => (/* binding */ waitForNewWorkers),
/* harmony export */   wi: () => (/* binding */ acceptingWorkers)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);

// After `nginx -s reload` returns, the master has only been signalled: it still has to read the
// config, start new workers and tell the old ones to stop accepting. Until then requests are
// routed the old way. On Linux the switch is visible in /proc: old workers retitle themselves
// "worker process is shutting down". Elsewhere (no /proc, no pid file) there is nothing to watch.
/** The pid in nginx's pid file, or undefined when it cannot be read. */
function masterPid(pidFile) {
    try {
        const pid = Number((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(pidFile, 'utf8').trim());
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    }
    catch {
        return undefined;
    }
}
/** Pids of the master's worker processes that still accept requests. */
function acceptingWorkers(master) {
    const workers = new Set();
    let entries;
    try {
        entries = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)('/proc').filter((e) => /^\d+$/.test(e));
    }
    catch {
        return workers;
    }
    for (const entry of entries) {
        try {
            const stat = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`/proc/${entry}/stat`, 'utf8');
            // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            if (ppid !== master)
                continue;
            const title = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`/proc/${entry}/cmdline`, 'utf8');
            if (title.includes('worker process') && !title.includes('shutting down'))
                workers.add(Number(entry));
        }
        catch {
            // The process exited while we looked.
        }
    }
    return workers;
}
/**
 * Waits until none of `before` accepts requests any more and a new worker does, looking with
 * `look` (the accepting workers now, on whichever host nginx runs): the reload is then in force
 * for every new request. Gives up quietly after `timeoutMs` (default 10 s).
 */
async function waitForNewWorkers(look, before, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const now = await look();
        if (now.size > 0 && [...now].every((pid) => !before.has(pid)))
            return true;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
}
/** The `pid` directive of an nginx.conf (nginx's default /run/nginx.pid when it has none). */
function pidFileOf(configText) {
    const match = configText ? /^\s*pid\s+([^;\s]+)\s*;/m.exec(configText) : null;
    return match ? match[1] : '/run/nginx.pid';
}


/***/ })

};
