import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { RecordingLogger } from '../../../../../src/core/log.js';
import { cloudwatchDialect } from '../../../../../src/core/metrics/dialects/cloudwatch.js';
import { CloudWatchError, createCloudWatchSource } from '../../../../../src/core/metrics/sources/cloudwatch.js';
import type { CloudWatchSettings } from '../../../../../src/core/metrics/source-settings.js';
import { parseSelector, type TemplateValues } from '../../../../../src/core/metrics/template.js';
import type { MetricSource, SourceContext } from '../../../../../src/core/metrics/types.js';
import { parseInsights, startCloudWatchSim, TEST_CREDENTIALS, type Datapoint, type RunningCloudWatchSim } from '../../../../../testkit/cloudwatch-sim/index.js';

// The cloudwatch source through the real AWS SDK (@aws-sdk/client-cloudwatch) against the test
// bed's CloudWatch (testkit/cloudwatch-sim): AWS JSON 1.0 with every Signature V4 checked, Metrics
// Insights over datapoints loaded here, pages of a few datapoints, faults on demand. The SDK
// deserialising the simulator's answers is the contract of their shape.

const T0 = Date.UTC(2026, 0, 1) / 1000;
const ENV = { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey };
const QUERY = (target: string) => `SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", TargetGroup) WHERE "TargetGroup" = '${target}'`;

/** An ALB's RequestCount observation for a target group. */
const requests = (target: string, at: number, value: number): Datapoint => ({ namespace: 'AWS/ApplicationELB', metric: 'RequestCount', dimensions: { TargetGroup: target }, time: at, value });

/** A clock whose sleeps are recorded, not waited. */
function recordingClock() {
  const sleeps: number[] = [];
  return { sleeps, now: () => new Date(), sleep: async (ms: number) => void sleeps.push(ms) };
}

const values = (matchers: string): TemplateValues => {
  const selector = parseSelector(matchers, 'test');
  return { selector, canary: selector, baseline: selector, intervalSeconds: 60 };
};

describe('the cloudwatch dialect (Metrics Insights)', () => {
  const template = 'SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", TargetGroup) WHERE {{selector}}';

  test('a selector becomes WHERE conditions: keys double-quoted, values single-quoted, joined with AND', () => {
    expect(cloudwatchDialect.render(template, values('TargetGroup="targetgroup/web-v2/0123", Slot!="blue"'), 'test')).toBe(
      `SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", TargetGroup) WHERE "TargetGroup" = 'targetgroup/web-v2/0123' AND "Slot" != 'blue'`,
    );
  });

  test('a value holding quotes stays one literal: read back by a Metrics Insights parser it is the same value', () => {
    const hostile = `v2' OR "TargetGroup" != 'x`;
    const rendered = cloudwatchDialect.render(template, { ...values('version="x"'), selector: [{ name: 'TargetGroup', op: '=', value: hostile }] }, 'test');
    expect(rendered).toContain(`'v2\\' OR \\"TargetGroup\\" != \\'x'`);
    expect(parseInsights(rendered).where).toEqual([{ key: 'TargetGroup', op: '=', value: hostile }]);
  });

  test('{{version}} stands inside single quotes, escaped; {{interval}} is seconds', () => {
    const query = `SELECT SUM(RequestCount) FROM "AWS/ApplicationELB" WHERE "Version" = '{{version}}'`;
    expect(cloudwatchDialect.render(query, values(`version="it's"`), 'test')).toBe(`SELECT SUM(RequestCount) FROM "AWS/ApplicationELB" WHERE "Version" = 'it\\'s'`);
    expect(() => cloudwatchDialect.check(`SELECT SUM(x) FROM y WHERE "Version" = {{version}}`, 'metric "m" field query')).toThrow(
      "metric \"m\" field query: {{version}} must stand inside a single-quoted string, e.g. '{{version}}'.",
    );
    expect(() => cloudwatchDialect.check(`SELECT SUM(x) FROM y WHERE "a" = '{{selector}}'`, 'metric "m" field query')).toThrow('{{selector}} must not stand inside a string literal');
    expect(cloudwatchDialect.render('RATE(m1) * {{interval}}', values('a="b"'), 'test')).toBe('RATE(m1) * 60');
  });

  test('regex matchers and values Metrics Insights cannot write are refused, naming where and the fix', () => {
    expect(() => cloudwatchDialect.checkSelector(parseSelector('TargetGroup=~"web-.*"', 'canary'), 'canary-selector')).toThrow(
      'canary-selector: the matcher TargetGroup=~"web-.*" is a regular expression, which CloudWatch Metrics Insights cannot express',
    );
    expect(() => cloudwatchDialect.checkSelector(parseSelector('Slot!~"b.*"', 'canary'), 'canary-selector')).toThrow('Fix: select each side with = or != matchers');
    expect(() => cloudwatchDialect.checkSelector([{ name: 'Path', op: '=', value: 'C:\\logs' }], 'baseline-selector')).toThrow('baseline-selector: the value of Path holds a backslash');
    expect(() => cloudwatchDialect.checkSelector([{ name: 'Path', op: '=', value: 'a\nb' }], 'baseline-selector')).toThrow('holds a control character');
    expect(() => cloudwatchDialect.checkSelector(parseSelector('TargetGroup="a", Slot!="b"', 'x'), 'canary-selector')).not.toThrow();
  });
});

