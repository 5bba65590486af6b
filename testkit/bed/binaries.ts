import { delimiter } from 'node:path';
import { findExecutable } from '../../src/core/process/executable.js';

const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/bin', '/usr/local/sbin'];

/** The absolute path of an executable on PATH (or the system dirs), or undefined. */
export function findBinary(name: string): string | undefined {
  return findExecutable(name, [process.env.PATH ?? '', ...SYSTEM_DIRS].join(delimiter));
}

/** Debian packages that provide the servers the tests run. */
const PACKAGE_OF: Record<string, string> = {
  prometheus: 'prometheus',
  haproxy: 'haproxy',
  nginx: 'nginx-light',
  'docker-registry': 'docker-registry',
  skopeo: 'skopeo',
  sshd: 'openssh-server',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
};

/** The absolute path of an executable the test bed needs; throws with the install command when it is missing. */
export function requireBinary(name: string): string {
  const path = findBinary(name);
  if (!path) throw new Error(`${name} is not installed: ${installCommand(name)}`);
  return path;
}

/** The Debian install command for the packages of one or more servers. */
export function installCommand(...names: string[]): string {
  return `apt-get install -y ${names.map(debianPackage).join(' ')}`;
}

/** The Debian package that provides a server's binary (the binary's own name when unknown). */
export function debianPackage(name: string): string {
  return PACKAGE_OF[name] ?? name;
}

/**
 * Whether the tests needing `name` can run. In CI (CI=true) a missing server is an error, never a
 * silent skip (house rule 2); on a developer's machine the suite is skipped with a note.
 */
export function serverAvailable(name: string): boolean {
  if (findBinary(name)) return true;
  const install = installCommand(name);
  if (process.env.CI === 'true') throw new Error(`${name} is not installed and CI requires it: ${install}`);
  console.warn(`skipping tests that need ${name}: not installed (${install})`);
  return false;
}
