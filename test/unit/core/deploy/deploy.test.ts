import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandDeployer, deployAndWait, DeployError, KubernetesDeployer, waitUntilReady, type DeployTarget, type KubernetesDeploySpec } from '../../../../src/core/deploy/index.js';

// Real processes and a real HTTP server: the deploy command is a shell script, kubectl a script on
// PATH that records its argv (kubectl itself is not installed here), readiness a local server.

const digest = `sha256:${'ab'.repeat(32)}`;
const target: DeployTarget = { imageRef: `ghcr.io/acme/shop@${digest}`, digest, slot: { name: 'green', server: 'green', address: '127.0.0.1:8082' }, environment: 'production' };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slipway-deploy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('the command deploy', () => {
  test('runs argv with the slot, the artifact and the environment, and nothing else of the runner\'s secrets', async () => {
    const out = join(dir, 'env.txt');
    const run = script('deploy.sh', `env > ${out}; echo "$@" >> ${out}`);
    process.env.INPUT_TOKEN = 'ghs_secret_input';
    process.env.DEPLOY_PASSWORD = 'hunter2';
    process.env.DEPLOY_REGION = 'eu-west-1';
    try {
      await new CommandDeployer({ provider: 'command', run: [run, '--wait', 'a b'], env: ['DEPLOY_REGION'], timeoutSeconds: 10 }).deploy(target);
    } finally {
      delete process.env.INPUT_TOKEN;
      delete process.env.DEPLOY_PASSWORD;
      delete process.env.DEPLOY_REGION;
    }
    const seen = readFileSync(out, 'utf8');
    expect(seen).toContain(`SLIPWAY_IMAGE_REF=ghcr.io/acme/shop@${digest}\n`);
    expect(seen).toContain(`SLIPWAY_DIGEST=${digest}\n`);
    expect(seen).toContain('SLIPWAY_SLOT=green\n');
    expect(seen).toContain('SLIPWAY_SLOT_ADDRESS=127.0.0.1:8082\n');
    expect(seen).toContain('SLIPWAY_ENVIRONMENT=production\n');
    expect(seen).toContain('DEPLOY_REGION=eu-west-1\n');
    expect(seen).toContain('--wait a b\n');
    expect(seen).not.toContain('ghs_secret_input');
    expect(seen).not.toContain('hunter2');
  });

  test('a non-zero exit is a failed deploy that says the exit code and the end of the output', async () => {
    const run = script('fail.sh', 'echo "pulling image"; echo "no space left on device" >&2; exit 3');
    const error = await new CommandDeployer({ provider: 'command', run: [run], env: [], timeoutSeconds: 10 }).deploy(target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect(error).toMatchObject({ reason: 'failed', message: expect.stringMatching(/fail\.sh exited with 3: pulling image\nno space left on device/) });
  });
});

describe('the kubernetes deploy', () => {
  const spec: KubernetesDeploySpec = { provider: 'kubernetes', deployment: 'shop-{slot}', container: 'app', namespace: 'shop', timeoutSeconds: 90 };

  async function withFakeKubectl<T>(body: string, run: (log: string) => Promise<T>): Promise<T> {
    const bin = mkdtempSync(join(dir, 'bin-'));
    const log = join(bin, 'argv.log');
    writeFileSync(join(bin, 'kubectl'), `#!/bin/sh\necho "$@" >> ${log}\n${body}\n`);
    chmodSync(join(bin, 'kubectl'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      return await run(log);
    } finally {
      process.env.PATH = path;
    }
  }

  test('sets the image of the slot\'s Deployment, then waits for its rollout with the timeout', async () => {
    await withFakeKubectl('exit 0', async (log) => {
      await new KubernetesDeployer(spec).deploy(target);
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
        `set image deployment/shop-green app=ghcr.io/acme/shop@${digest} -n shop`,
        'rollout status deployment/shop-green --timeout=90s -n shop',
      ]);
    });
  });

  test('a rollout that does not finish in time is a version that never became ready', async () => {
    await withFakeKubectl('case "$1" in rollout) echo \'error: timed out waiting for the condition\' >&2; exit 1;; esac', async () => {
      const error = await new KubernetesDeployer(spec).deploy(target).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'not-ready', message: expect.stringContaining('kubectl rollout status deployment/shop-green --timeout=90s -n shop exited with 1: error: timed out waiting for the condition') });
    });
  });
});

describe('the readiness check', () => {
  let server: Server;
  let address: string;
  let answered = 0;
  beforeAll(async () => {
    // Not ready for the first two requests, then ready.
    server = createServer((request, response) => {
      answered++;
      response.writeHead(request.url === '/healthz' && answered > 2 ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('polls the slot\'s URL until it answers 2xx', async () => {
    const result = await waitUntilReady(`http://${address}/healthz`, 10);
    expect(result).toEqual({ ready: true, detail: `GET http://${address}/healthz answered 200 after 3 tries` });
  });

  test('a slot that never answers 2xx in time is not ready, and the deploy step says so', async () => {
    const run = script('ok.sh', 'exit 0');
    const started = Date.now();
    const error = await deployAndWait(
      { spec: { provider: 'command', run: [run], env: [], timeoutSeconds: 10 }, ready: { url: 'http://{address}/missing', timeoutSeconds: 1 } },
      { ...target, slot: { name: 'green', address } },
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error).toMatchObject({ reason: 'not-ready', message: `slot green never became ready: GET http://${address}/missing did not answer 2xx within 1s (last: answered 503)` });
  });
});
