import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, SlipwayError } from '../errors.js';
import { registerSecret } from '../secrets/index.js';
import { SSH_KNOWN_HOSTS_INPUT, SSH_PRIVATE_KEY_INPUT, SshError } from './errors.js';

/** What ssh needs to log in and to know it reached the right host: the values of the two action inputs. */
export interface SshCredentials {
  /** The private key (OpenSSH or PEM text, no passphrase): the `ssh-private-key` input. */
  privateKey: string;
  /** known_hosts lines for the router host: the `ssh-known-hosts` input. */
  knownHosts: string;
}

/** The credentials as ssh reads them: two files in a private directory, removed by `remove`. */
export interface CredentialFiles {
  /** The private directory (0700) holding both files and the forwarded sockets. */
  dir: string;
  /** The private key (0600). */
  keyFile: string;
  /** The known_hosts file (0600). */
  knownHostsFile: string;
  /** Removes the directory and everything in it; safe to call twice. */
  remove(): void;
}

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
export function writeCredentialFiles(credentials: SshCredentials, tempRoot = tmpdir()): CredentialFiles {
  registerSecret(credentials.privateKey);
  const privateKey = checkPrivateKey(credentials.privateKey);
  const knownHosts = checkKnownHosts(credentials.knownHosts);
  if (!PLAIN_PATH.test(tempRoot)) {
    throw new SlipwayError(`The temp directory ${JSON.stringify(tempRoot)} holds characters ssh would misread in a file option (spaces, % or ~). Fix: point TMPDIR (or RUNNER_TEMP) at a path of letters, digits, '/', '.', '_' and '-'.`);
  }
  // mkdtemp makes the directory 0700: nobody else can list it, open the key or connect to a forwarded socket.
  const dir = mkdtempSync(join(tempRoot, 'slipway-ssh-'));
  const files: CredentialFiles = {
    dir,
    keyFile: join(dir, 'id'),
    knownHostsFile: join(dir, 'known_hosts'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  try {
    writeFileSync(files.keyFile, privateKey, { mode: 0o600, flag: 'wx' });
    writeFileSync(files.knownHostsFile, knownHosts, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    files.remove();
    throw error;
  }
  return files;
}

/** The key with LF line ends and a final newline: ssh refuses a key whose last line has no newline, which is how secrets often come back. */
function checkPrivateKey(value: string | undefined): string {
  if (value === undefined || value.trim() === '') {
    throw new InputError(SSH_PRIVATE_KEY_INPUT, value, 'the private key ssh logs in to the router host with', `store it in a secret and pass it: \`${SSH_PRIVATE_KEY_INPUT}: \${{ secrets.ROUTER_SSH_KEY }}\``);
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

function checkKnownHosts(value: string | undefined): string {
  const fix = `add the router host's key: the output of \`ssh-keyscan -p <port> <host>\`, checked against the fingerprint the host shows with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\``;
  const lines = (value ?? '').replace(/\r\n?/g, '\n').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length === 0) throw new InputError(SSH_KNOWN_HOSTS_INPUT, value, 'known_hosts lines for the router host (its key is always checked)', fix);
  for (const [index, line] of lines.entries()) {
    if (!KNOWN_HOSTS_LINE.test(line)) {
      throw new InputError(SSH_KNOWN_HOSTS_INPUT, line, `known_hosts lines \`<host> <key type> <base64 key>\` (line ${index + 1} is not one)`, fix);
    }
  }
  return `${lines.join('\n')}\n`;
}
