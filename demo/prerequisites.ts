import { spawn } from 'node:child_process';
import { SlipwayError } from '../src/core/errors.js';
import { debianPackage, findBinary, installCommand } from '../testkit/bed/binaries.js';

/** The servers the demo starts on this machine (each from its Debian package). */
export const DEMO_SERVERS = ['docker-registry', 'prometheus', 'haproxy'] as const;

/** What checking and installing needs from the machine (the real one by default; tests hand in their own). */
export interface PrerequisiteHost {
  /** Absolute path of an executable, or undefined. Default: findBinary (PATH and the system dirs). */
  findBinary(name: string): string | undefined;
  /** Whether this process may run apt-get. Default: uid 0. */
  isRoot: boolean;
  /** Runs a command with the output shown; resolves to its exit code. */
  run(command: string, args: string[]): Promise<number>;
  /** Says what is being done. */
  say(line: string): void;
}

/** The machine as it is. */
export function localHost(say: (line: string) => void): PrerequisiteHost {
  return {
    findBinary,
    isRoot: process.getuid?.() === 0,
    run: (command, args) =>
      new Promise((resolve) => {
        const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
        child.once('error', () => resolve(127));
        child.once('exit', (code) => resolve(code ?? 1));
      }),
    say,
  };
}

/**
 * Makes sure the demo's servers are installed. Missing ones are installed with apt-get when this
 * runs as root (what CI and a fresh container do); otherwise it stops before starting anything and
 * the error gives the exact command to run.
 */
export async function ensurePrerequisites(host: PrerequisiteHost, servers: readonly string[] = DEMO_SERVERS): Promise<void> {
  const missing = servers.filter((name) => host.findBinary(name) === undefined);
  if (missing.length === 0) return;
  const command = `apt-get update && ${installCommand(...missing)}`;
  if (!host.isRoot) {
    throw new SlipwayError(`The demo needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed. Install ${missing.length === 1 ? 'it' : 'them'} with:\n  sudo ${command}\nthen run \`npm run demo\` again.`);
  }
  host.say(`installing ${missing.map(debianPackage).join(', ')} (missing: ${missing.join(', ')})`);
  const steps: [string, string[]][] = [
    ['apt-get', ['update']],
    ['apt-get', ['install', '-y', '--no-install-recommends', ...missing.map(debianPackage)]],
  ];
  for (const [cmd, args] of steps) {
    const code = await host.run(cmd, args);
    if (code !== 0) throw new SlipwayError(`\`${cmd} ${args.join(' ')}\` failed with exit code ${code}; install the packages by hand (${command}) and run the demo again.`);
  }
  const still = servers.filter((name) => host.findBinary(name) === undefined);
  if (still.length > 0) throw new SlipwayError(`${still.join(', ')} still not found after installing; check \`${command}\` by hand.`);
}
