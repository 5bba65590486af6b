import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { VirtualClock } from '../../src/core/analysis/clock.js';
import { runAnalysis } from '../../src/core/analysis/loop.js';
import { RegistryClient } from '../../src/core/artifact/client.js';
import { InvalidManifestError } from '../../src/core/artifact/manifests.js';
import { SlipwayError } from '../../src/core/errors.js';
import { createGitHubClient, GitHubLedger } from '../../src/core/ledger/index.js';
import { RecordingLogger } from '../../src/core/log.js';
import { parseMetricsYaml } from '../../src/core/metrics/metrics-config.js';
import { PrometheusError, PrometheusSource } from '../../src/core/metrics/prometheus.js';
import { parseSelector } from '../../src/core/metrics/template.js';
import { decideRollback, parseRollbackTo } from '../../src/core/rollback/index.js';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { freePort } from '../../testkit/bed/ports.js';
import { startRegistry, type RegistryServer } from '../../testkit/bed/registry.js';
import { startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../support/ledger-history.js';
import { pushSeededImage } from '../integration/artifact/fixtures.js';
import { startRegistryProxy, type RegistryProxy } from './registry-proxy.js';

// Untrusted answers (issue 13.7): Prometheus, GitHub and a registry answering 200 with the wrong
// shape or media type. Each must name the source and what was expected — never a TypeError, never
// a pass, never a deployment read as missing.

describe('Prometheus garbage', () => {
  let server: Server;
  let url: string;
  /** The body the stand-in answers every query with (200, application/json). */
  let body: unknown;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  const window = { start: new Date(1_000_000), end: new Date(1_060_000), stepSeconds: 10 };
  const source = () => new PrometheusSource({ url, retries: 0 });

  test.each([
    ['a result that is not a list', { status: 'success', data: { resultType: 'matrix', result: { oops: 1 } } }, 'a matrix result that is not a list'],
    ['a series without values', { status: 'success', data: { resultType: 'matrix', result: [{ metric: {} }] } }, 'a matrix series {"metric":{}} (expected {metric, values})'],
    ['samples of the wrong types', { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [['1', 2]] }] } }, 'a matrix series'],
    ['an unknown resultType', { status: 'success', data: { resultType: 'table', result: [] } }, 'resultType "table"'],
    ['a vector where a range was asked', { status: 'success', data: { resultType: 'vector', result: [] } }, 'resultType "vector": expected resultType "matrix"'],
  ])('Prometheus garbage: %s is a PrometheusError naming the URL, the endpoint, the query and what was expected', async (_name, answer, problem) => {
    body = answer;
    const error = await source().queryRange('sum(up)', window).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect((error as PrometheusError).retryable).toBe(false);
    expect((error as Error).message).toContain(`Prometheus at ${url} answered /api/v1/query_range for query sum(up) with ${problem}`);
    expect((error as Error).message).toContain('expected ');
  });

  test('Prometheus garbage: values that are not numbers are missing (NaN), never 0', async () => {
    body = { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1000, 'abc'], [1010, ''], [1020, '0.5']] }] } };
    expect((await source().queryRange('sum(up)', window)).map((s) => s.value)).toEqual([NaN, NaN, 0.5]);
    body = { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1000, 'x'] }] } };
    expect(await source().queryInstant('sum(up)')).toBeNaN();
  });

  test('Prometheus garbage: the analysis counts it as a source error, stops at the consecutive error limit and never passes', async () => {
    body = { status: 'success', data: { resultType: 'matrix', result: 'nothing' } };
    const metrics = parseMetricsYaml(`- {name: error-rate, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})', critical: true}`, 'test');
    const logger = new RecordingLogger();
    const result = await runAnalysis({
      source: source(),
      metrics,
      canary: parseSelector('version="v2"', 'canary'),
      baseline: parseSelector('version="v1"', 'baseline'),
      durationSeconds: 600,
      intervalSeconds: 10,
      consecutiveErrorLimit: 3,
      clock: new VirtualClock(new Date()),
      logger,
    });
    expect(result.report.verdict).not.toBe('pass');
    expect(result.intervals).toBe(3);
    expect(result.stopReason).toBe("the source of metric 'error-rate' failed 3 intervals in a row (consecutive error limit 3)");
    expect(logger.at('warning').join('\n')).toContain(`metric error-rate: Prometheus at ${url} answered /api/v1/query_range`);
    expect(logger.at('warning').join('\n')).not.toMatch(/TypeError/);
  });
});

