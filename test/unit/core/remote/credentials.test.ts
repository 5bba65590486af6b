import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSshTransport, SshError } from '../../../../src/core/remote/index.js';
import { redact } from '../../../../src/core/secrets/index.js';

// A private key shaped like a real one (the transport checks its shape only; ssh reads it later).
const KEY = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACBbOGKhrsNx8l0Lb6V1uEhKTsWBJ1Eh3aSS2NT1fDrMXwAAAJgx8GkKMfBp', '-----END OPENSSH PRIVATE KEY-----'].join('\n');
const KNOWN_HOSTS = 'lb1.internal ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFs4YqGuw3HyXQtvpXW4SEpOxYEnUSHdpJLY1PV8OsxF';
const settings = { host: 'lb1.internal', port: 22, user: 'deploy' };

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));
const open = (privateKey: string, knownHosts = KNOWN_HOSTS) => {
  root = mkdtempSync(join(tmpdir(), 'slipway-credentials-'));
  return openSshTransport({ settings, privateKey, knownHosts, tempRoot: root });
};

describe('the SSH credentials', () => {
  test('a key with CRLF line ends and no final newline is written as ssh reads it, and registered as a secret', async () => {
    const transport = open(`\r\n${KEY.replace(/\n/g, '\r\n')}`);
    const [dir] = readdirSync(root);
    expect(readFileSync(join(root, dir, 'id'), 'utf8')).toBe(`${KEY}\n`);
    expect(readFileSync(join(root, dir, 'known_hosts'), 'utf8')).toBe(`${KNOWN_HOSTS}\n`);
    expect(redact(`leaked ${KEY.split('\n')[1]}`)).toBe('leaked ***');
    await transport.close();
    expect(readdirSync(root)).toEqual([]);
  });

  test.each([
    ['', "Input 'ssh-private-key' is missing: expected the private key ssh logs in to the router host with"],
    ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFs4YqGuw3HyXQtvpXW4SEpOxYEnUSHdpJLY1PV8OsxF deploy@ci', 'ssh-private-key holds a public key.'],
    [KEY.split('\n').slice(0, 3).join('\n'), 'ssh-private-key is not a private key: it must be the whole key'],
  ])('a key input %#  is refused, naming ssh-private-key, before any file is written', (value, message) => {
    expect(() => open(value)).toThrow(message);
    expect(readdirSync(root)).toEqual([]);
  });

  test('a truncated key is not quoted in the error', () => {
    const truncated = KEY.split('\n').slice(0, 3).join('\n');
    let error: unknown;
    try {
      open(truncated);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).setting).toBe('ssh-private-key');
    for (const line of truncated.split('\n').slice(1)) expect((error as Error).message).not.toContain(line);
  });

  test.each([
    ['', "Input 'ssh-known-hosts' is missing: expected known_hosts lines for the router host (its key is always checked). Fix: add the router host's key: the output of `ssh-keyscan -p <port> <host>`"],
    ['# only a comment\n', "Input 'ssh-known-hosts' has the value \"# only a comment\\n\": expected known_hosts lines for the router host"],
    [`${KNOWN_HOSTS}\nlb2.internal`, "Input 'ssh-known-hosts' has the value \"lb2.internal\": expected known_hosts lines `<host> <key type> <base64 key>` (line 2 is not one)"],
  ])('known hosts %p are refused naming ssh-known-hosts', (value, message) => {
    expect(() => open(KEY, value)).toThrow(message);
    expect(readdirSync(root)).toEqual([]);
  });

  test('a temp root ssh would misread is refused', () => {
    root = mkdtempSync(join(tmpdir(), 'slipway-credentials-'));
    expect(() => openSshTransport({ settings, privateKey: KEY, knownHosts: KNOWN_HOSTS, tempRoot: join(root, 'with space') })).toThrow('holds characters ssh would misread in a file option');
  });
});
