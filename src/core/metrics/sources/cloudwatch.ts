import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { isTransientNetworkError } from '../../retry.js';
import { redact } from '../../secrets/index.js';
import { cloudwatchDialect } from '../dialects/cloudwatch.js';
import { AWS_CREDENTIALS_FIX, awsCredentialProvider, AwsCredentialsError } from '../sigv4.js';
import type { CloudWatchSettings } from '../source-settings.js';
import type { MetricSource, QueryWindow, Sample, SourceContext } from '../types.js';
import { MetricSourceError, retrySourceRead } from '../source-http.js';

// Amazon CloudWatch through the official AWS SDK (@aws-sdk/client-cloudwatch, which speaks AWS JSON
// 1.0 to the `monitoring` endpoint, signed with Signature V4). A metric query is a GetMetricData
// `Expression`: a Metrics Insights query (`SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB",
// TargetGroup) WHERE {{selector}}`, dialects/cloudwatch.ts) or metric math. One MetricDataQuery
// {Id, Expression, Period: the analysis interval} is asked from start − step to end (EndTime is
// exclusive), NextToken followed to the last page; CloudWatch stamps a datapoint at its bucket's
// start, Slipway at its end (`counts: 'interval'`: the value at t is what happened in [t − step, t)).
// A bucket CloudWatch has no datapoint for stays missing, never a zero — an ALB emits no
// HTTPCode_Target_5XX_Count for a minute without errors, so such a bucket is missing, not clean.
// Retries: the SDK's own are off (maxAttempts 1) and Slipway's withRetry does them — the same
// count, back-off and clock as every other source (context.retries, retryDelayMs, clock), never
// the product of two policies. Throttling, 5xx, a result with StatusCode InternalError, timeouts
// and dropped connections are retried; AccessDenied, an invalid query and missing credentials are not.
// Credentials come from the standard AWS chain (sigv4.ts), resolved once when the source is created
// so a workflow without them fails before any traffic moves.

/** A failed CloudWatch request; `retryable` when another attempt may succeed. */
export class CloudWatchError extends MetricSourceError {
  override readonly name = 'CloudWatchError';
  constructor(
    message: string,
    retryable: boolean,
    /** CloudWatch's error code (AccessDenied, Throttling, InvalidParameterValue, …), when it sent one. */
    readonly code?: string,
  ) {
    super(message, retryable);
  }
}

/** The Id of Slipway's one MetricDataQuery (an Id starts with a lower-case letter). */
const QUERY_ID = 'slipway';
/** Pages of one answer Slipway follows at most: a token that never ends is CloudWatch's bug, not a wait. */
const MAX_PAGES = 500;
/** Periods GetMetricData accepts: 1, 5, 10, 20 or 30 s for high-resolution metrics, else whole minutes. */
const HIGH_RESOLUTION_PERIODS = [1, 5, 10, 20, 30];
/** The period of an instant query: CloudWatch's standard resolution. */
const INSTANT_PERIOD = 60;

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const CREDENTIALS_REFUSED = new Set([
  'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'IncompleteSignature', 'ExpiredToken', 'ExpiredTokenException',
  'InvalidSignatureException', 'RequestExpired', 'MissingAuthenticationToken', 'MissingAuthenticationTokenException', 'AuthFailure',
]);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown', 'PriorRequestNotComplete']);

/**
 * A CloudWatch source. The region is the settings', else AWS_REGION / AWS_DEFAULT_REGION of
 * `context.env`, else the AWS config's; `endpoint` replaces the region's (a VPC endpoint). Fails
 * now, saying how to provide it, when there is no region or no credentials.
 */
