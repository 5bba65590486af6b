import { describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter } from '../../src/core/traffic/registry.js';
import { commandSettings, CommandRouter } from '../../src/core/traffic/command.js';
import { childEnvironment, parseEnvNames, runCommand } from '../../src/core/process/index.js';
import { shellCommandRunner } from '../../src/core/rollback/index.js';
import { redact } from '../../src/core/secrets/index.js';

// Issue 12, point 2: child processes get an allow-listed environment — PATH, HOME, the SLIPWAY_*
// variables each is documented to get, the non-secret RUNNER_*/GITHUB_* variables, and what the
// user names in `env:`. Never INPUT_*, never a token or password.

const RUNNER_ENV = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/runner',
  LC_ALL: 'C.UTF-8',
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_SHA: 'f'.repeat(40),
  RUNNER_TEMP: '/tmp/runner',
  INPUT_TOKEN: 'ghs_inputtoken1234567890',
  INPUT_REGISTRY_PASSWORD: 'input-registry-pw',
  GITHUB_TOKEN: 'ghs_githubtoken1234567890',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
  GITHUB_ENV: '/tmp/runner/env-file',
  GITHUB_STEP_SUMMARY: '/tmp/runner/summary',
  REGISTRY_PASSWORD: 'exported-registry-pw',
  AWS_PROFILE: 'deploy',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-key-value',
  SLIPWAY_GITHUB_TOKEN: 'ghp_slipwaytesttoken123456',
};

