import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusSource } from '../../../../src/core/metrics/prometheus.js';
import { createSigV4Signer } from '../../../../src/core/metrics/sigv4.js';
import { startApp, type RunningApp } from '../../../../testkit/bed/app.js';
import { serverAvailable } from '../../../../testkit/bed/binaries.js';
import { startPrometheus, type RunningPrometheus } from '../../../../testkit/bed/prometheus.js';
import { TEST_CREDENTIALS, verifySigV4 } from '../../../../testkit/cloudwatch-sim/index.js';

// AWS Signature V4 for Prometheus-API services (Amazon Managed Prometheus): the signer against
// AWS's published test vector, then a Prometheus source signing its requests through a loopback
// proxy that checks every signature as AWS does (recomputed with the same library from the test
// credentials) and forwards the good ones to a real Prometheus under a workspace-like path prefix.

const ENV = { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey };
const WORKSPACE = '/workspaces/ws-0123abcd-4567';

describe('the SigV4 signer', () => {
  test("signs AWS's get-vanilla example to the published signature", async () => {
    const sign = await createSigV4Signer({
      region: 'us-east-1',
      service: 'service',
      env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      now: () => new Date('2015-08-30T12:36:00Z'),
    });
    expect(await sign({ method: 'GET', url: 'https://example.amazonaws.com/', headers: {}, body: '' })).toEqual({
      'x-amz-date': '20150830T123600Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    });
  });

  test('temporary credentials add their session token; the default service is aps', async () => {
    const sign = await createSigV4Signer({ region: 'eu-west-1', env: { ...ENV, AWS_SESSION_TOKEN: 'session-token-0123' } });
    const headers = await sign({ method: 'POST', url: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/query', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=up' });
    expect(headers['x-amz-security-token']).toBe('session-token-0123');
    expect(headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/\\d{8}/eu-west-1/aps/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$`));
  });

  test("the verifier is no rubber stamp: a body changed after signing is refused", async () => {
    const sign = await createSigV4Signer({ region: 'eu-west-1', env: ENV });
    const url = 'http://127.0.0.1:9090/api/v1/query';
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(await sign({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=up' })), host: '127.0.0.1:9090' };
    const check = (body: string) => verifySigV4({ method: 'POST', url: '/api/v1/query', headers, body: Buffer.from(body) }, { credentials: [TEST_CREDENTIALS], region: 'eu-west-1', service: 'aps' });
    expect(await check('query=up')).toEqual({ ok: true, accessKeyId: TEST_CREDENTIALS.accessKeyId });
    expect(await check('query=vector(1)')).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });
});

const describeIf = serverAvailable('prometheus') ? describe : describe.skip;

describeIf('a Prometheus source signing with SigV4, through a verifying proxy to a real Prometheus', () => {
  let app: RunningApp;
  let prometheus: RunningPrometheus;
  let proxy: Server;
  let url: string;
  const seen: { authorization?: string; ok: boolean }[] = [];

  beforeAll(async () => {
    app = await startApp({ version: 'v1' });
    prometheus = await startPrometheus({ targets: [app.address] });
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const body = Buffer.concat(chunks);
        const verdict = await verifySigV4({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }, { credentials: [TEST_CREDENTIALS], region: 'eu-west-1', service: 'aps' });
        seen.push({ authorization: req.headers.authorization, ok: verdict.ok });
        if (!verdict.ok) {
          // As Amazon Managed Prometheus refuses: 403, the error type in a header, {message}.
          res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': `${verdict.code === 'SignatureDoesNotMatch' ? 'InvalidSignature' : verdict.code}Exception:http://internal.amazon.com/coral/com.amazon.coral.service/` });
          res.end(JSON.stringify({ message: verdict.message }));
          return;
        }
        const upstream = await fetch(`${prometheus.url}${(req.url ?? '/').replace(WORKSPACE, '')}`, { method: req.method, headers: { 'content-type': String(req.headers['content-type']) }, body });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${WORKSPACE}`;
    await prometheus.waitForSeries('up{job="app"}');
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await prometheus?.stop();
    await app?.stop();
  });

  const signed = async (env: Record<string, string | undefined>, region = 'eu-west-1') => new PrometheusSource({ url, retries: 0, sign: await createSigV4Signer({ region, env }) });

  test('signed requests pass the check and read the same numbers as Prometheus itself', async () => {
    const before = seen.length;
    const source = await signed(ENV);
    expect(await source.queryInstant('sum(up{job="app"})')).toBe(1);
    const window = { start: new Date(Date.now() - 3000), end: new Date(), stepSeconds: 1 };
    const samples = await source.queryRange('sum(up{job="app"})', window);
    expect(samples.length).toBeGreaterThan(0);
    expect(samples).toEqual(await new PrometheusSource({ url: prometheus.url, retries: 0 }).queryRange('sum(up{job="app"})', window));
    expect(seen.slice(before).every((s) => s.ok && s.authorization?.includes('/eu-west-1/aps/aws4_request'))).toBe(true);
  });

  test('an unsigned request is refused, and the error says the service wants SigV4', async () => {
    const failure = new PrometheusSource({ url, retries: 0 }).queryInstant('up');
    await expect(failure).rejects.toThrow(`Prometheus at ${url} refused the request (HTTP 403): this is an AWS service (MissingAuthenticationTokenException): its requests must be signed with AWS Signature V4; give the source sigv4: {region: <the workspace's region>} and AWS credentials. It said: Request is missing Authentication Token`);
  });

  test('a wrong secret key or region is refused, and the error says what to check, never the secret', async () => {
    const secret = 'wrong/secret/key/0123456789abcdefghij';
    const wrongKey = (await signed({ ...ENV, AWS_SECRET_ACCESS_KEY: secret })).queryInstant('up');
    await expect(wrongKey).rejects.toThrow(`Prometheus at ${url} refused the signed request (HTTP 403): check the AWS credentials the chain found`);
    await expect(wrongKey).rejects.toThrow("that their role may call the service (Amazon Managed Prometheus: aps:QueryMetrics on the workspace), and that sigv4 names the workspace's region (eu-west-1) and service (aps). It said: The request signature we calculated does not match");
    await expect(wrongKey).rejects.not.toThrow(secret);
    await expect((await signed(ENV, 'us-east-2')).queryInstant('up')).rejects.toThrow("sigv4 names the workspace's region (us-east-2) and service (aps). It said: Credential should be scoped to a valid region.");
  });

  describe("credentials from the process's AWS chain", () => {
    const saved = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('AWS_')));
    const nowhere = join(tmpdir(), `slipway-no-aws-${process.pid}`);
    const isolate = (env: Record<string, string>) => {
      for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
      // No shared files, no instance metadata: nothing leaves the machine.
      Object.assign(process.env, { AWS_CONFIG_FILE: join(nowhere, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(nowhere, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true', ...env });
    };
    afterEach(() => {
      for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
      Object.assign(process.env, saved);
    });

    test('keys the chain finds in the environment sign the requests', async () => {
      isolate(ENV);
      expect(await (await signed({})).queryInstant('sum(up{job="app"})')).toBe(1);
    });

    test('no credentials: the request is not sent, and the error says how to provide them', async () => {
      isolate({});
      const before = seen.length;
      const failure = (await signed({})).queryInstant('up');
      await expect(failure).rejects.toThrow(`Prometheus at ${url}: could not sign the request: No AWS credentials`);
      await expect(failure).rejects.toThrow('give the job `permissions: id-token: write` and run aws-actions/configure-aws-credentials');
      expect(seen.length).toBe(before);
    });
  });
});
