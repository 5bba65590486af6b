import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RunContext } from '../../src/actions/common/context.js';
import { getInputs } from '../../src/actions/build-immutable-image/inputs.js';
import { buildDocker, buildPackage, type CommandRunner } from '../../src/core/artifact/build.js';
import { RegistryClient } from '../../src/core/artifact/client.js';
import { packDirectory } from '../../src/core/artifact/package.js';
import { InputError } from '../../src/core/errors.js';

// What the package builder must never put in an image, and what must be refused before anything
// is pushed: each test here fails when its protection is taken out.

const EPOCH = 1_700_000_000;
// What actions/checkout persists in .git/config (persist-credentials defaults to true).
const CHECKOUT_CONFIG = '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX2Zha2VmYWtlZmFrZQ==\n';

interface TarEntry {
  name: string;
  /** ustar typeflag: 0 file, 2 symlink, 5 directory. */
  type: string;
  linkTarget: string;
  content: Buffer;
}

/** The entries of a gzipped tar, PAX `path` records applied. */
function readLayer(path: string): TarEntry[] {
  const tar = gunzipSync(readFileSync(path));
  const entries: TarEntry[] = [];
  let paxPath: string | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const block = tar.subarray(at, at + 512);
    if (block.every((b) => b === 0)) break;
    const text = (offset: number, length: number) => block.subarray(offset, offset + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const content = tar.subarray(at + 512, at + 512 + size);
    const type = text(156, 1);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      paxPath = /\d+ path=(.*)\n/.exec(content.toString('utf8'))?.[1];
      continue;
    }
    const prefix = text(345, 155);
    entries.push({ name: paxPath ?? (prefix ? `${prefix}/` : '') + text(0, 100), type, linkTarget: text(157, 100), content });
    paxPath = undefined;
  }
  return entries;
}

/** Writes `files` (path → content) under `root`. */
function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