export async function createCloudWatchSource(settings: CloudWatchSettings, context: SourceContext): Promise<MetricSource> {
  const region = settings.region ?? context.env.AWS_REGION ?? context.env.AWS_DEFAULT_REGION;
  const credentials = awsCredentialProvider(context.env, region);
  const client = new CloudWatchClient({
    ...(region ? { region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    credentials,
    // Slipway retries (withRetry below); the SDK's retries would multiply with them.
    maxAttempts: 1,
  });
  let resolvedRegion: string;
  try {
    resolvedRegion = await client.config.region();
  } catch {
    throw new CloudWatchError(
      'The cloudwatch source has no AWS region. Fix: give it one ({cloudwatch: {region: eu-west-1}}), or set AWS_REGION (aws-actions/configure-aws-credentials sets it from its aws-region input).',
      false,
    );
  }
  const where = `CloudWatch in ${resolvedRegion}${settings.endpoint ? ` at ${settings.endpoint}` : ''}`;
  try {
    await credentials();
  } catch (error) {
    if (error instanceof AwsCredentialsError) throw new CloudWatchError(`${where}: ${error.message}`, false);
    throw error;
  }
  return new CloudWatchSource(client, where, context);
}

class CloudWatchSource implements MetricSource {
  readonly type = 'cloudwatch';
  readonly counts = 'interval' as const;
  readonly dialect = cloudwatchDialect;

  constructor(
    private readonly client: CloudWatchClient,
    private readonly where: string,
    private readonly context: SourceContext,
  ) {}

  /** One sample per bucket of `stepSeconds` ending at a point of [start, end], stamped at its end; [] when nothing matched. */
  async queryRange(query: string, window: QueryWindow): Promise<Sample[]> {
    const step = window.stepSeconds;
    if (!(HIGH_RESOLUTION_PERIODS.includes(step) || (Number.isInteger(step) && step > 0 && step % 60 === 0))) {
      throw new CloudWatchError(
        `${this.where} cannot answer query ${query} in intervals of ${step} s: GetMetricData's Period must be 1, 5, 10, 20 or 30 seconds (high-resolution metrics) or a whole number of minutes. Fix: set the analysis interval to 60s (or a multiple of it).`,
        false,
      );
    }
    const start = window.start.getTime() / 1000;
    const end = window.end.getTime() / 1000;
    const samples = await this.getMetricData(query, start - step, end, step);
    return samples.filter((s) => s.time >= start && s.time <= end);
  }

  /** The last whole minute before `time` (default now): what happened in it; NaN when nothing. */
  async queryInstant(query: string, time?: Date): Promise<number> {
    const now = (time ?? this.context.clock?.now() ?? new Date()).getTime() / 1000;
    const end = Math.floor(now / INSTANT_PERIOD) * INSTANT_PERIOD;
    const samples = await this.getMetricData(query, end - INSTANT_PERIOD, end, INSTANT_PERIOD);
    return samples.find((s) => s.time === end)?.value ?? NaN;
  }

  /** The one series of `query` over [from, to) in buckets of `period` seconds, each stamped at its end, in time order. */
  private async getMetricData(query: string, from: number, to: number, period: number): Promise<Sample[]> {
    const series = new Map<string, Map<number, number>>();
    const messages: string[] = [];
    const tokens = new Set<string>();
    let partial = false;
    let token: string | undefined;
    for (let page = 1; ; page++) {
      const output = await this.send(query, {
        MetricDataQueries: [{ Id: QUERY_ID, Expression: query, Period: period, ReturnData: true }],
        StartTime: new Date(from * 1000),
        EndTime: new Date(to * 1000),
        ScanBy: 'TimestampAscending',
        ...(token ? { NextToken: token } : {}),
      });
      const results = output.MetricDataResults;
      if (!Array.isArray(results)) throw this.malformed(query, 'an answer without MetricDataResults');
      for (const message of output.Messages ?? []) messages.push(`${message.Code ?? 'message'}: ${message.Value ?? ''}`);
      for (const result of results) {
        for (const message of result.Messages ?? []) messages.push(`${message.Code ?? 'message'}: ${message.Value ?? ''}`);
        const times = result.Timestamps ?? [];
        const values = result.Values ?? [];
        if (times.length !== values.length) throw this.malformed(query, `a result with ${times.length} timestamps and ${values.length} values`);
        const label = result.Label ?? result.Id ?? '';
        const points = series.get(label) ?? new Map<number, number>();
        series.set(label, points);
        times.forEach((at, i) => {
          const value = values[i];
          if (!(at instanceof Date) || Number.isNaN(at.getTime()) || typeof value !== 'number') throw this.malformed(query, `a datapoint ${JSON.stringify([at, value])}`);
          // CloudWatch stamps a bucket at its start; the analysis reads it at its end.
          points.set(at.getTime() / 1000 + period, value);
        });
      }
      partial = results.some((r) => r.StatusCode === 'PartialData');
      token = output.NextToken;
      if (!token) break;
      if (tokens.has(token) || page >= MAX_PAGES) throw this.malformed(query, `a NextToken that does not end after ${page} pages`);
      tokens.add(token);
    }
    const said = messages.length > 0 ? ` CloudWatch said: ${redact(messages.join('; ')).slice(0, 400)}` : '';
    if (series.size > 1) {
      const labels = [...series.keys()].slice(0, 5).map((l) => JSON.stringify(l)).join(', ');
      throw new CloudWatchError(
        `${this.where}: query ${query} returned ${series.size} time series (${labels}${series.size > 5 ? ', …' : ''}); aggregate it to one: leave out GROUP BY (without it Metrics Insights aggregates every metric it matches into one series), or wrap a SEARCH in SUM(…).`,
        false,
      );
    }
    const points = [...(series.values().next().value ?? new Map<number, number>())].map(([time, value]) => ({ time, value })).sort((a, b) => a.time - b.time);
    // An empty answer that CloudWatch explained (a time range too long, too many metrics) is that explanation, not "no data".
    if (points.length === 0 && messages.length > 0) throw new CloudWatchError(`${this.where} returned no data for query ${query}.${said}`, false);
    if (messages.length > 0 || partial) this.context.logger?.warning(`${this.where}, query ${query}: ${partial ? 'the answer is partial (StatusCode PartialData on its last page).' : ''}${said}`);
    return points;
  }

  /** One GetMetricData call, retried as every source retries. */
  private send(query: string, input: GetMetricDataCommandInput): Promise<GetMetricDataCommandOutput> {
    return retrySourceRead(() => this.attempt(query, input), this.context);
  }

  private async attempt(query: string, input: GetMetricDataCommandInput): Promise<GetMetricDataCommandOutput> {
    const timeoutMs = this.context.timeoutMs ?? 10_000;
    const signal = AbortSignal.timeout(timeoutMs);
    let output: GetMetricDataCommandOutput;
    try {
      output = await this.client.send(new GetMetricDataCommand(input), { abortSignal: signal });
    } catch (error) {
      throw this.failure(error, query, signal.aborted ? timeoutMs : undefined);
    }
    const failed = output.MetricDataResults?.find((r) => r.StatusCode === 'InternalError' || r.StatusCode === 'Forbidden');
    if (failed) {
      const said = (failed.Messages ?? []).map((m) => `${m.Code}: ${m.Value}`).join('; ');
      if (failed.StatusCode === 'Forbidden') throw this.accessDenied(query, 'Forbidden', said || 'the result is Forbidden');
      throw new CloudWatchError(`${this.where} could not compute query ${query} (StatusCode InternalError${said ? `: ${redact(said).slice(0, 300)}` : ''}).`, true, 'InternalError');
    }
    return output;
  }

  /** What an SDK failure means, as a CloudWatchError that says what to do. */
  private failure(error: unknown, query: string, timedOutAfterMs?: number): CloudWatchError {
    if (error instanceof CloudWatchError) return error;
    if (error instanceof AwsCredentialsError) return new CloudWatchError(`${this.where}: ${error.message}`, false);
    if (timedOutAfterMs !== undefined) return new CloudWatchError(`${this.where} is unreachable: no answer within ${timedOutAfterMs} ms for query ${query}.`, true);
    const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const code = e.Code ?? e.name ?? 'Error';
    const said = redact(e.message ?? String(error)).slice(0, 300);
    if (ACCESS_DENIED.has(code) || ACCESS_DENIED.has(e.name ?? '')) return this.accessDenied(query, code, said);
    if (CREDENTIALS_REFUSED.has(code) || CREDENTIALS_REFUSED.has(e.name ?? '')) {
      return new CloudWatchError(`${this.where} refused the AWS credentials (${code}: ${said}). Fix: check that they are current, that they belong to the account, and that the region is the one the metrics are in; ${AWS_CREDENTIALS_FIX}.`, false, code);
    }
    if (THROTTLED.has(code) || status === 429) return new CloudWatchError(`${this.where} throttled GetMetricData for query ${query} (${code}: ${said}).`, true, code);
    if (status !== undefined && status >= 500) return new CloudWatchError(`${this.where} failed GetMetricData for query ${query} (HTTP ${status}, ${code}: ${said}).`, true, code);
    if (status === undefined && isTransientNetworkError(error)) return new CloudWatchError(`${this.where} is unreachable: ${said}.`, true);
    if (status !== undefined && status < 300) {
      // A 200 the SDK could not read: a proxy's or captive portal's page, not CloudWatch's JSON.
      return this.malformed(query, `something the AWS SDK could not read (${said.split('\n')[0]})`);
    }
    if (status !== undefined && status < 500) {
      return new CloudWatchError(`${this.where} rejected the metric query ${query} (${code}: ${said}). Fix: correct the query; try it in the CloudWatch console's Metrics Insights query editor.`, false, code);
    }
    return new CloudWatchError(`${this.where}: GetMetricData failed for query ${query} (${code}: ${said}).`, false, code);
  }

  private accessDenied(query: string, code: string, said: string): CloudWatchError {
    return new CloudWatchError(
      `${this.where} denied GetMetricData for query ${query} (${code}: ${redact(said).slice(0, 300)}). ` +
        'Fix: the IAM role (or user) needs the permission cloudwatch:GetMetricData (Resource "*"); in GitHub Actions, give the job `permissions: id-token: write` and assume that role with aws-actions/configure-aws-credentials (role-to-assume) before this step.',
      false,
      code,
    );
  }

  /** A 200 of the wrong shape: not retried, it will not change. */
  private malformed(query: string, problem: string): CloudWatchError {
    return new CloudWatchError(
      `${this.where} answered GetMetricData for query ${query} with ${problem}: expected {MetricDataResults: [{Id, Label, Timestamps, Values, StatusCode}], NextToken}. Check that the endpoint is CloudWatch's (or a VPC endpoint of it), not a proxy's page.`,
      false,
    );
  }
}