describe('the cloudwatch source against the test bed CloudWatch', () => {
  let sim: RunningCloudWatchSim;
  const settings = (): CloudWatchSettings => ({ type: 'cloudwatch', region: 'eu-west-1', endpoint: sim.url });
  const source = (context: Partial<SourceContext> = {}, overrides: Partial<CloudWatchSettings> = {}): Promise<MetricSource> =>
    createCloudWatchSource({ ...settings(), ...overrides }, { env: ENV, retries: 2, retryDelayMs: 100, clock: recordingClock(), ...context });
  const window = (fromMinute: number, toMinute: number) => ({ start: new Date((T0 + fromMinute * 60) * 1000), end: new Date((T0 + toMinute * 60) * 1000), stepSeconds: 60 });

  beforeAll(async () => {
    sim = await startCloudWatchSim({ region: 'eu-west-1', pageSize: 3 });
    sim.put([
      // Minute 0: 3 + 2; minute 1: 4; minute 2: nothing; minute 3: 1; then one a minute for minutes 10…19.
      requests('tg-v2', T0 + 5, 3),
      requests('tg-v2', T0 + 50, 2),
      requests('tg-v2', T0 + 65, 4),
      requests('tg-v2', T0 + 185, 1),
      ...Array.from({ length: 10 }, (_, i) => requests('tg-v2', T0 + (10 + i) * 60 + 30, 100 + i)),
      // Another target group in the same minutes: never part of tg-v2's answers.
      requests('tg-v1', T0 + 5, 1000),
      requests('tg-v1', T0 + 125, 1000),
    ]);
  });
  afterAll(() => sim?.stop());
  afterEach(() => {
    sim.messages.length = 0;
  });

  test('each bucket is stamped at its end; a bucket without data is left out, never a zero', async () => {
    const before = sim.requests.length;
    const samples = await (await source()).queryRange(QUERY('tg-v2'), window(1, 4));
    expect(samples).toEqual([
      { time: T0 + 60, value: 5 },
      { time: T0 + 120, value: 4 },
      { time: T0 + 240, value: 1 },
    ]);
    // Asked from start − step to end, in buckets of the step, with the query as written.
    const [request] = sim.requests.slice(before);
    expect(request.accessKeyId).toBe(TEST_CREDENTIALS.accessKeyId);
    expect(request.input).toMatchObject({ StartTime: T0, EndTime: T0 + 240, MetricDataQueries: [{ Expression: QUERY('tg-v2'), Period: 60, ReturnData: true }] });
  });

  test('a long answer is read to its last page (NextToken followed)', async () => {
    const before = sim.requests.length;
    const samples = await (await source()).queryRange(QUERY('tg-v2'), window(11, 20));
    expect(samples).toEqual(Array.from({ length: 10 }, (_, i) => ({ time: T0 + (11 + i) * 60, value: 100 + i })));
    const pages = sim.requests.slice(before);
    // Pages of 3 datapoints: 3 + 3 + 3 + 1.
    expect(pages).toHaveLength(4);
    expect(pages.slice(1).every((p) => typeof p.input.NextToken === 'string')).toBe(true);
  });

  test('a query that matches nothing is no samples, and NaN as an instant value', async () => {
    const cloudwatch = await source();
    expect(await cloudwatch.queryRange(QUERY('tg-none'), window(1, 4))).toEqual([]);
    expect(await cloudwatch.queryInstant(QUERY('tg-none'), new Date((T0 + 90) * 1000))).toBeNaN();
    // The last whole minute before 01:30 is [1 min, 2 min): 4 requests.
    expect(await cloudwatch.queryInstant(QUERY('tg-v2'), new Date((T0 + 150) * 1000))).toBe(4);
  });

  test('several series (a GROUP BY) are refused, asking to aggregate to one', async () => {
    const grouped = 'SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", TargetGroup) GROUP BY TargetGroup';
    const failure = (await source()).queryRange(grouped, window(1, 4));
    await expect(failure).rejects.toThrow(`query ${grouped} returned 2 time series ("tg-v1", "tg-v2"); aggregate it to one: leave out GROUP BY`);
    await expect(failure).rejects.toMatchObject({ retryable: false });
  });

  test('AccessDenied names the IAM permission and the workflow setup, and is not retried', async () => {
    const cloudwatch = await source();
    // Queued for three requests: one is all it takes, since it is not retried.
    sim.fail('access-denied', 3);
    const before = sim.requests.length;
    const failure = cloudwatch.queryRange(QUERY('tg-v2'), window(1, 4));
    await expect(failure).rejects.toThrow(CloudWatchError);
    await expect(failure).rejects.toThrow(/denied GetMetricData for query .* \(AccessDenied: User: .* is not authorized to perform: cloudwatch:GetMetricData/);
    await expect(failure).rejects.toThrow('the IAM role (or user) needs the permission cloudwatch:GetMetricData');
    await expect(failure).rejects.toThrow('`permissions: id-token: write` and assume that role with aws-actions/configure-aws-credentials');
    expect(sim.requests.length - before).toBe(1);
    sim.clearFaults();
  });

  test('throttling and 5xx are retried by Slipway alone, on the context clock: the SDK does not retry underneath', async () => {
    const clock = recordingClock();
    const cloudwatch = await source({ clock, retries: 3, retryDelayMs: 200 });
    sim.fail('throttling');
    sim.fail('internal-error');
    const before = sim.requests.length;
    expect(await cloudwatch.queryRange(QUERY('tg-v2'), window(1, 2))).toEqual([
      { time: T0 + 60, value: 5 },
      { time: T0 + 120, value: 4 },
    ]);
    expect(sim.requests.length - before).toBe(3);
    expect(clock.sleeps).toEqual([200, 400]);

    // Out of attempts: exactly retries + 1 requests, the last error said.
    const patient = await source({ clock: recordingClock(), retries: 1 });
    sim.fail('throttling', 2);
    const start = sim.requests.length;
    await expect(patient.queryRange(QUERY('tg-v2'), window(1, 2))).rejects.toThrow('throttled GetMetricData for query');
    expect(sim.requests.length - start).toBe(2);
  });

  test("an invalid query is the service's message naming the query, not retried", async () => {
    const broken = 'SELECT SUM(RequestCount FROM "AWS/ApplicationELB"';
    const before = sim.requests.length;
    const failure = (await source()).queryRange(broken, window(1, 4));
    await expect(failure).rejects.toThrow(`rejected the metric query ${broken} (InvalidParameterValue: Error in expression of MetricDataQueries.member.1 (slipway): Syntax error`);
    expect(sim.requests.length - before).toBe(1);
  });

  test('a period CloudWatch does not accept is refused before any request', async () => {
    const before = sim.requests.length;
    await expect((await source()).queryRange(QUERY('tg-v2'), { ...window(1, 4), stepSeconds: 45 })).rejects.toThrow("GetMetricData's Period must be 1, 5, 10, 20 or 30 seconds (high-resolution metrics) or a whole number of minutes");
    expect(sim.requests.length).toBe(before);
  });

  test("a 200 that is not CloudWatch's JSON is a non-retryable error naming the query and what was expected", async () => {
    sim.fail('not-json');
    const failure = (await source()).queryRange(QUERY('tg-v2'), window(1, 4));
    await expect(failure).rejects.toThrow(/answered GetMetricData for query .* with something the AWS SDK could not read .*expected \{MetricDataResults/);
    await expect(failure).rejects.toMatchObject({ retryable: false });
  });

  test("CloudWatch's messages are surfaced: logged beside data, the error when there is none", async () => {
    sim.messages.push({ Code: 'MaxQueryTimeRangeExceed', Value: 'The query time range exceeds the maximum allowed.' });
    const logger = new RecordingLogger();
    const cloudwatch = await source({ logger });
    expect(await cloudwatch.queryRange(QUERY('tg-v2'), window(1, 2))).toHaveLength(2);
    expect(logger.at('warning').join('\n')).toContain('CloudWatch said: MaxQueryTimeRangeExceed: The query time range exceeds the maximum allowed.');
    await expect(cloudwatch.queryRange(QUERY('tg-none'), window(1, 2))).rejects.toThrow('returned no data for query');
  });

  test('credentials the endpoint does not know are refused with what to check; the secret is never printed', async () => {
    const secret = 'not-the-right-secret-0123456789';
    const failure = (await source({ env: { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN000000000', AWS_SECRET_ACCESS_KEY: secret } })).queryRange(QUERY('tg-v2'), window(1, 2));
    await expect(failure).rejects.toThrow('refused the AWS credentials (InvalidClientTokenId: The security token included in the request is invalid.)');
    await expect(failure).rejects.not.toThrow(secret);
  });

  test('temporary credentials carry their session token', async () => {
    const temporary = { accessKeyId: 'ASIASLIPWAYTEMP00001', secretAccessKey: 'temporary/secret/key/for/loopback', sessionToken: 'session-token-from-sts-0123' };
    const strict = await startCloudWatchSim({ region: 'eu-west-1', credentials: [temporary] });
    try {
      strict.put([requests('tg-v2', T0 + 5, 7)]);
      const env = { AWS_ACCESS_KEY_ID: temporary.accessKeyId, AWS_SECRET_ACCESS_KEY: temporary.secretAccessKey, AWS_SESSION_TOKEN: temporary.sessionToken };
      const cloudwatch = await createCloudWatchSource({ type: 'cloudwatch', region: 'eu-west-1', endpoint: strict.url }, { env, retries: 0 });
      expect(await cloudwatch.queryRange(QUERY('tg-v2'), window(1, 1))).toEqual([{ time: T0 + 60, value: 7 }]);
      // Without the token the same keys are refused.
      const without = await createCloudWatchSource({ type: 'cloudwatch', region: 'eu-west-1', endpoint: strict.url }, { env: { ...env, AWS_SESSION_TOKEN: undefined }, retries: 0 });
      await expect(without.queryRange(QUERY('tg-v2'), window(1, 1))).rejects.toThrow('refused the AWS credentials');
    } finally {
      await strict.stop();
    }
  });

  describe("the AWS chain of the process's environment", () => {
    const saved = { ...process.env };
    const nowhere = join(tmpdir(), `slipway-no-aws-${process.pid}`);
    afterEach(() => {
      for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([name]) => name.startsWith('AWS_'))));
    });
    /** A process environment with no AWS settings but these; no shared files, no instance metadata (nothing leaves the machine). */
    const isolate = (env: Record<string, string>) => {
      for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
      Object.assign(process.env, { AWS_CONFIG_FILE: join(nowhere, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(nowhere, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true', ...env });
      return { ...process.env };
    };

    test('keys in the environment reach the SDK through its credential chain', async () => {
      isolate(ENV);
      // An empty context: the chain (credential-provider-node) reads the process's own.
      const cloudwatch = await createCloudWatchSource(settings(), { env: {}, retries: 0 });
      expect(await cloudwatch.queryRange(QUERY('tg-v2'), window(1, 1))).toEqual([{ time: T0 + 60, value: 5 }]);
    });

    test('no credentials anywhere: the source is not created, and the error says how to provide them', async () => {
      const env = isolate({});
      const failure = createCloudWatchSource(settings(), { env, retries: 0 });
      await expect(failure).rejects.toThrow('No AWS credentials');
      await expect(failure).rejects.toThrow('give the job `permissions: id-token: write` and run aws-actions/configure-aws-credentials');
      await expect(failure).rejects.toThrow('set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    });

    test('no region anywhere: the source is not created, and the error says where to set one', async () => {
      const env = isolate(ENV);
      await expect(createCloudWatchSource({ type: 'cloudwatch', endpoint: sim.url }, { env })).rejects.toThrow('The cloudwatch source has no AWS region. Fix: give it one ({cloudwatch: {region: eu-west-1}}), or set AWS_REGION');
      // AWS_REGION (as configure-aws-credentials exports it) is enough.
      const cloudwatch = await createCloudWatchSource({ type: 'cloudwatch', endpoint: sim.url }, { env: { ...env, AWS_REGION: 'eu-west-1' }, retries: 0 });
      expect(await cloudwatch.queryRange(QUERY('tg-v2'), window(1, 1))).toEqual([{ time: T0 + 60, value: 5 }]);
    });
  });
});
