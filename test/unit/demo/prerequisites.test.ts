import { describe, expect, test } from '@jest/globals';
import { ensurePrerequisites, type PrerequisiteHost } from '../../../demo/prerequisites.js';

// A machine on which `installed` binaries exist; apt-get "installs" what it is asked for.
function machine(installed: string[], isRoot: boolean, aptExit = 0) {
  const present = new Set(installed);
  const commands: string[] = [];
  const host: PrerequisiteHost = {
    findBinary: (name) => (present.has(name) ? `/usr/bin/${name}` : undefined),
    isRoot,
    run: async (command, args) => {
      commands.push([command, ...args].join(' '));
      if (aptExit === 0 && args[0] === 'install') for (const pkg of args.slice(1)) present.add(pkg);
      return aptExit;
    },
    say: () => {},
  };
  return { host, commands };
}

describe('demo prerequisites', () => {
  test('with every server installed nothing is run', async () => {
    const { host, commands } = machine(['docker-registry', 'prometheus', 'haproxy'], false);
    await ensurePrerequisites(host);
    expect(commands).toEqual([]);
  });

  test('without root it stops and prints the exact command for the missing packages only', async () => {
    const { host, commands } = machine(['docker-registry'], false);
    await expect(ensurePrerequisites(host)).rejects.toThrow('sudo apt-get update && apt-get install -y prometheus haproxy');
    expect(commands).toEqual([]);
  });

  test('as root it runs apt-get update, then installs the missing packages', async () => {
    const { host, commands } = machine(['haproxy'], true);
    await ensurePrerequisites(host);
    expect(commands).toEqual(['apt-get update', 'apt-get install -y --no-install-recommends docker-registry prometheus']);
  });

  test('a failing apt-get stops the demo and names the command', async () => {
    const { host } = machine([], true, 100);
    await expect(ensurePrerequisites(host)).rejects.toThrow('`apt-get update` failed with exit code 100');
  });
});
