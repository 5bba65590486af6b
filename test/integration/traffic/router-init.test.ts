import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../../testkit/bed/app.js';
import { requireBinary, serverAvailable } from '../../../testkit/bed/binaries.js';
import { freePort } from '../../../testkit/bed/ports.js';
import { serverDir, startServerProcess, type ServerProcess } from '../../../testkit/bed/process.js';
import { startSshd, type RunningSshd } from '../../../testkit/bed/sshd.js';
import { runSlipway } from '../../support/cli.js';
import { measure } from './stack.js';

// `slipway router init`, the first step of an nginx or HAProxy that does not use Slipway yet,
// run against real servers whose configuration was written without Slipway, through a real sshd
// (the router host) and locally.

const available = ['sshd', 'haproxy', 'nginx'].every((server) => serverAvailable(server));
const suite = available ? describe : describe.skip;

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

suite('slipway router init', () => {
  let sshd: RunningSshd;
  let blue: RunningApp;
  let green: RunningApp;
  let sshEnv: NodeJS.ProcessEnv;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    [sshd, blue, green] = await Promise.all([startSshd(), startApp({ version: 'v1' }), startApp({ version: 'v2' })]);
    sshEnv = { SLIPWAY_SSH_PRIVATE_KEY: sshd.privateKey, SLIPWAY_SSH_KNOWN_HOSTS: sshd.knownHosts };
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all([sshd?.stop(), blue?.stop(), green?.stop()]);
  });

  test(
    "over SSH, writes nginx's first routing file, so that a config that did not use Slipway adds the include, passes nginx -t and serves stable",
    async () => {
      const nginx = requireBinary('nginx');
      const dir = serverDir('nginx');
      const port = await freePort();
      const config = join(dir, 'nginx.conf');
      const file = join(dir, 'slipway-routing.conf');
      const before = ['daemon off;', 'worker_processes 1;', `pid ${join(dir, 'nginx.pid')};`, `error_log ${join(dir, 'error.log')} warn;`, 'events { worker_connections 64; }', 'http {', '  access_log off;'];
      const server = ['  server {', `    listen 127.0.0.1:${port};`, '    location / {'];
      const after = ['    }', '  }', '}', ''];
      // The user's config as it is today: nginx proxies to the one version it knows.
      writeFileSync(config, [...before, ...server, `      proxy_pass http://${blue.address};`, ...after].join('\n'));
      const router = JSON.stringify({ provider: 'nginx', file, stable: blue.address, canary: green.address, config, nginx, ssh: sshd.settings });

      const first = await runSlipway(['router', 'init', '--router', router], sshEnv);
      expect(first.stderr).toBe('');
      expect(first.stdout).toContain(`Wrote ${file} on ${sshd.user}@127.0.0.1:${sshd.port}: all traffic on the stable version ${blue.address}.`);
      expect(first.stdout).toContain(`add \`include ${file};\` inside \`http { }\`, route with \`proxy_pass http://$slipway_upstream;\``);
      expect(first.exitCode).toBe(1);

      // The user follows the instructions: the include line and the proxy_pass through Slipway's variable.
      writeFileSync(config, [...before, `  include ${file};`, ...server, '      proxy_pass http://$slipway_upstream;', ...after].join('\n'));
      execFileSync(nginx, ['-t', '-q', '-c', config, '-p', dir]);
      const running = await startServerProcess('nginx', nginx, ['-c', config, '-p', dir], dir, async () => (await fetch(`http://127.0.0.1:${port}/`)).status > 0);
      servers.push(running);
      const { share, report } = await measure(`http://127.0.0.1:${port}/`, 'v1', 200);
      expect(report.failures).toEqual([]);
      expect(share).toBe(100);

      // Run again, the include in place: the file is Slipway's and left alone, and the router is ready.
      const written = readFileSync(file, 'utf8');
      const second = await runSlipway(['router', 'init', '--router', router], sshEnv);
      expect(second.stdout).toContain(`${file} on ${sshd.user}@127.0.0.1:${sshd.port} is Slipway's already (canary 0%); left as it is.`);
      expect(second.stdout).toMatch(/nginx -t -q -c .* passes on /);
      expect(second.exitCode).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(written);
    },
    120_000,
  );

  test(
    'checks a HAProxy backend through its runtime API, locally and over SSH, and says which server lines haproxy.cfg lacks',
    async () => {
      const haproxy = requireBinary('haproxy');
      const dir = serverDir('haproxy');
      const socket = join(dir, 'admin.sock');
      const port = await freePort();
      // A config written without Slipway: backend web has the version in service, not a second server.
      writeFileSync(
        join(dir, 'haproxy.cfg'),
        ['global', `  stats socket ${socket} mode 600 level admin`, 'defaults', '  mode http', '  timeout connect 2s', '  timeout client 10s', '  timeout server 10s', 'frontend web', `  bind 127.0.0.1:${port}`, '  default_backend web', 'backend web', `  server blue ${blue.address}`, ''].join('\n'),
      );
      servers.push(await startServerProcess('haproxy', haproxy, ['-f', join(dir, 'haproxy.cfg'), '-db'], dir, () => canConnect(socket)));
      const router = (backend: string, ssh: boolean) => JSON.stringify({ provider: 'haproxy', socket, backend, stable: 'blue', canary: 'green', ...(ssh ? { ssh: sshd.settings } : {}) });

      const noBackend = await runSlipway(['router', 'init', '--router', router('app', false)]);
      expect(noBackend).toMatchObject({ exitCode: 1, stderr: '' });
      expect(noBackend.stdout).toBe(
        "HAProxy has no backend 'app'. Add it to haproxy.cfg and reload HAProxy:\n\nbackend app\n    balance roundrobin\n    server blue <address of blue> weight 100\n    server green <address of green> weight 0\n",
      );

      const noCanary = await runSlipway(['router', 'init', '--router', router('web', true)], sshEnv);
      expect(noCanary).toMatchObject({ exitCode: 1, stderr: '' });
      expect(noCanary.stdout).toBe("Backend 'web' has the servers blue, not 'green'. Add to `backend web` in haproxy.cfg and reload HAProxy:\n\n    server green <address of green> weight 0\n");

      // Without the ssh settings' credentials, nothing is contacted: the missing key is named.
      const noKey = await runSlipway(['router', 'init', '--router', router('web', true)]);
      expect(noKey.exitCode).toBe(2);
      expect(noKey.stderr).toContain("Input '--ssh-private-key (or $SLIPWAY_SSH_PRIVATE_KEY)' is missing");
      expect(existsSync(socket)).toBe(true);
    },
    120_000,
  );

  test(
    'a HAProxy backend that holds both servers is ready',
    async () => {
      const { startHaproxy } = await import('../../../testkit/bed/haproxy.js');
      const haproxy = await startHaproxy({ blue: blue.address, green: green.address });
      try {
        const run = await runSlipway(['router', 'init', '--router', JSON.stringify({ provider: 'haproxy', ...haproxy.routerSettings('blue', 'green'), ssh: sshd.settings })], sshEnv);
        expect(run).toEqual({ exitCode: 0, stderr: '', stdout: "Backend 'app' has 'blue' (weight 100) and 'green' (weight 0): Slipway can drive it.\n" });
      } finally {
        await haproxy.stop();
      }
    },
    120_000,
  );
});
