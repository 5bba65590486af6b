import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';

// Launcher of Debian's `docker-registry` (github.com/docker/distribution 2.8) on a free loopback
// port with its storage in a temp dir. The one way the tests, benchmarks and demo start a registry.

/** Token auth: the registry trusts tokens signed by the key of `rootCertPath` (see token-server.ts). */
export interface RegistryTokenAuth {
  realm: string;
  service: string;
  issuer: string;
  rootCertPath: string;
}

/** Options of `startRegistry`; default: anonymous access. */
export interface RegistryOptions {
  /** Basic auth: users and passwords written to an htpasswd file (bcrypt). */
  users?: Record<string, string>;
  /** Bearer-token auth (the ghcr.io / Docker Hub flow). Exclusive with `users`. */
  token?: RegistryTokenAuth;
}

/** One line of the registry's access log. */
export interface RegistryRequest {
  method: string;
  /** Path and query, e.g. /v2/app/blobs/uploads/?mount=sha256:…&from=base */
  uri: string;
  status: number;
}

/** A running registry. */
export interface RegistryServer {
  /** e.g. 127.0.0.1:41234 — the registry part of an image name. */
  host: string;
  /** http://127.0.0.1:41234 */
  url: string;
  /** The storage root (docker/registry/v2/… below it). */
  storageDir: string;
  /** Every request logged so far (from the access log), in order; the newest may not be logged yet. */
  requests(): RegistryRequest[];
  /** Every request served before this call, in order: waits until the access log has caught up. */
  settledRequests(): Promise<RegistryRequest[]>;
  /** Forgets every request served before this call (waiting for the access log to catch up first). */
  clearRequests(): Promise<void>;
  /** Kills the process at once (SIGKILL), as a crash would; storage is kept. */
  kill(): Promise<void>;
  /** Starts the process again on the same port and storage; waits until it answers. */
  restart(): Promise<void>;
  /** Stops the process and removes the temp dir. */
  stop(): Promise<void>;
}

/** Query of the marker requests that `settle` sends; never listed among the requests served. */
const SETTLE_MARKER = '/v2/?slipway-settle=';
const ACCESS_LINE = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /;

/** Starts a registry on a free loopback port; resolves once `/v2/` answers. */
export async function startRegistry(options: RegistryOptions = {}): Promise<RegistryServer> {
  const binary = requireBinary('docker-registry');
  const dir = mkdtempSync(join(tmpdir(), 'slipway-registry-'));
  const storageDir = join(dir, 'data');
  mkdirSync(storageDir);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  writeFileSync(join(dir, 'config.yml'), registryConfig(dir, storageDir, host, options));
  let requests: RegistryRequest[] = [];
  let child: ChildProcess | undefined;
  // The access log reaches stdout a moment after the response reaches the client, so a request
  // just answered may not be listed yet. A marker request, once logged, proves every earlier one is.
  let markers = 0;
  const settle = async () => {
    const marker = `${SETTLE_MARKER}${++markers}`;
    await fetch(`http://${host}${marker}`).then((r) => r.arrayBuffer());
    for (let waited = 0; !requests.some((r) => r.uri === marker); waited += 10) {
      if (waited > 5000) throw new Error(`docker-registry did not log ${marker} within 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    requests = requests.filter((r) => !r.uri.startsWith(SETTLE_MARKER));
  };

  const launch = async () => {
    const proc = spawn(binary, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let pending = '';
    // The access log (combined format) goes to stdout; the application log to stderr (ignored).
    proc.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = ACCESS_LINE.exec(line);
        if (match) requests.push({ method: match[1], uri: match[2], status: Number(match[3]) });
      }
    });
    proc.stderr!.resume();
    await waitUntilAnswering(`http://${host}/v2/`, proc);
  };
  const halt = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  await launch();
  return {
    host,
    url: `http://${host}`,
    storageDir,
    requests: () => requests.filter((r) => !r.uri.startsWith(SETTLE_MARKER)),
    settledRequests: async () => {
      await settle();
      return [...requests];
    },
    clearRequests: async () => {
      await settle();
      requests = [];
    },
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGKILL');
      await launch();
    },
    stop: async () => {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function registryConfig(dir: string, storageDir: string, host: string, options: RegistryOptions): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir}`,
    '  delete:',
    '    enabled: true',
    // Uploads left by a killed push must survive a restart (the purge would only run after a week).
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${host}`,
  ];
  if (options.users) {
    const htpasswd = join(dir, 'htpasswd');
    const entries = Object.entries(options.users).map(([user, password]) => `${user}:${bcrypt.hashSync(password, 4)}`);
    writeFileSync(htpasswd, entries.join('\n') + '\n');
    lines.push('auth:', '  htpasswd:', '    realm: slipway-test', `    path: ${htpasswd}`);
  } else if (options.token) {
    const t = options.token;
    lines.push('auth:', '  token:', `    realm: ${t.realm}`, `    service: ${t.service}`, `    issuer: ${t.issuer}`, `    rootcertbundle: ${t.rootCertPath}`);
  }
  return lines.join('\n') + '\n';
}

async function waitUntilAnswering(url: string, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`docker-registry exited with code ${proc.exitCode} before answering`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      return; // 200 anonymous, 401 with auth: either way it serves
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  proc.kill('SIGKILL');
  throw new Error(`docker-registry did not answer on ${url} within 15 s`);
}
