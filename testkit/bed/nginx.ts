import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderNginxInclude } from '../../src/core/traffic/nginx.js';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { serverDir, startServerProcess } from './process.js';

/** The two versions behind the proxy (`host:port` each). */
export interface NginxLaunchOptions {
  stable: string;
  canary: string;
  /** Worker processes (default 2, the cores of a CI machine). */
  workers?: number;
}

/** A running nginx of the test bed. */
export interface RunningNginx {
  /** The server, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** Its nginx.conf. */
  config: string;
  /** The Slipway-generated include file. */
  includeFile: string;
  /** nginx router settings driving this server. */
  routerSettings: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Starts the Debian `nginx` on a free loopback port with its config, pid and temp files in a temp
 * dir. nginx.conf includes the Slipway file in `http {}` and uses its variables the way a user's
 * config does (docs/traffic.md): `proxy_pass http://$slipway_upstream` and a mirror location that
 * forwards only when `$slipway_mirror` is set, marking copies with `X-Slipway-Mirror`.
 */
export async function startNginx(options: NginxLaunchOptions): Promise<RunningNginx> {
  const binary = requireBinary('nginx');
  const dir = serverDir('nginx');
  const port = await freePort();
  const config = join(dir, 'nginx.conf');
  const includeFile = join(dir, 'slipway-routing.conf');
  writeFileSync(includeFile, renderNginxInclude({ name: 'slipway', stable: options.stable, canary: options.canary, keepalive: 16 }, { canaryWeight: 0, headerRoutes: [], mirrorPercentage: 0 }));
  const upstreamKeepAlive = ['proxy_http_version 1.1;', 'proxy_set_header Connection "";'];
  writeFileSync(
    config,
    [
      'daemon off;',
      `worker_processes ${options.workers ?? 2};`,
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
      `  include ${includeFile};`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    location / {',
      '      mirror /_slipway_mirror;',
      ...upstreamKeepAlive.map((l) => `      ${l}`),
      '      proxy_pass http://$slipway_upstream;',
      '    }',
      '    location = /_slipway_mirror {',
      '      internal;',
      '      if ($slipway_mirror = "") { return 204; }',
      ...upstreamKeepAlive.map((l) => `      ${l}`),
      '      proxy_set_header X-Slipway-Mirror 1;',
      '      proxy_pass http://slipway_canary$request_uri;',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}/`;
  const server = await startServerProcess('nginx', binary, ['-c', config, '-p', dir], dir, async () => (await fetch(url)).status > 0);
  return { url, config, includeFile, routerSettings: { file: includeFile, stable: options.stable, canary: options.canary, config, nginx: binary, pid: join(dir, 'nginx.pid') }, stop: server.stop };
}
