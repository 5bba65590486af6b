import { describe, expect, test } from '@jest/globals';
import { parseSshSettings } from '../../../../src/core/remote/index.js';

describe('the ssh: router settings', () => {
  test.each([
    [{ host: 'lb1.internal', user: 'deploy' }, { host: 'lb1.internal', port: 22, user: 'deploy' }],
    [{ host: 'lb1.internal.', port: 2222, user: 'deploy' }, { host: 'lb1.internal.', port: 2222, user: 'deploy' }],
    [{ host: '10.0.0.7', port: '22', user: 'ci_deploy.1' }, { host: '10.0.0.7', port: 22, user: 'ci_deploy.1' }],
    [{ host: '2001:db8::7', user: 'deploy' }, { host: '2001:db8::7', port: 22, user: 'deploy' }],
    [{ host: '[::1]', port: 65535, user: 'root' }, { host: '::1', port: 65535, user: 'root' }],
  ])('%p is read as %p', (raw, settings) => {
    expect(parseSshSettings(raw)).toEqual(settings);
  });

  test.each([
    ['lb1.internal', "Input 'router.ssh' has the value \"lb1.internal\": expected a mapping `{host, port, user}`. Fix: e.g. `ssh: {host: lb1.internal, port: 22, user: deploy}`"],
    [{ user: 'deploy' }, "Input 'router.ssh.host' is missing: expected the router host: a DNS name or an IP address. Fix: add `host:` to router.ssh, e.g. `host: lb1.internal`"],
    [{ host: '-oProxyCommand=sh', user: 'deploy' }, "Input 'router.ssh.host' has the value \"-oProxyCommand=sh\": expected a DNS name (letters, digits, `-` and `.`) or an IP address, without user or port. Fix: e.g. `host: lb1.internal`; put the port in `port:` and the account in `user:`"],
    [{ host: 'deploy@lb1', user: 'deploy' }, "Input 'router.ssh.host' has the value \"deploy@lb1\": expected a DNS name"],
    [{ host: 'lb1:2222', user: 'deploy' }, "Input 'router.ssh.host' has the value \"lb1:2222\": expected a DNS name"],
    [{ host: 'lb1 lb2', user: 'deploy' }, "Input 'router.ssh.host' has the value \"lb1 lb2\": expected a DNS name"],
    [{ host: '-lb1', user: 'deploy' }, "Input 'router.ssh.host' has the value \"-lb1\": expected a DNS name"],
    [{ host: 'lb1.internal', port: 0, user: 'deploy' }, "Input 'router.ssh.port' has the value 0: expected a port number from 1 to 65535. Fix: e.g. `port: 22` (or leave it out for 22)"],
    [{ host: 'lb1.internal', port: 65536, user: 'deploy' }, "Input 'router.ssh.port' has the value 65536: expected a port number from 1 to 65535"],
    [{ host: 'lb1.internal', port: '22; reboot', user: 'deploy' }, "Input 'router.ssh.port' has the value \"22; reboot\": expected a port number from 1 to 65535"],
    [{ host: 'lb1.internal' }, "Input 'router.ssh.user' is missing: expected the account on the router host. Fix: add `user:` to router.ssh, e.g. `user: deploy`"],
    [{ host: 'lb1.internal', user: '-oProxyCommand=x' }, "Input 'router.ssh.user' has the value \"-oProxyCommand=x\": expected a user name: at most 32 letters, digits, '.', '_' and '-', not starting with '-'. Fix: e.g. `user: deploy`"],
    [{ host: 'lb1.internal', user: 'deploy@lb2' }, "Input 'router.ssh.user' has the value \"deploy@lb2\": expected a user name"],
    [{ host: 'lb1.internal', user: 'deploy', identity: '~/.ssh/id' }, "Input 'router.ssh.identity' has the value \"~/.ssh/id\": expected one of the ssh settings: host, port, user. Fix: remove or rename the field"],
  ])('%p is refused before any connection: %s', (raw, message) => {
    expect(() => parseSshSettings(raw)).toThrow(message);
  });

  test('the block is named as its caller says', () => {
    expect(() => parseSshSettings({ host: 'lb1.internal' }, 'routers[0].ssh')).toThrow("Input 'routers[0].ssh.user' is missing");
  });
});
