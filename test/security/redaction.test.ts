import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { createGitHubClient, cutDescription } from '../../src/core/ledger/index.js';
import { PrometheusSource } from '../../src/core/metrics/prometheus.js';
import { quote, redact, registerSecret, SecretRegistry, splitUrlCredentials } from '../../src/core/secrets/index.js';
import { buildBundle, runActionStep } from '../support/action-runner.js';
import { startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';
import { startHttpEcho } from './http-echo.js';

// Issue 12, point 1: one redaction boundary. Everything that leaves for GitHub passes one scrubber
// that removes every registered secret and every credential of a known shape.

const GITHUB_TOKEN = `ghs_${'A1b2C3d4E5'.repeat(4)}`;
const SSH_KEY = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ', 'AAAAMwAAAAtzc2gtZWQyNTUxOQAAACBQ1xGfake', '-----END OPENSSH PRIVATE KEY-----'].join('\n');

/** Everything the simulator stores that GitHub would show: deployments, statuses, comments, checks. */
function shownByGitHub(sim: GitHubSimulator): string {
  const { deployments, comments, commitStatuses, checkRuns } = sim.state;
  return JSON.stringify([[...deployments.values()], [...comments.values()], [...commitStatuses.values()], [...checkRuns.values()]]);
}

describe('the secret registry', () => {
  test('a registered secret is removed wherever it appears, also URL-encoded, JSON-escaped and base64', () => {
    const registry = new SecretRegistry();
    registry.add('pa ss"word/1');
    const text = `raw pa ss"word/1, url ${encodeURIComponent('pa ss"word/1')}, json ${JSON.stringify('pa ss"word/1')}, b64 ${Buffer.from('pa ss"word/1').toString('base64')}`;
    const out = registry.redact(text);
    expect(out).not.toContain('ss"word');
    expect(out).not.toContain(encodeURIComponent('pa ss"word/1'));
    expect(out).not.toContain(Buffer.from('pa ss"word/1').toString('base64'));
    expect(out.match(/\*\*\*/g)).toHaveLength(4);
  });

  test('each line of a registered SSH key is removed, as the runner masks a multi-line secret', () => {
    const registry = new SecretRegistry();
    registry.add(SSH_KEY);
    expect(registry.redact(`ssh said: ${SSH_KEY.split('\n')[2]}`)).toBe('ssh said: ***');
  });

  test('subscribers (the runner\'s ::add-mask::) hear of every secret, also those registered before they subscribed', () => {
    const registry = new SecretRegistry();
    registry.add('first-secret');
    const masked: string[] = [];
    registry.subscribe((value) => masked.push(value));
    registry.add('second-secret');
    expect(masked).toEqual(expect.arrayContaining(['first-secret', 'second-secret']));
  });

  test.each([
    ['a GitHub token a child printed', `GITHUB_TOKEN=${GITHUB_TOKEN}`, GITHUB_TOKEN],
    ['a token in prose', `used ${GITHUB_TOKEN} to push`, GITHUB_TOKEN],
    ['an Authorization header echoed by a server', 'request had Authorization: Bearer eyJhbGciOi.J9xyz', 'eyJhbGciOi'],
    ['a URL with user:password', 'GET https://deploy:s3cr3t-pw@prom.example/api failed', 's3cr3t-pw'],
    ['a URL with a token as user', 'cloning https://x-access-token@github.com/o/r', 'x-access-token'],
    ['a PEM private key', `key: ${SSH_KEY}`, 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ'],
    ['a password variable', 'REGISTRY_PASSWORD=hunter2 and more', 'hunter2'],
  ])('an unregistered credential of a known shape is removed: %s', (_name, text, secret) => {
    expect(redact(text)).not.toContain(secret);
  });

  test('prose and digests are left alone', () => {
    const text = 'Basic credentials go to the token realm; ghcr.io/octo/app@sha256:' + 'a'.repeat(64);
    expect(redact(text)).toBe(text);
  });

  test('a URL\'s credentials are split off, registered, and the URL printed without them', () => {
    const split = splitUrlCredentials('https://alice:pr0m-pass@prometheus.example:9090/prom');
    expect(split).toEqual({ url: 'https://prometheus.example:9090/prom', credentials: { username: 'alice', password: 'pr0m-pass' } });
    expect(redact('the password is pr0m-pass')).toBe('the password is ***');
  });
});

describe('cutting text never leaves half a secret', () => {
  test('a status description cut at 140 characters across a secret shows none of it', () => {
    registerSecret('cut-secret-0123456789');
    const description = cutDescription(`${'x'.repeat(130)} cut-secret-0123456789 and more`);
    expect(description).not.toContain('cut-sec');
    expect(description.length).toBeLessThanOrEqual(140);
  });

  test('a quoted value cut across a secret shows none of it', () => {
    registerSecret('quote-secret-0123456789');
    expect(quote(`${'y'.repeat(150)}quote-secret-0123456789`)).not.toContain('quote-sec');
  });
});

describe('the bounded renderer', () => {
  test('an error quoting a value cuts it and removes secrets', () => {
    registerSecret('input-secret-value');
    const error = new InputError('router', { backend: 'x'.repeat(5000), token: 'input-secret-value' }, 'settings');
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toContain('…');
    const short = new InputError('router', { token: 'input-secret-value' }, 'settings');
    expect(short.message).not.toContain('input-secret-value');
  });

  test('a value with a billion nodes behind shared references is rendered in a few characters, at once', () => {
    let node: unknown = ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol'];
    for (let i = 0; i < 9; i++) node = Array.from({ length: 10 }, () => node);
    const text = quote(node);
    expect(text.length).toBeLessThanOrEqual(161);
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    expect(quote(cyclic)).toBe('{"name":"a","self":[circular]}');
  });
});

describe('what leaves for GitHub', () => {
  let sim: GitHubSimulator;
  beforeAll(async () => {
    sim = await startGitHubSimulator({ token: GITHUB_TOKEN });
  });
  afterAll(async () => {
    await sim?.close();
  });

  test('a status description, a payload and a comment carrying a registered secret reach GitHub redacted', async () => {
    registerSecret('registry-pass-123');
    const client = createGitHubClient({ baseUrl: sim.url, token: sim.token, retryBaseMs: 1, writeSpacingMs: 0 });
    const { owner, repo } = sim;
    const { data: deployment } = await client.rest.repos.createDeployment({
      owner, repo, ref: 'main', environment: 'staging', auto_merge: false, required_contexts: [],
      payload: { note: 'pulled with registry-pass-123', url: 'https://bob:registry-pass-123@registry.example' },
    });
    const id = (deployment as { id: number }).id;
    await client.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state: 'failure', description: `push failed: ${GITHUB_TOKEN} registry-pass-123` });
    sim.addPullRequest(7, 'b'.repeat(40));
    await client.rest.issues.createComment({ owner, repo, issue_number: 7, body: `echoed Authorization: token ${GITHUB_TOKEN}` });
    const shown = shownByGitHub(sim);
    expect(shown).not.toContain('registry-pass-123');
    expect(shown).not.toContain(GITHUB_TOKEN);
    expect(shown).toContain('push failed: *** ***');
  });

  test('a failing traffic command that prints its environment leaks no token into the status, the log or the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-leak-'));
    try {
      const script = join(dir, 'set-weight.sh');
      // Describes fine, then fails every change, printing a token it read from somewhere: the
      // status description quotes that output and is cut at 140 characters, across the token.
      writeFileSync(script, `#!/bin/sh\nenv > "${dir}/env-$SLIPWAY_ACTION"\n[ "$SLIPWAY_ACTION" = describe ] && { echo 0; exit 0; }\necho "${GITHUB_TOKEN} hunter2-registry $INPUT_TOKEN $GITHUB_TOKEN" >&2\nexit 3\n`);
      chmodSync(script, 0o755);
      const [deploymentId] = sim.seedDeployments(1, { environment: 'production', sha: 'c'.repeat(40), states: ['in_progress'] });
      const bundle = await buildBundle('canary-step');
      const result = await runActionStep(bundle, {
        inputs: { provider: 'command', router: JSON.stringify({ run: [script] }), token: sim.token, weight: '25', 'deployment-id': String(deploymentId), 'abort-on-failure': 'true' },
        env: { GITHUB_REPOSITORY: `${sim.owner}/${sim.repo}`, GITHUB_API_URL: sim.url, GITHUB_RUN_ID: '9', GITHUB_SHA: 'c'.repeat(40), GITHUB_TOKEN, REGISTRY_PASSWORD: 'hunter2-registry', RUNNER_TEMP: dir },
      });
      expect(result.exitCode).toBe(1);
      const statuses = JSON.stringify([...sim.state.deployments.get(deploymentId)!.statuses]);
      // The abort fails too (every change fails), so the stop is an error naming where traffic is.
      expect(statuses).toContain('"state":"error"');
      expect(statuses).toContain('traffic NOT moved back, last seen at canary 0%: The traffic command failed (exit 3) for set-weight 25%');
      // The child never had them …
      for (const file of readdirSync(dir).filter((f) => f.startsWith('env-'))) {
        const env = readFileSync(join(dir, file), 'utf8');
        expect(env).toContain('SLIPWAY_ACTION=');
        expect(env).not.toMatch(/^INPUT_|^GITHUB_TOKEN=|^REGISTRY_PASSWORD=|^ACTIONS_/m);
        expect(env).not.toContain(GITHUB_TOKEN);
      }
      // … and nothing GitHub shows or logs could carry them.
      // (`::add-mask::` lines are the runner's protocol: it reads them and never shows them.)
      const log = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n');
      for (const text of [shownByGitHub(sim), log, result.summary, JSON.stringify(result.outputs)]) {
        expect(text).not.toContain(GITHUB_TOKEN.slice(0, 8));
        expect(text).not.toContain('hunter2-registry');
      }
      expect(result.stdout).toContain(`::add-mask::${GITHUB_TOKEN}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Prometheus', () => {
  test('a URL with user:password@ authenticates with Basic, and its errors never show the password', async () => {
    const echo = await startHttpEcho(401);
    try {
      const url = echo.url.replace('http://', 'http://reader:pr0m-S3cret@');
      const source = new PrometheusSource({ url, retries: 0 });
      const error = (await source.queryInstant('up').catch((e: unknown) => e)) as Error;
      expect(echo.seen[0].authorization).toBe(`Basic ${Buffer.from('reader:pr0m-S3cret').toString('base64')}`);
      expect(error.message).toContain(echo.url);
      expect(error.message).not.toContain('pr0m-S3cret');
    } finally {
      await echo.close();
    }
  });

  test('a redirect is not followed, so the headers never reach another server', async () => {
    const elsewhere = await startHttpEcho(200, () => '{"status":"success","data":{"resultType":"vector","result":[]}}');
    const redirecting = await startHttpEcho(307, () => '');
    redirecting.redirectTo(`${elsewhere.url}/api/v1/query`);
    try {
      const source = new PrometheusSource({ url: redirecting.url, headers: { 'X-Api-Key': 'prom-api-key-0123' }, retries: 0 });
      await expect(source.queryInstant('up')).rejects.toThrow(/answered a redirect \(HTTP 307\).*Fix: set the Prometheus URL/);
      expect(redirecting.seen).toHaveLength(1);
      expect(elsewhere.seen).toHaveLength(0);
    } finally {
      await Promise.all([elsewhere.close(), redirecting.close()]);
    }
  });

  test('an error page echoing the request headers is quoted short and without the credential', async () => {
    const echo = await startHttpEcho(500, (headers) => `<html>proxy error; you sent authorization: ${headers.authorization} ${'.'.repeat(500)}</html>`);
    try {
      const source = new PrometheusSource({ url: echo.url, bearerToken: 'prom-bearer-T0ken', retries: 0 });
      const error = (await source.queryInstant('up').catch((e: unknown) => e)) as Error;
      expect(error.message).toContain('proxy error');
      expect(error.message).not.toContain('prom-bearer-T0ken');
      expect(error.message.length).toBeLessThan(300);
    } finally {
      await echo.close();
    }
  });
});
