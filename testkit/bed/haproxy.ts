import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { serverDir, startServerProcess } from './process.js';

/** The two versions behind the proxy (`host:port` each). */
export interface HaproxyLaunchOptions {
  blue: string;
  green: string;
  /** Initial weight of `green` in percent (default 0: all on blue). */
  greenWeight?: number;
  /** Also open the runtime API on a TCP port of 127.0.0.1 (default false). */
  tcpAdmin?: boolean;
}

/** A running HAProxy of the test bed: backend `app` with servers `blue` and `green`. */
export interface RunningHaproxy {
  /** The frontend, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** The runtime API unix socket. */
  socket: string;
  /** `127.0.0.1:<port>` of the TCP runtime API, when asked for. */
  tcpAdmin?: string;
  /** The ACL file whose entries route `x-canary: <entry>` to green. */
  routeAcl: string;
  /** haproxy router settings for a rollout from `stable` to `canary` (server names). */
  routerSettings(stable: 'blue' | 'green', canary: 'blue' | 'green'): Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Starts the Debian `haproxy` on a free loopback port with a config in a temp dir: one backend
 * balancing by weighted round-robin between `blue` and `green`, a runtime API socket at admin
 * level, and a header route (`x-canary` matching an entry of the route ACL goes to green).
 */
export async function startHaproxy(options: HaproxyLaunchOptions): Promise<RunningHaproxy> {
  const binary = requireBinary('haproxy');
  const dir = serverDir('haproxy');
  const port = await freePort();
  const socket = join(dir, 'admin.sock');
  const routeAcl = join(dir, 'canary-routes.acl');
  const tcpAdmin = options.tcpAdmin ? `127.0.0.1:${await freePort()}` : undefined;
  const greenWeight = options.greenWeight ?? 0;
  writeFileSync(routeAcl, '');
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    [
      'global',
      `  stats socket ${socket} mode 600 level admin`,
      ...(tcpAdmin ? [`  stats socket ipv4@${tcpAdmin} level admin`] : []),
      '  nbthread 2',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      '  timeout http-keep-alive 30s',
      'frontend web',
      `  bind 127.0.0.1:${port}`,
      '  default_backend app',
      'backend app',
      '  balance roundrobin',
      `  acl canary_route req.hdr(x-canary) -f ${routeAcl}`,
      '  use-server green if canary_route',
      `  server blue ${options.blue} weight ${100 - greenWeight}`,
      `  server green ${options.green} weight ${greenWeight}`,
      '',
    ].join('\n'),
  );
  const server = await startServerProcess('haproxy', binary, ['-f', join(dir, 'haproxy.cfg'), '-db'], dir, () => canConnect({ path: socket }));
  return {
    url: `http://127.0.0.1:${port}/`,
    socket,
    tcpAdmin,
    routeAcl,
    routerSettings: (stable, canary) => ({ socket, backend: 'app', stable, canary, routeAcl }),
    stop: server.stop,
  };
}

function canConnect(target: { path: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = connect(target, () => {
      connection.end();
      resolve(true);
    });
    connection.on('error', () => resolve(false));
  });
}