describe('the package builder packs only what it should', () => {
  let root: string;
  let count = 0;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-security-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A fresh directory holding `files`. */
  const tree = (files: Record<string, string>) => {
    const dir = join(root, `tree-${++count}`);
    writeFiles(dir, files);
    return dir;
  };
  const packToFile = (dir: string, options: { prefix?: string; allowExternalSymlinks?: boolean } = {}) =>
    packDirectory(dir, join(root, `layer-${++count}.tar.gz`), { mtime: EPOCH, prefix: 'app', ...options });
  const pack = async (dir: string, options: { prefix?: string; allowExternalSymlinks?: boolean } = {}) => readLayer((await packToFile(dir, options)).path);
  const names = (entries: TarEntry[]) => entries.map((e) => e.name);

  describe('.git', () => {
    test('no .git is packed at any depth (the checkout token in .git/config stays out), .gitignore and the like are', async () => {
      const dir = tree({
        'index.html': '<h1>shop</h1>',
        '.git/config': CHECKOUT_CONFIG,
        '.git/HEAD': 'ref: refs/heads/main\n',
        'vendor/lib/.git/config': CHECKOUT_CONFIG, // a nested checkout
        'modules/sub/.git': 'gitdir: ../../.git/modules/sub\n', // a submodule's .git file
        'modules/sub/main.js': 'run()',
        '.gitignore': 'node_modules\n',
      });
      const layer = await packToFile(dir);
      const entries = readLayer(layer.path);
      expect(names(entries).filter((name) => name.split('/').includes('.git'))).toEqual([]);
      expect(gunzipSync(readFileSync(layer.path)).toString('latin1')).not.toContain('AUTHORIZATION');
      expect(names(entries)).toEqual(['app/', 'app/.gitignore', 'app/index.html', 'app/modules/', 'app/modules/sub/', 'app/modules/sub/main.js', 'app/vendor/', 'app/vendor/lib/']);
    });

    test('a .git that .slipwayignore re-includes is still not packed', async () => {
      const dir = tree({ 'a.txt': 'a', '.git/config': CHECKOUT_CONFIG, '.slipwayignore': '!.git\n!.git/**\n' });
      expect(names(await pack(dir))).toEqual(['app/', 'app/a.txt']);
    });
  });

  describe('ignore files', () => {
    test('.slipwayignore (gitignore syntax) excludes what it names; the ignore files themselves are not packed', async () => {
      const dir = tree({
        '.slipwayignore': '# build leftovers\n*.log\n!keep.log\nsecrets/\n/coverage\n',
        '.dockerignore': 'index.html\n',
        'index.html': 'kept: .dockerignore is not read when .slipwayignore exists',
        'debug.log': 'x',
        'keep.log': 'x',
        'deep/trace.log': 'x',
        'secrets/key.pem': 'x',
        'coverage/lcov.info': 'x',
        'lib/coverage/kept.txt': 'anchored pattern: only the top coverage/',
      });
      expect(names(await pack(dir))).toEqual(['app/', 'app/deep/', 'app/index.html', 'app/keep.log', 'app/lib/', 'app/lib/coverage/', 'app/lib/coverage/kept.txt']);
    });

    test('.dockerignore applies when there is no .slipwayignore, with Docker\'s meaning: every pattern is anchored at the top', async () => {
      const dir = tree({
        '.dockerignore': '\uFEFF# comment\nnode_modules\n  *.md  \n./tmp/\n!NOTICE.md\n/.env\n',
        'node_modules/left/index.js': 'x',
        'lib/node_modules/kept/index.js': 'Docker anchors `node_modules` at the top, gitignore would not',
        'README.md': 'x',
        'NOTICE.md': 're-included',
        'docs/guide.md': 'kept: `*.md` is top-level only for Docker',
        'tmp/scratch': 'x',
        '.env': 'SECRET=1',
        'app.js': 'run()',
      });
      expect(names(await pack(dir))).toEqual([
        'app/', 'app/NOTICE.md', 'app/app.js', 'app/docs/', 'app/docs/guide.md', 'app/lib/', 'app/lib/node_modules/', 'app/lib/node_modules/kept/', 'app/lib/node_modules/kept/index.js',
      ]);
    });

    test('an excluded socket, FIFO or device is skipped rather than refused', async () => {
      const dir = tree({ 'a.txt': 'a', '.slipwayignore': 'run/\n' });
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(join(dir, 'run.sock'), resolve));
      try {
        await expect(pack(dir)).rejects.toThrow(/run\.sock is neither a file, a directory nor a symbolic link/);
        writeFileSync(join(dir, '.slipwayignore'), '*.sock\n');
        expect(names(await pack(dir))).toEqual(['app/', 'app/a.txt']);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('symbolic links', () => {
    test('a link that leaves the directory is refused, naming the link, its target and the fix', async () => {
      for (const target of ['/etc/passwd', '../outside.txt', '../../etc']) {
        const dir = tree({ 'index.html': 'x' });
        symlinkSync(target, join(dir, 'link'));
        await expect(pack(dir)).rejects.toThrow(`A symbolic link leads out of ${dir}: ${join(dir, 'link')} -> ${target}. Fix: point the link at a relative path inside the directory`);
      }
    });

    test('a link that leaves through another link is refused, though it looks inside when read alone', async () => {
      const dir = tree({ 'sub/file.txt': 'x' });
      symlinkSync('..', join(dir, 'sub/up')); // the top of the directory: inside
      symlinkSync('sub/up/..', join(dir, 'escape')); // reads as `sub`, resolves to the directory's parent
      await expect(pack(dir)).rejects.toThrow(`A symbolic link leads out of ${dir}: ${join(dir, 'escape')} -> sub/up/..`);
    });

    test('links inside the directory are packed as links, and a loop is not taken for an escape', async () => {
      const dir = tree({ 'index.html': 'x', 'assets/logo.svg': '<svg/>' });
      symlinkSync('index.html', join(dir, 'home.html'));
      symlinkSync('../index.html', join(dir, 'assets/index.html'));
      symlinkSync('loop-b', join(dir, 'loop-a'));
      symlinkSync('loop-a', join(dir, 'loop-b'));
      const links = (await pack(dir)).filter((e) => e.type === '2').map((e) => `${e.name} -> ${e.linkTarget}`);
      expect(links).toEqual(['app/assets/index.html -> ../index.html', 'app/home.html -> index.html', 'app/loop-a -> loop-b', 'app/loop-b -> loop-a']);
    });

    test('allowExternalSymlinks packs such a link as a link: the target is never followed, the digest stays deterministic', async () => {
      const outside = join(root, 'outside-secret.txt');
      writeFileSync(outside, 'OUTSIDE-SECRET');
      const dir = tree({ 'index.html': 'x' });
      symlinkSync(outside, join(dir, 'secret'));
      const entries = await pack(dir, { allowExternalSymlinks: true });
      expect(entries.find((e) => e.name === 'app/secret')).toMatchObject({ type: '2', linkTarget: outside, content: Buffer.alloc(0) });
      expect(entries.some((e) => e.content.toString('latin1').includes('OUTSIDE-SECRET'))).toBe(false);
      const first = await packToFile(dir, { allowExternalSymlinks: true });
      writeFileSync(outside, 'OTHER BYTES, SAME LINK');
      expect((await packToFile(dir, { allowExternalSymlinks: true })).digest).toBe(first.digest);
    });
  });

  describe('refused before anything is pushed', () => {
    let registry: Server;
    let requests: string[];
    beforeAll(async () => {
      registry = createServer((request, response) => {
        requests.push(`${request.method} ${request.url}`);
        response.writeHead(500).end();
      });
      await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise((resolve) => registry.close(resolve)));

    const build = (directory: string, extra: { prefix?: string; allowExternalSymlinks?: boolean } = {}) => {
      requests = [];
      const client = new RegistryClient({ registry: `127.0.0.1:${(registry.address() as AddressInfo).port}` });
      return buildPackage({ target: { client, repository: 'acme/app' }, directory, platform: { os: 'linux', architecture: 'amd64' }, sourceDateEpoch: EPOCH, created: '2023-11-14T22:13:20Z', labels: {}, tags: ['v1.0.0'], workDir: root, ...extra });
    };

    test('an external symlink: no request reaches the registry', async () => {
      const dir = tree({ 'index.html': 'x' });
      symlinkSync('/etc/shadow', join(dir, 'shadow'));
      await expect(build(dir)).rejects.toThrow(`${join(dir, 'shadow')} -> /etc/shadow`);
      expect(requests).toEqual([]);
    });

    test.each(['../../etc', '/app/../../etc', 'app\\..\\..\\etc'])('target-dir %j: no request reaches the registry', async (prefix) => {
      await expect(build(tree({ 'index.html': 'x' }), { prefix })).rejects.toThrow(`The target directory ${JSON.stringify(prefix)} is not a directory inside the image`);
      expect(requests).toEqual([]);
    });
  });
});

describe('build-immutable-image refuses paths that escape, naming the input, the value and the fix', () => {
  let workspace: string;
  let elsewhere: string;
  const context: RunContext = {
    owner: 'acme', repo: 'shop', apiUrl: 'https://api.github.com', serverUrl: 'https://github.com', eventName: 'push', runUrl: 'https://github.com/acme/shop/actions/runs/1', job: 'build',
    source: { sha: 'c0ffee'.repeat(6) + 'c0ff', ref: 'refs/heads/main', runId: 1, runAttempt: 1, actor: 'octocat', workflow: 'build' },
  };
  const saved = process.env.GITHUB_WORKSPACE;
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'slipway-workspace-'));
    elsewhere = mkdtempSync(join(tmpdir(), 'slipway-elsewhere-'));
    writeFiles(workspace, { 'dist/index.html': 'x', '.git/config': CHECKOUT_CONFIG });
    symlinkSync(elsewhere, join(workspace, 'linked'));
  });
  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
    if (saved === undefined) delete process.env.GITHUB_WORKSPACE;
    else process.env.GITHUB_WORKSPACE = saved;
  });

  const inputsWith = (inputs: Record<string, string>) => {
    process.env.GITHUB_WORKSPACE = workspace;
    for (const [name, value] of Object.entries({ image: 'ghcr.io/acme/shop', builder: 'package', ...inputs })) process.env[`INPUT_${name.toUpperCase()}`] = value;
    return () => getInputs(context);
  };
  const refusal = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      return error;
    }
    throw new Error('expected an InputError');
  };

  test('a path inside the workspace is taken, as its real path', () => {
    expect(inputsWith({ path: join(workspace, 'dist') })()).toMatchObject({ path: join(workspace, 'dist'), targetDir: '/app', allowExternalSymlinks: false });
  });

  test.each([
    ['a directory elsewhere', () => elsewhere],
    ['a link in the workspace to a directory elsewhere', () => join(workspace, 'linked')],
    ['the workspace\'s parent', () => join(workspace, '..')],
    ['.git', () => join(workspace, '.git')],
  ])('path: %s is refused', (_what, path) => {
    const error = refusal(inputsWith({ path: path() }));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: 'path', value: path() });
    expect((error as Error).message).toContain(`expected a directory inside the workspace ${workspace} and outside any \`.git\`. Fix: build the files into the checkout`);
  });

  test.each(['../../etc', 'app/../..', '..', 'C:\\..\\etc'])('target-dir %j is refused', (targetDir) => {
    const error = refusal(inputsWith({ path: join(workspace, 'dist'), 'target-dir': targetDir }));
    expect(error).toMatchObject({ input: 'target-dir', value: targetDir });
    expect((error as Error).message).toMatch(/expected a directory inside the image, `\/`-separated, without `\.\.` segments or backslashes\. Fix: name the directory the files go in, e.g. `\/app`/);
  });

  test('allow-external-symlinks is read as a boolean, false by default', () => {
    expect(inputsWith({ path: join(workspace, 'dist'), 'allow-external-symlinks': 'true' })()).toMatchObject({ allowExternalSymlinks: true });
    expect(refusal(inputsWith({ path: join(workspace, 'dist'), 'allow-external-symlinks': 'yes' }))).toMatchObject({ input: 'allow-external-symlinks', value: 'yes' });
  });
});

