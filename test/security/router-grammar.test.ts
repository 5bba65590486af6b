import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as rolloutMain } from '../../src/actions/rollout/main.js';
import { nginxSettings, renderNginxInclude } from '../../src/core/traffic/nginx.js';
import { createRouter } from '../../src/core/traffic/registry.js';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { startHaproxy, type RunningHaproxy } from '../../testkit/bed/haproxy.js';
import { LedgerDouble } from '../unit/core/plan/doubles.js';

// Issue 12 point 5: every router setting that reaches a command line, a protocol or a generated
// file is checked against its grammar before anything is sent. Each test below fails when the
// check it names is removed: the injected command would reach the socket, kubectl or nginx.

/** The runtime API takes `;`-separated commands on one line: this one would move blue's traffic elsewhere. */
const MOVE_BLUE = 'set server app/blue addr 203.0.113.66 port 80';
const HAPROXY = { socket: '/run/haproxy/admin.sock', backend: 'app', stable: 'blue', canary: 'green', routeAcl: '/etc/haproxy/canary-routes.acl' };

/** Each HAProxy setting that is sent on the runtime API, with a value that would smuggle a second command. */
const HAPROXY_INJECTIONS: [string, string][] = [
  ['backend', `app; ${MOVE_BLUE}`],
  ['stable', `blue; ${MOVE_BLUE}`],
  ['canary', `green\n${MOVE_BLUE}`],
  ['routeAcl', `/etc/haproxy/canary-routes.acl; ${MOVE_BLUE}`],
];

/** A canned answer to `show servers state app`, in HAProxy 2.6's format. */
const SERVERS_STATE = [
  '1',
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port',
  '3 app 1 blue 127.0.0.1 2 0 100 100 5 1 0 2 0 0 0 0 - 1 - 0 0 - - 0',
  '3 app 2 green 127.0.0.1 2 0 0 0 5 1 0 2 0 0 0 0 - 2 - 0 0 - - 0',
  '',
  '',
].join('\n');

