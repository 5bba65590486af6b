import { isIP } from 'node:net';
import { InputError } from '../errors.js';

/** Where a router host is reached: the `ssh:` block of the router settings. */
export interface SshSettings {
  /** DNS name or IP literal of the router host (IPv6 without brackets). */
  host: string;
  /** sshd's port (default 22). */
  port: number;
  /** The account the commands run as on the router host. */
  user: string;
}

const FIELDS = ['host', 'port', 'user'] as const;

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
export function parseSshSettings(value: unknown, setting = 'router.ssh'): SshSettings {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(setting, value, 'a mapping `{host, port, user}`', `e.g. \`ssh: {host: lb1.internal, port: 22, user: deploy}\``);
  }
  const raw = value as Record<string, unknown>;
  for (const field of Object.keys(raw)) {
    if (!(FIELDS as readonly string[]).includes(field)) {
      throw new InputError(`${setting}.${field}`, raw[field], `one of the ssh settings: ${FIELDS.join(', ')}`, 'remove or rename the field');
    }
  }
  return { host: readHost(setting, raw.host), port: readPort(setting, raw.port), user: readUser(setting, raw.user) };
}

function readHost(setting: string, value: unknown): string {
  const name = `${setting}.host`;
  if (value === undefined || value === null || value === '') throw new InputError(name, value, 'the router host: a DNS name or an IP address', `add \`host:\` to ${setting}, e.g. \`host: lb1.internal\``);
  const text = typeof value === 'string' ? value : '';
  const unbracketed = /^\[.*\]$/.test(text) ? text.slice(1, -1) : text;
  if (isIP(unbracketed) === 6) return unbracketed;
  if (isIP(text) === 4 || DNS_NAME.test(text)) return text;
  throw new InputError(name, value, 'a DNS name (letters, digits, `-` and `.`) or an IP address, without user or port', `e.g. \`host: lb1.internal\`; put the port in \`port:\` and the account in \`user:\``);
}

function readPort(setting: string, value: unknown): number {
  if (value === undefined || value === null) return 22;
  const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InputError(`${setting}.port`, value, 'a port number from 1 to 65535', 'e.g. `port: 22` (or leave it out for 22)');
  }
  return port;
}

function readUser(setting: string, value: unknown): string {
  const name = `${setting}.user`;
  if (value === undefined || value === null || value === '') throw new InputError(name, value, 'the account on the router host', `add \`user:\` to ${setting}, e.g. \`user: deploy\``);
  if (typeof value !== 'string' || !USER_NAME.test(value)) {
    throw new InputError(name, value, "a user name: at most 32 letters, digits, '.', '_' and '-', not starting with '-'", 'e.g. `user: deploy`');
  }
  return value;
}