describe('the docker builder', () => {
  test('puts `--` before the build context, so a context that looks like a flag is read as a path', async () => {
    const calls: string[][] = [];
    const runner: CommandRunner = {
      async run(_command, args) {
        calls.push(args);
        return { exitCode: 1, stdout: '', stderr: 'recorded, not run' };
      },
    };
    const context = '--output=type=local,dest=/';
    await expect(buildDocker({ runner, target: { client: new RegistryClient({ registry: 'registry.invalid' }), repository: 'acme/app' }, context, platforms: ['linux/amd64'], labels: {}, sourceDateEpoch: EPOCH, tags: [], metadataFile: join(tmpdir(), 'unused.json') })).rejects.toThrow('docker buildx build failed');
    const args = calls[0];
    expect(args.slice(-2)).toEqual(['--', context]);
    expect(args.indexOf('--')).toBe(args.length - 2);
  });

  test('docker login gets the registry after `--`, the password on stdin only, and is undone after the build', async () => {
    const calls: { args: string[]; input?: Buffer }[] = [];
    const runner: CommandRunner = {
      async run(_command, args, options = {}) {
        calls.push({ args, input: options.input });
        return { exitCode: 1, stdout: '', stderr: 'recorded, not run' };
      },
    };
    const build = { runner, target: { client: new RegistryClient({ registry: 'registry.example:5000' }), repository: 'acme/app' }, credentials: { username: 'ci', password: 'login-pass-123' }, context: '.', platforms: ['linux/amd64'], labels: {}, sourceDateEpoch: EPOCH, tags: [], metadataFile: join(tmpdir(), 'unused.json') };
    await expect(buildDocker(build)).rejects.toThrow();
    expect(calls[0].args.slice(-2)).toEqual(['--', 'registry.example:5000']);
    expect(calls[0].args.join(' ')).not.toContain('login-pass-123');
    expect(calls[0].input?.toString()).toBe('login-pass-123');
    // Login "failed" here, so nothing else ran; with a login that works, the build fails and logout still runs.
    calls.length = 0;
    runner.run = async (_command, args, options = {}) => {
      calls.push({ args, input: options.input });
      return { exitCode: args[0] === 'login' || args[0] === 'logout' ? 0 : 1, stdout: '', stderr: 'recorded, not run' };
    };
    await expect(buildDocker(build)).rejects.toThrow('docker buildx build failed');
    expect(calls.map((call) => call.args[0])).toEqual(['login', 'buildx', 'logout']);
    expect(calls[2].args).toEqual(['logout', '--', 'registry.example:5000']);
  });
});