/** A stand-in for HAProxy's runtime API that records every line it receives. */
async function recordingRuntimeApi(path: string): Promise<{ lines: string[]; close(): Promise<void> }> {
  const lines: string[] = [];
  const server: Server = createServer((connection) => {
    let received = '';
    connection.on('data', (d: Buffer) => (received += d.toString()));
    connection.on('end', () => {
      lines.push(...received.split('\n').filter((l) => l !== ''));
      connection.end(received.startsWith('show servers state') ? SERVERS_STATE : '\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { lines, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** One runtime API command against a real HAProxy, answered in full. */
function runtimeApi(socket: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const connection = createConnection({ path: socket });
    let answer = '';
    connection.on('connect', () => connection.end(`${line}\n`));
    connection.on('data', (d: Buffer) => (answer += d.toString()));
    connection.on('end', () => resolve(answer));
    connection.on('error', reject);
  });
}

/** Server name → its address and user weight, as HAProxy holds them now. */
async function serversOf(socket: string): Promise<Record<string, { address: string; weight: number }>> {
  const rows = (await runtimeApi(socket, 'show servers state app')).split('\n').filter((l) => /^\d+ app /.test(l));
  return Object.fromEntries(rows.map((row) => row.split(' ')).map((f) => [f[3], { address: f[4], weight: Number(f[7]) }]));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slipway-grammar-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('HAProxy: backend, server and ACL settings are HAProxy identifiers before anything reaches the runtime API', () => {
  test.each(HAPROXY_INJECTIONS)('router.%s with a second command is refused, naming the field and the grammar', (field, value) => {
    expect(() => createRouter('haproxy', { ...HAPROXY, [field]: value })).toThrow(`Input 'router.${field}' has the value`);
    expect(() => createRouter('haproxy', { ...HAPROXY, [field]: value })).toThrow(field === 'routeAcl' ? 'expected the file your haproxy.cfg ACL loads with -f' : "expected a HAProxy name: letters, digits, '-', '_', '.' and ':'");
  });

  test("every character of HAProxy's name rule, and an ACL named by #<id>, is accepted", () => {
    expect(createRouter('haproxy', { ...HAPROXY, backend: 'App-2_v.1:web', stable: 'blue:1', canary: 'green.2', routeAcl: '#3' }).type).toBe('haproxy');
  });

  test('a refused setting never connects to the runtime API; a refused route value never reaches it', async () => {
    const api = await recordingRuntimeApi(join(dir, 'admin.sock'));
    try {
      for (const [field, value] of HAPROXY_INJECTIONS) {
        await expect((async () => createRouter('haproxy', { ...HAPROXY, socket: join(dir, 'admin.sock'), [field]: value }).setCanaryWeight(50))()).rejects.toThrow(`router.${field}`);
      }
      expect(api.lines).toEqual([]);

      const router = createRouter('haproxy', { ...HAPROXY, socket: join(dir, 'admin.sock'), routeAcl: join(dir, 'routes.acl') });
      for (const value of [`always; ${MOVE_BLUE}`, `always\n${MOVE_BLUE}`, 'a\\;b', 'always <<', 'two words']) {
        await expect(router.setHeaderRoute!({ name: 'x-canary', value })).rejects.toThrow(`A HAProxy route value must be visible ASCII characters without spaces, ';', '\\' or '<' (got ${JSON.stringify(value)})`);
      }
      // Only the reads went out: the state and the ACL's entries, never a write.
      expect(new Set(api.lines)).toEqual(new Set(['show servers state app', `show acl ${join(dir, 'routes.acl')}`]));
    } finally {
      await api.close();
    }
  });
});

(serverAvailable('haproxy') ? describe : describe.skip)('HAProxy: a refused setting leaves a real HAProxy as it was', () => {
  let haproxy: RunningHaproxy;
  beforeAll(async () => {
    // No traffic is sent; the servers only need addresses HAProxy can hold.
    haproxy = await startHaproxy({ blue: '127.0.0.1:1', green: '127.0.0.1:2' });
  });
  afterAll(async () => {
    await haproxy?.stop();
  });

  test.each(HAPROXY_INJECTIONS)('router.%s: the servers keep their addresses and weights, the route ACL its entries', async (field, value) => {
    const before = await serversOf(haproxy.socket);
    expect(before).toEqual({ blue: { address: '127.0.0.1', weight: 100 }, green: { address: '127.0.0.1', weight: 0 } });
    const attempt = async () => {
      const router = createRouter('haproxy', { ...haproxy.routerSettings('blue', 'green'), [field]: value });
      await router.setCanaryWeight(50);
      await router.setHeaderRoute?.({ name: 'x-canary', value: 'always' });
    };
    await expect(attempt()).rejects.toThrow(`Input 'router.${field}'`);
    expect(await serversOf(haproxy.socket)).toEqual(before);
    expect((await runtimeApi(haproxy.socket, `show acl ${haproxy.routeAcl}`)).trim()).toBe('');
  });
});

describe('Kubernetes: names are DNS-1123, namespaces DNS-1123 labels, Services DNS-1035 labels, before kubectl runs', () => {
  const FLAG = '--server=https://203.0.113.66';
  const base: Record<string, Record<string, unknown>> = {
    'gateway-api': { name: 'shop', gateway: 'public', stableService: 'shop-stable', canaryService: 'shop-canary' },
    istio: { name: 'shop', stableHost: 'shop-stable', canaryHost: 'shop-canary' },
    smi: { name: 'shop', service: 'shop', stableService: 'shop-stable', canaryService: 'shop-canary' },
    'ingress-nginx': { name: 'shop-canary', host: 'shop.example.com', canaryService: 'shop-canary' },
  };
  // kubectl gets a wrapper naming the recording directory: the child's environment is an allow-list.
  let kubectl: string;
  const calls = () => (existsSync(join(dir, 'calls.jsonl')) ? readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { args: string[] }).args) : []);
  beforeEach(() => {
    kubectl = join(dir, 'kubectl');
    writeFileSync(kubectl, `#!/bin/sh\nFAKE_KUBECTL_DIR='${dir}' exec '${join(process.cwd(), 'test/support/fake-kubectl/kubectl')}' "$@"\n`);
    chmodSync(kubectl, 0o755);
  });

  const cases: [string, string, string, unknown, string][] = [
    ...Object.keys(base).map((provider): [string, string, string, unknown, string] => [provider, 'name', 'a flag', FLAG, 'expected a Kubernetes object name (DNS-1123 subdomain)']),
    ['gateway-api', 'namespace', 'a space and a flag', `prod ${FLAG}`, 'expected a Kubernetes namespace (DNS-1123 label)'],
    ['istio', 'namespace', 'a dot', 'prod.eu', 'expected a Kubernetes namespace (DNS-1123 label)'],
    ['smi', 'context', 'a flag', FLAG, "expected a kubeconfig context name: not starting with '-'"],
    ['gateway-api', 'gateway', 'upper case', 'Public', 'expected a Kubernetes object name (DNS-1123 subdomain)'],
    ['gateway-api', 'canaryService', 'a dot', 'shop.canary', 'expected a Kubernetes Service name (DNS-1035 label)'],
    ['smi', 'service', 'a leading digit', '1shop', 'expected a Kubernetes Service name (DNS-1035 label)'],
    ['ingress-nginx', 'canaryService', 'an underscore', 'shop_canary', 'expected a Kubernetes Service name (DNS-1035 label)'],
    ['ingress-nginx', 'ingressClassName', 'a flag', FLAG, 'expected a Kubernetes object name (DNS-1123 subdomain)'],
    ['ingress-nginx', 'name', '254 characters', `a${'b'.repeat(253)}`, 'expected a Kubernetes object name (DNS-1123 subdomain): at most 253'],
  ];
  test.each(cases)('%s: router.%s holding %s is refused and kubectl never runs', async (provider, field, _what, value, expected) => {
    const settings = { ...base[provider], kubectl, [field]: value };
    await expect((async () => createRouter(provider, settings).describe())()).rejects.toThrow(`Input 'router.${field}' has the value`);
    expect(() => createRouter(provider, settings)).toThrow(expected);
    expect(calls()).toEqual([]);
  });

  test('kubectl reads the resource and name after `--`, and a context of any other form is passed as one argument', async () => {
    const context = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
    expect((await createRouter('gateway-api', { ...base['gateway-api'], namespace: 'prod', context, kubectl }).describe()).canaryWeight).toBe(0);
    expect(calls()).toEqual([['--context', context, '--namespace', 'prod', 'get', '-o', 'json', '--', 'httproutes.gateway.networking.k8s.io', 'shop']]);
  });
});

describe('nginx: nothing from the settings or a route can end a directive of the generated file', () => {
  const NGINX = { file: '/etc/nginx/slipway.conf', stable: '127.0.0.1:8001', canary: '127.0.0.1:8002', config: '/nonexistent/nginx.conf' };

  test.each([
    ['name', 'app_stable { server 203.0.113.66:80; } upstream x', "expected lower-case letters, digits and '_', starting with a letter"],
    ['name', 'app;', "expected lower-case letters, digits and '_', starting with a letter"],
    ['stable', '127.0.0.1:80; } server { listen 8080', 'expected a `host:port` address'],
    ['canary', '127.0.0.1:80\ninclude /etc/passwd', 'expected a `host:port` address'],
  ])('router.%s = %p is refused', (field, value, expected) => {
    expect(() => nginxSettings({ ...NGINX, [field]: value })).toThrow(`Input 'router.${field}' has the value`);
    expect(() => nginxSettings({ ...NGINX, [field]: value })).toThrow(expected);
  });

  test.each(['always";} server {', 'always\n}', '~.*'])('the route value %p is refused before the file is written or nginx runs', async (value) => {
    const settings = nginxSettings({ ...NGINX });
    expect(() => renderNginxInclude(settings, { canaryWeight: 0, headerRoutes: [{ name: 'x-canary', value }], mirrorPercentage: 0 })).toThrow('A route value cannot be empty, start with ~, nor contain');
    const file = join(dir, 'routing.conf');
    const ran = join(dir, 'nginx-ran');
    const router = createRouter('nginx', { ...NGINX, file, test: ['touch', ran], reload: ['touch', ran], pid: join(dir, 'nginx.pid') });
    await expect(router.setHeaderRoute!({ name: 'x-canary', value })).rejects.toThrow('A route value cannot be empty');
    expect([existsSync(file), existsSync(ran)]).toEqual([false, false]);
  });
});

describe('command: the argv reaches the script without a shell', () => {
  test('shell metacharacters in arguments arrive literally and run nothing', async () => {
    const script = join(dir, 'record-args.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\0' "$@" > '${dir}/args'\necho 0\n`);
    chmodSync(script, 0o755);
    const pwned = join(dir, 'pwned');
    const args = [`$(touch ${pwned})`, `\`touch ${pwned}\``, `x; touch ${pwned}`, `x && touch ${pwned}`, `| touch ${pwned}`, `>${pwned}`, '*', '$HOME', "'", '"', 'two words', 'line\nbreak'];
    expect((await createRouter('command', { run: [script, ...args] }).describe()).canaryWeight).toBe(0);
    expect(readFileSync(join(dir, 'args'), 'utf8').split('\0').slice(0, -1)).toEqual(args);
    expect(existsSync(pwned)).toBe(false);
  });
});

describe('plans: router settings go through the same readers, before any deployment is created', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test('the rollout action refuses a plan whose backend smuggles a command, with the ledger untouched', async () => {
    const ledger = new LedgerDouble();
    Object.assign(process.env, {
      GITHUB_REPOSITORY: 'octo/shop',
      INPUT_REF: 'c'.repeat(40),
      INPUT_PLAN: `router: {provider: haproxy, socket: ${join(dir, 'admin.sock')}, backend: 'app; ${MOVE_BLUE}', stable: blue, canary: green}\nsteps:\n  - setWeight: 50\n`,
      INPUT_ENVIRONMENT: 'production',
      'INPUT_IMAGE-REF': `app@sha256:${'1'.repeat(64)}`,
      INPUT_TOKEN: 'test-token',
    });
    await expect(rolloutMain({ ledger })).rejects.toThrow(`Input 'router.backend' has the value`);
    expect(ledger.calls).toEqual([]);
  });
});
