import { SlipwayError } from '../errors.js';
import { redact } from '../secrets/index.js';
import type { SshSettings } from './settings.js';

/** The action inputs that carry the SSH credentials (their names in action.yml). */
export const SSH_PRIVATE_KEY_INPUT = 'ssh-private-key';
export const SSH_KNOWN_HOSTS_INPUT = 'ssh-known-hosts';

/** The router host could not be reached or refused us; `setting` names what to fix. */
export class SshError extends SlipwayError {
  override readonly name = 'SshError';
  constructor(
    message: string,
    /** The input or setting at fault: `ssh-known-hosts`, `ssh-private-key`, `router.ssh.host`… */
    readonly setting: string,
  ) {
    super(message);
  }
}

/** Characters of ssh's own words kept in a message. */
const STDERR_BUDGET = 600;

/** The last lines of ssh's error output, redacted and cut: for messages. */
export function sshWords(stderr: string): string {
  const lines = stderr
    .replace(/\r/g, '')
    .split('\n')
    .map((line) => line.trim())
    // The warning banner of a changed host key is a wall of '@'; its sentences follow it.
    .filter((line) => line !== '' && !/^@+$/.test(line) && !/^@+ .* @+$/.test(line));
  const text = redact(lines.slice(-6).join('\n'));
  return text.length > STDERR_BUDGET ? `…${text.slice(-STDERR_BUDGET)}` : text;
}

/**
 * What went wrong when ssh itself failed (exit 255 with one of its own messages), as an error
 * naming the setting or input to fix; undefined when the words are not ssh's (the remote command
 * exited 255 on its own).
 */
export function sshFailure(stderr: string, settings: SshSettings): SshError | undefined {
  const { host, port, user } = settings;
  const words = sshWords(stderr);
  const target = `${user}@${host} port ${port}`;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(stderr)) {
    return new SshError(
      `The router host ${host} port ${port} presented a host key that does not match ${SSH_KNOWN_HOSTS_INPUT} (ssh: ${words}). Nothing was run. Fix: if the host's key was changed on purpose, replace its line in ${SSH_KNOWN_HOSTS_INPUT} with the output of \`ssh-keyscan -p ${port} ${host}\` checked against the host's fingerprint; otherwise someone may be impersonating the host.`,
      SSH_KNOWN_HOSTS_INPUT,
    );
  }
  if (/host key is known for|Host key verification failed/.test(stderr)) {
    const name = port === 22 ? host : `[${host}]:${port}`;
    return new SshError(
      `${SSH_KNOWN_HOSTS_INPUT} has no key for the router host ${name} (ssh: ${words}). Nothing was run. Fix: add the line of \`ssh-keyscan -p ${port} ${host}\` to ${SSH_KNOWN_HOSTS_INPUT}, after checking its fingerprint on the host (\`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`); a non-standard port is written \`[host]:port\`.`,
      SSH_KNOWN_HOSTS_INPUT,
    );
  }
  if (/Load key .*: (invalid format|error in libcrypto|incorrect passphrase)/.test(stderr)) {
    return new SshError(
      `ssh could not load ${SSH_PRIVATE_KEY_INPUT} (ssh: ${words}). Fix: give the whole private key (with its BEGIN and END lines), not protected by a passphrase.`,
      SSH_PRIVATE_KEY_INPUT,
    );
  }
  if (/Permission denied \((publickey|password|keyboard-interactive|gssapi|hostbased)/.test(stderr)) {
    return new SshError(
      `The router host refused ${SSH_PRIVATE_KEY_INPUT} for ${target} (ssh: ${words}). Fix: add the public key of ${SSH_PRIVATE_KEY_INPUT} to ~${user}/.ssh/authorized_keys on ${host}, or set router.ssh.user to the account that has it.`,
      SSH_PRIVATE_KEY_INPUT,
    );
  }
  if (/Could not resolve hostname/.test(stderr)) {
    return new SshError(`Cannot resolve router.ssh.host ${host} (ssh: ${words}). Fix: set router.ssh.host to a name the runner can resolve, or to the host's IP address.`, 'router.ssh.host');
  }
  if (/connect to host .*: (Connection refused|Connection timed out|No route to host|Network is unreachable|Operation timed out)|Connection (closed|reset) by|kex_exchange_identification/.test(stderr)) {
    return new SshError(
      `Cannot connect to router.ssh.host ${host} on router.ssh.port ${port} (ssh: ${words}). Nothing was run. Fix: check router.ssh.host and router.ssh.port, that sshd runs there, and that the runner can reach it (a GitHub-hosted runner comes from the internet; a self-hosted one may be needed).`,
      'router.ssh.host',
    );
  }
  if (/^ssh: |Could not request local forwarding|administratively prohibited/m.test(stderr)) {
    return new SshError(`ssh to ${target} failed (ssh: ${words}). Fix: check router.ssh and that the router host's sshd allows this account to log in and forward.`, 'router.ssh');
  }
  return undefined;
}