describe('GitHub garbage', () => {
  let sim: GitHubSimulator;
  beforeAll(async () => {
    // Corrupted answers break the OpenAPI contract on purpose: no contract check here.
    sim = await startGitHubSimulator({ validate: false });
  });
  afterAll(async () => sim?.close());

  function ledger(): GitHubLedger {
    const client = createGitHubClient({ baseUrl: sim.url, token: sim.token, retryBaseMs: 5, writeSpacingMs: 0 });
    const source = { sha: 'e'.repeat(40), ref: 'refs/heads/main', runId: 1, runAttempt: 1, actor: 'octocat', workflow: 'deploy' };
    return new GitHubLedger({ client, owner: sim.owner, repo: sim.repo, source, runUrl: 'https://github.com/octo-org/app/actions/runs/1' });
  }
  const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
  let environments = 0;

  test.each([
    ['a deployment list that is not a list', 'GET /repos/{owner}/{repo}/deployments', () => ({ deployments: [] }), '?environment=', 'a JSON array of deployments'],
    ['a deployment without an id', 'GET /repos/{owner}/{repo}/deployments', (body: unknown) => (body as object[]).map(({ id: _id, ...rest }: { id?: number }) => rest), '?environment=', 'a deployment with a numeric id'],
    ['a status of an unknown state', 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', (body: unknown) => (body as object[]).map((s) => ({ ...s, state: 'done' })), '/statuses', 'deployment statuses with a numeric id, a created_at string and a state among queued, pending, in_progress, success, failure, error, inactive'],
  ])('GitHub garbage: %s fails the rollback decision naming GitHub, the endpoint and what was expected; nothing is written', async (_name, route, mutate, endpoint, expected) => {
    const environment = `production-${++environments}`;
    const builder = new HistoryBuilder(sim, environment);
    builder.add(1, { digest: digest(1) });
    builder.add(1, { digest: digest(2) });
    sim.corruptResponses(route, mutate, 1);
    sim.resetCounts();
    const error = await decideRollback(ledger(), environment, parseRollbackTo('previous')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as Error).message).toMatch(new RegExp(`^GitHub answered GET /repos/${sim.owner}/${sim.repo}/deployments\\S*${endpoint.replace(/[?]/g, '\\?')}`));
    expect((error as Error).message).toContain(`expected ${expected}`);
    expect(sim.requests(undefined, 'POST')).toBe(0);
  });

  test('GitHub garbage: a deployment of the wrong shape read by id is an error, not "does not exist"', async () => {
    const environment = `production-${++environments}`;
    const [id] = new HistoryBuilder(sim, environment).add(1, { digest: digest(1) });
    sim.corruptResponses('GET /repos/{owner}/{repo}/deployments/{deployment_id}', () => 'an HTML page', 1);
    await expect(ledger().getDeployment(id)).rejects.toThrow(`GitHub answered GET /repos/${sim.owner}/${sim.repo}/deployments/${id} with something else than expected: got "an HTML page", expected a deployment with a numeric id`);
  });
});

const describeIfRegistry = serverAvailable('docker-registry') ? describe : describe.skip;

describeIfRegistry('registry garbage', () => {
  let registry: RegistryServer;
  let proxy: RegistryProxy;
  let digest: string;
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startRegistryProxy(registry.host);
    digest = await pushSeededImage({ client: new RegistryClient({ registry: registry.host }), repository: 'shop/app' }, 'garbage', 1024, ['v1']);
  });
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
  });

  /** Every manifest GET through the proxy answers `rewrite(body)` with the registry's headers. */
  function client(rewrite: (manifest: Record<string, unknown>) => unknown): RegistryClient {
    proxy.decide = (request) => (request.method === 'GET' && request.path.includes('/manifests/') ? { rewriteBody: (body) => Buffer.from(JSON.stringify(rewrite(JSON.parse(body.toString())))) } : undefined);
    return new RegistryClient({ registry: proxy.host, attempts: 1 });
  }

  test('registry garbage: a body whose mediaType disagrees with Content-Type is refused, naming the registry, the reference and what was expected', async () => {
    const error = await client((m) => ({ ...m, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' })).manifests.get('shop/app', 'v1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidManifestError);
    expect((error as Error).message).toBe(
      `Manifest v1 of ${proxy.host}/shop/app is not a valid manifest: its body says application/vnd.docker.distribution.manifest.v2+json but Content-Type says application/vnd.oci.image.manifest.v1+json; ` +
        'expected schemaVersion 2 and one of application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json with its descriptors. Check what answers at that registry.',
    );
  });

  test.each([
    ['JSON that is not a manifest', () => ({ hello: 'world' }), 'its schemaVersion is missing'],
    ['a manifest whose layers are not descriptors', (m: Record<string, unknown>) => ({ ...m, layers: [{ digest: 'nope' }] }), 'its `config` and `layers` are not descriptors'],
    ['an unknown media type', (m: Record<string, unknown>) => ({ ...m, mediaType: 'text/html' }), 'its media type is text/html'],
  ])('registry garbage: %s is an InvalidManifestError, never a TypeError', async (_name, rewrite, problem) => {
    await expect(client(rewrite).manifests.get('shop/app', 'v1')).rejects.toThrow(new RegExp(`^Manifest v1 of ${proxy.host.replace(/\./g, '\\.')}/shop/app is not a valid manifest: ${problem.replace(/[`]/g, '.')}`));
  });

  test('registry garbage: a body that does not hash to the digest asked for is refused', async () => {
    const error = await client((m) => ({ ...m, annotations: { tampered: 'yes' } })).manifests.get('shop/app', digest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidManifestError);
    expect((error as Error).message).toMatch(new RegExp(`^Manifest ${digest} of ${proxy.host.replace(/\./g, '\\.')}/shop/app failed verification: its bytes hash to sha256:[0-9a-f]{64}, expected the digest asked for`));
  });
});