describe('the environment of a child process', () => {
  test('the allow-list passes PATH, HOME, locale and the non-secret GITHUB_*/RUNNER_* variables, nothing else', () => {
    expect(childEnvironment({}, RUNNER_ENV)).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/runner',
      LC_ALL: 'C.UTF-8',
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_SHA: 'f'.repeat(40),
      RUNNER_TEMP: '/tmp/runner',
    });
  });

  test('names the user lists are passed, their secret values registered; SLIPWAY_* only as the caller sets them', () => {
    const env = childEnvironment({ pass: ['AWS_PROFILE', 'AWS_SECRET_ACCESS_KEY'], set: { SLIPWAY_ACTION: 'promote' } }, RUNNER_ENV);
    expect(env).toMatchObject({ AWS_PROFILE: 'deploy', AWS_SECRET_ACCESS_KEY: 'aws-secret-key-value', SLIPWAY_ACTION: 'promote' });
    expect(env).not.toHaveProperty('SLIPWAY_GITHUB_TOKEN');
    expect(redact('key is aws-secret-key-value')).toBe('key is ***');
  });

  test('INPUT_* and ACTIONS_* are never passed, even when named', () => {
    expect(childEnvironment({ pass: ['INPUT_TOKEN', 'ACTIONS_RUNTIME_TOKEN'] }, RUNNER_ENV)).not.toHaveProperty('INPUT_TOKEN');
    expect(() => parseEnvNames('router.env', ['INPUT_TOKEN'])).toThrow(/Input 'router.env' has the value "INPUT_TOKEN": expected a variable that is not INPUT_\*/);
    expect(() => parseEnvNames('router.env', 'ACTIONS_RUNTIME_TOKEN')).toThrow(/not ACTIONS_\*/);
    expect(() => parseEnvNames('deploy-env', ['A B'])).toThrow(/Input 'deploy-env' has the value "A B": expected an environment variable name/);
    expect(parseEnvNames('deploy-env', 'AWS_PROFILE, KUBECONFIG\nDOCKER_HOST')).toEqual(['AWS_PROFILE', 'KUBECONFIG', 'DOCKER_HOST']);
  });

  test('a real child started by runCommand sees the allow-list, not the test process\'s INPUT_ variables or tokens', async () => {
    process.env.INPUT_TOKEN = 'ghs_leakcheck0123456789';
    process.env.DEPLOY_PASSWORD = 'leak-check-password';
    try {
      const result = await runCommand(['/usr/bin/env'], { env: { SLIPWAY_ACTION: 'describe' } });
      expect(result.stdout).toContain('SLIPWAY_ACTION=describe');
      expect(result.stdout).toMatch(/^PATH=/m);
      expect(result.stdout).not.toContain('INPUT_TOKEN');
      expect(result.stdout).not.toContain('leak-check-password');
    } finally {
      delete process.env.INPUT_TOKEN;
      delete process.env.DEPLOY_PASSWORD;
    }
  });

  test('the command router passes its documented SLIPWAY_* variables and its `env:` names to the command', async () => {
    process.env.ROUTER_REGION = 'eu-west-1';
    process.env.INPUT_TOKEN = 'ghs_leakcheck0123456789';
    try {
      const router = new CommandRouter(commandSettings({ run: ['/bin/sh', '-c', 'echo "$SLIPWAY_ACTION $ROUTER_REGION ${INPUT_TOKEN:-none}" >&2; echo 0'], env: ['ROUTER_REGION'] }));
      await expect(router.describe()).resolves.toMatchObject({ canaryWeight: 0, reachable: true });
      const failing = new CommandRouter(commandSettings({ run: ['/bin/sh', '-c', 'echo "$SLIPWAY_ACTION $ROUTER_REGION ${INPUT_TOKEN:-none}" >&2; exit 2'], env: ['ROUTER_REGION'] }));
      await expect(failing.setCanaryWeight(10)).rejects.toThrow('set-weight eu-west-1 none');
    } finally {
      delete process.env.ROUTER_REGION;
      delete process.env.INPUT_TOKEN;
    }
  });

  test('the rollback\'s deploy command gets SLIPWAY_IMAGE_REF and its deploy-env names, not the runner\'s secrets', async () => {
    process.env.KUBECONFIG = '/home/runner/.kube/config';
    process.env.GITHUB_TOKEN = 'ghs_leakcheck0123456789';
    try {
      const result = await shellCommandRunner({ passEnv: ['KUBECONFIG'] }).run('echo "$SLIPWAY_IMAGE_REF $KUBECONFIG ${GITHUB_TOKEN:-none}"', { SLIPWAY_IMAGE_REF: 'ghcr.io/o/a@sha256:1' });
      expect(result).toEqual({ exitCode: 0, output: 'ghcr.io/o/a@sha256:1 /home/runner/.kube/config none\n' });
    } finally {
      delete process.env.KUBECONFIG;
      delete process.env.GITHUB_TOKEN;
    }
  });

  test('kubectl gets KUBECONFIG and the router\'s env: names, and no token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-kubectl-env-'));
    const kubectl = join(dir, 'kubectl');
    writeFileSync(kubectl, '#!/bin/sh\necho "seen: $KUBECONFIG $AWS_PROFILE ${GITHUB_TOKEN:-none}" >&2\nexit 1\n');
    chmodSync(kubectl, 0o755);
    Object.assign(process.env, { KUBECONFIG: '/home/runner/.kube/config', AWS_PROFILE: 'deployer', GITHUB_TOKEN: 'ghs_leakcheck0123456789' });
    try {
      const router = createRouter('gateway-api', { name: 'shop', gateway: 'public', stableService: 'shop-stable', canaryService: 'shop-canary', kubectl, env: ['AWS_PROFILE'] });
      await expect(router.describe()).rejects.toThrow('seen: /home/runner/.kube/config deployer none');
    } finally {
      for (const name of ['KUBECONFIG', 'AWS_PROFILE', 'GITHUB_TOKEN']) delete process.env[name];
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('output split across chunks keeps multi-byte characters whole', async () => {
    const result = await runCommand(['/bin/sh', '-c', 'i=0; while [ $i -lt 40000 ]; do printf "é"; i=$((i+1)); done']);
    expect(result.stdout).toBe('é'.repeat(40000));
  });
});

describe('secrets found in the environment', () => {
  test('credential-named variables are registered; flags and short values that share the name are not', async () => {
    const { registerEnvironmentSecrets } = await import('../../src/core/process/index.js');
    registerEnvironmentSecrets({ DEPLOY_TOKEN: 'dtok-0123456789', USE_TOKEN_AUTH: 'true', TOKEN_TTL: '3600', PATH: '/usr/bin' });
    expect(redact('dtok-0123456789 true 3600 /usr/bin')).toBe('*** true 3600 /usr/bin');
  });
});
