import { describe, expect, test } from '@jest/globals';
import type { SshSettings } from '../../../../src/core/remote/index.js';
import { LOCAL_HOST, type RouterHost } from '../../../../src/core/traffic/host.js';
import { createRouter, SSH_PROVIDERS } from '../../../../src/core/traffic/registry.js';
import { SshRouterHosts } from '../../../../src/core/traffic/ssh-hosts.js';

// `router.ssh` is validated with the rest of the settings, before any credential is written or
// any connection made: these tests hand createRouter a host callback that records its calls.

const SSH = { host: 'lb1.internal', port: 2222, user: 'deploy' };
const SETTINGS: Record<(typeof SSH_PROVIDERS)[number], Record<string, unknown>> = {
  haproxy: { socket: '/run/haproxy/admin.sock', backend: 'app', stable: 'blue', canary: 'green' },
  nginx: { file: '/etc/nginx/slipway.conf', stable: '127.0.0.1:8001', canary: '127.0.0.1:8002', config: '/nonexistent/on-this-machine/nginx.conf' },
  command: { run: ['./set-weight.sh'] },
};

/** A callback standing for the edge's transport: it records what it was asked for. */
function recordingHost(): { calls: SshSettings[]; options: { sshHost: (ssh: SshSettings) => RouterHost } } {
  const calls: SshSettings[] = [];
  return { calls, options: { sshHost: (ssh) => (calls.push(ssh), { ...LOCAL_HOST, remote: true, where: `${ssh.user}@${ssh.host}:${ssh.port}` }) } };
}

describe('router.ssh', () => {
  test.each(SSH_PROVIDERS)('%s accepts it and gets its host from the edge, with the settings parsed', async (provider) => {
    const { calls, options } = recordingHost();
    const router = createRouter(provider, { ...SETTINGS[provider], ssh: SSH }, options);
    expect(router.type).toBe(provider);
    expect(calls).toEqual([SSH]);
  });

  test.each([
    ['gateway-api', { name: 'shop', gateway: 'web', stableService: 'shop-blue', canaryService: 'shop-green' }],
    ['istio', { name: 'shop', hosts: ['shop'], stableHost: 'shop-blue', canaryHost: 'shop-green' }],
    ['smi', { name: 'shop', rootService: 'shop', stableService: 'shop-blue', canaryService: 'shop-green' }],
    ['ingress-nginx', { name: 'shop', stableIngress: 'shop', canaryService: 'shop-green' }],
  ])('%s refuses it, naming the setting and the fix', (provider, settings) => {
    const { calls, options } = recordingHost();
    expect(() => createRouter(provider, { ...settings, ssh: SSH }, options)).toThrow(
      `Input 'router.ssh' has the value {"host":"lb1.internal","port":2222,"user":"deploy"}: expected no \`ssh:\` for the ${provider} provider: it reaches the cluster's API server through kubectl and the kubeconfig`,
    );
    expect(calls).toEqual([]);
  });

  test.each([
    ['haproxy', { ...SETTINGS.haproxy, socket: '127.0.0.1:9999' }, "Input 'router.socket' has the value \"127.0.0.1:9999\": expected with router.ssh, the absolute path of the runtime API Unix socket on the router host"],
    ['command', { ...SETTINGS.command, env: ['DEPLOY_TOKEN'] }, "Input 'router.env' has the value [\"DEPLOY_TOKEN\"]: expected no runner variables with router.ssh"],
    ['nginx', { ...SETTINGS.nginx, stable: 'blue' }, "Input 'router.stable' has the value \"blue\": expected a `host:port` address"],
    ['nginx', { ...SETTINGS.nginx, ssh: { ...SSH, host: '-oProxyCommand=x' } }, "Input 'router.ssh.host'"],
    ['haproxy', { ...SETTINGS.haproxy, ssh: { ...SSH, password: 'x' } }, "Input 'router.ssh.password'"],
  ])('%s with bad settings is refused before the edge opens anything', (provider, settings, message) => {
    const { calls, options } = recordingHost();
    expect(() => createRouter(provider, { ssh: SSH, ...settings }, options)).toThrow(message);
    expect(calls).toEqual([]);
  });

  test('settings with ssh: but no credentials at the edge are refused naming ssh-private-key', () => {
    expect(() => createRouter('haproxy', { ...SETTINGS.haproxy, ssh: SSH })).toThrow("Input 'ssh-private-key' is missing: expected the private key that logs in to the router host deploy@lb1.internal (router.ssh is set).");
    const hosts = new SshRouterHosts({ knownHosts: '[lb1.internal]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ' });
    expect(() => createRouter('nginx', { ...SETTINGS.nginx, ssh: SSH }, hosts.routerOptions)).toThrow("Input 'ssh-private-key' is missing");
  });

  test('credentials given for a router without ssh: are refused by the check, which contacts nothing', async () => {
    const hosts = new SshRouterHosts({ privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----' });
    createRouter('haproxy', SETTINGS.haproxy, hosts.routerOptions);
    await expect(hosts.check()).rejects.toMatchObject({ name: 'SshError', setting: 'ssh-private-key', message: expect.stringContaining('the router settings have no `ssh:`') });
    await expect(new SshRouterHosts({}).check()).resolves.toBeUndefined();
  });

  test("nginx on a router host reads none of its paths on this machine: the pid file's default waits for the router host's config", async () => {
    const { options } = recordingHost();
    const router = createRouter('nginx', { ...SETTINGS.nginx, ssh: SSH }, options);
    expect((await router.describe()).detail).toMatchObject({ host: 'deploy@lb1.internal:2222', file: '/etc/nginx/slipway.conf' });
  });
});
