import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evaluateInsights, InsightsError, parseInsights, type Datapoint } from './insights.js';
import { TEST_CREDENTIALS, verifySigV4, type TestCredentials } from './sigv4.js';

// A CloudWatch GetMetricData endpoint on 127.0.0.1, speaking what @aws-sdk/client-cloudwatch
// (3.1178) sends: the AWS JSON 1.0 protocol — POST / with X-Amz-Target
// GraniteServiceVersion20100801.GetMetricData, Content-Type application/x-amz-json-1.0, a JSON
// body whose times are epoch seconds — and, since CloudWatch moved from the Query protocol, the
// query-compatible errors: an `x-amzn-query-error: <Code>;<Sender|Receiver>` header with a body
// {__type, message}. Every request's Signature V4 is checked (sigv4.ts, signing name `monitoring`).
// Answers have the shape the SDK deserialises (MetricDataResults [{Id, Label, Timestamps,
// Values, StatusCode}], NextToken, Messages): the real SDK reading them is the contract, and a
// wrong shape fails its tests. Expressions are Metrics Insights queries (insights.ts) over the
// datapoints a test loads; results are paged `pageSize` datapoints at a time, each page but the
// last with StatusCode PartialData and a NextToken, as CloudWatch pages a long answer. Faults are
// queued: throttling, an internal error, access denied, or a 200 that is not JSON.

/** A failure the next requests get instead of an answer. */
export type CloudWatchFault = 'throttling' | 'internal-error' | 'access-denied' | 'not-json';

/** What the simulator accepts. */
export interface CloudWatchSimOptions {
  /** The region requests must be signed for. Default us-east-1. */
  region?: string;
  /** Accepted credentials. Default TEST_CREDENTIALS. */
  credentials?: TestCredentials[];
  /** Datapoints per page of an answer. Default 100 (CloudWatch's is 100,800). */
  pageSize?: number;
}

/** A request the simulator answered. */
export interface SimRequest {
  target: string;
  /** The parsed JSON body. */
  input: Record<string, unknown>;
  /** The key that signed it, when the signature held. */
  accessKeyId?: string;
  status: number;
}

/** A running simulator. */
export interface RunningCloudWatchSim {
  /** e.g. http://127.0.0.1:41234: the source's `endpoint`. */
  url: string;
  region: string;
  /** Adds observations (as PutMetricData would). */
  put(points: Datapoint[]): void;
  /** The next `times` GetMetricData requests (default 1) fail with `fault`, after their signature is checked. */
  fail(fault: CloudWatchFault, times?: number): void;
  /** Drops the faults still queued. */
  clearFaults(): void;
  /** Top-level Messages added to every answer (e.g. {Code: 'MaxQueryTimeRangeExceed', Value: '…'}). */
  messages: { Code: string; Value: string }[];
  /** Every request, in order. */
  readonly requests: SimRequest[];
  stop(): Promise<void>;
}

const TARGET = 'GraniteServiceVersion20100801.GetMetricData';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Periods CloudWatch accepts: high resolution ones, or whole minutes. */
const HIGH_RESOLUTION = [1, 5, 10, 20, 30];

/** An error answer: status, the query-compatible code, its fault side, its Smithy type and message. */
interface Refusal {
  status: number;
  code: string;
  type: string;
  message: string;
}

const refusal = (status: number, code: string, type: string, message: string): Refusal => ({ status, code, type, message });
const invalid = (message: string) => refusal(400, 'InvalidParameterValue', 'com.amazonaws.cloudwatch#InvalidParameterValueException', message);

const FAULTS: Record<Exclude<CloudWatchFault, 'not-json'>, Refusal> = {
  throttling: refusal(400, 'Throttling', 'com.amazon.coral.availability#ThrottlingException', 'Rate exceeded'),
  'internal-error': refusal(500, 'InternalServiceError', 'com.amazonaws.cloudwatch#InternalServiceFault', 'Internal service error.'),
  'access-denied': refusal(
    403,
    'AccessDenied',
    'com.amazon.coral.service#AccessDeniedException',
    'User: arn:aws:sts::123456789012:assumed-role/slipway-deploy/GitHubActions is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action',
  ),
};

/** Starts the simulator on a free loopback port. */
export async function startCloudWatchSim(options: CloudWatchSimOptions = {}): Promise<RunningCloudWatchSim> {
  const region = options.region ?? 'us-east-1';
  const credentials = options.credentials ?? [TEST_CREDENTIALS];
  const pageSize = options.pageSize ?? 100;
  const data: Datapoint[] = [];
  const faults: CloudWatchFault[] = [];
  const requests: SimRequest[] = [];
  const messages: { Code: string; Value: string }[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks), res).catch((error: unknown) => {
        send(res, refusal(500, 'InternalFailure', 'com.amazon.coral.service#InternalFailure', `simulator failure: ${String(error)}`));
      });
    });
  });

  async function handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    let input: Record<string, unknown> = {};
    try {
      input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      // Refused below, after the signature: an unsigned request learns nothing.
    }
    const record: SimRequest = { target, input, status: 0 };
    requests.push(record);
    const answer = (status: number, reply: () => void) => {
      record.status = status;
      reply();
    };
    const verdict = await verifySigV4({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }, { credentials, region, service: 'monitoring' });
    if (!verdict.ok) {
      const type = verdict.code === 'InvalidClientTokenId' ? 'com.amazon.coral.service#UnrecognizedClientException' : verdict.code === 'MissingAuthenticationToken' ? 'com.amazon.coral.service#MissingAuthenticationTokenException' : `com.amazon.coral.service#${verdict.code}Exception`;
      return answer(verdict.status, () => send(res, refusal(verdict.status, verdict.code, type, verdict.message)));
    }
    record.accessKeyId = verdict.accessKeyId;
    if (req.method !== 'POST' || req.url !== '/' || String(req.headers['content-type']).split(';')[0] !== CONTENT_TYPE) {
      return answer(400, () => send(res, refusal(400, 'InvalidAction', 'com.amazon.coral.service#UnknownOperationException', `this simulator speaks AWS JSON 1.0 (POST / with Content-Type ${CONTENT_TYPE}); got ${req.method} ${req.url} ${req.headers['content-type']}`)));
    }
    if (target !== TARGET) return answer(400, () => send(res, refusal(400, 'InvalidAction', 'com.amazon.coral.service#UnknownOperationException', `Unknown operation ${target}: the simulator serves GetMetricData only.`)));
    const fault = faults.shift();
    if (fault === 'not-json') {
      return answer(200, () => {
        res.writeHead(200, { 'content-type': 'text/html', 'x-amzn-requestid': randomUUID() });
        res.end('<html><body>Captive portal</body></html>');
      });
    }
    if (fault) return answer(FAULTS[fault].status, () => send(res, FAULTS[fault]));
    const result = getMetricData(input);
    if (!('answer' in result)) return answer(result.status, () => send(res, result));
    answer(200, () => {
      res.writeHead(200, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(result.answer));
    });
  }

  /** GetMetricData: its checks, the queries evaluated, the answer paged. */
  function getMetricData(input: Record<string, unknown>): Refusal | { answer: Record<string, unknown> } {
    const queries = input.MetricDataQueries;
    if (!Array.isArray(queries) || queries.length === 0) return refusal(400, 'ValidationError', 'com.amazonaws.cloudwatch#ValidationError', "1 validation error detected: Value null at 'metricDataQueries' failed to satisfy constraint: Member must not be null");
    const start = input.StartTime;
    const end = input.EndTime;
    if (typeof start !== 'number' || typeof end !== 'number') return refusal(400, 'ValidationError', 'com.amazonaws.cloudwatch#ValidationError', 'StartTime and EndTime must be epoch seconds.');
    if (!(start < end)) return invalid('The parameter StartTime must be less than the parameter EndTime.');
    const ascending = input.ScanBy === 'TimestampAscending';
    // Every datapoint of the answer, in the order pages hand them out: by series, then by time.
    const flat: { id: string; label: string; time: number; value: number }[] = [];
    const empty: { id: string; label: string }[] = [];
    for (const [index, raw] of queries.entries()) {
      const query = raw as Record<string, unknown>;
      const at = `MetricDataQueries.member.${index + 1}`;
      if (typeof query.Id !== 'string' || !/^[a-z][a-zA-Z0-9_]*$/.test(query.Id)) return invalid(`The value ${String(query.Id)} for parameter ${at}.Id is not valid: it must start with a lowercase letter and hold only letters, digits and underscores.`);
      if (typeof query.Expression !== 'string') return invalid(`${at}: the test bed's CloudWatch evaluates Expression queries only (no MetricStat).`);
      const period = query.Period;
      if (typeof period !== 'number') return invalid(`The parameter ${at}.Period is required for a Metrics Insights query.`);
      if (!(period > 0 && (HIGH_RESOLUTION.includes(period) || period % 60 === 0))) return invalid(`The parameter ${at}.Period must be 1, 5, 10, 20, 30, or a multiple of 60.`);
      let series;
      try {
        series = evaluateInsights(parseInsights(query.Expression), data, period, start, end);
      } catch (error) {
        if (error instanceof InsightsError) return invalid(`Error in expression of ${at} (${query.Id}): ${error.message}`);
        throw error;
      }
      if (query.ReturnData === false) continue;
      for (const { label, points } of series) {
        const name = label || (typeof query.Label === 'string' ? query.Label : query.Id);
        const times = [...points.keys()].sort((a, b) => (ascending ? a - b : b - a));
        if (times.length === 0) empty.push({ id: query.Id, label: name });
        for (const time of times) flat.push({ id: query.Id, label: name, time, value: points.get(time)! });
      }
    }
    // A token names the request it continues and where: another request's token is refused.
    const fingerprint = createHash('sha256').update(JSON.stringify({ ...input, NextToken: undefined })).digest('hex').slice(0, 16);
    let offset = 0;
    if (input.NextToken !== undefined) {
      const token = decodeToken(input.NextToken);
      if (!token || token.fingerprint !== fingerprint || token.offset > flat.length) return refusal(400, 'InvalidNextToken', 'com.amazonaws.cloudwatch#InvalidNextToken', 'The service couldn\'t process the NextToken.');
      offset = token.offset;
    }
    const page = flat.slice(offset, offset + pageSize);
    const more = offset + pageSize < flat.length;
    const results = new Map<string, { Id: string; Label: string; Timestamps: number[]; Values: number[]; StatusCode: string; Messages: unknown[] }>();
    const result = (id: string, label: string) => {
      const key = `${id}\u0000${label}`;
      if (!results.has(key)) results.set(key, { Id: id, Label: label, Timestamps: [], Values: [], StatusCode: more ? 'PartialData' : 'Complete', Messages: [] });
      return results.get(key)!;
    };
    // Series without data are listed on the first page, as CloudWatch lists them: with empty lists.
    if (offset === 0) for (const { id, label } of empty) result(id, label);
    for (const point of page) {
      const series = result(point.id, point.label);
      series.Timestamps.push(point.time);
      series.Values.push(point.value);
    }
    return {
      answer: {
        MetricDataResults: [...results.values()],
        ...(more ? { NextToken: Buffer.from(JSON.stringify({ fingerprint, offset: offset + pageSize })).toString('base64') } : {}),
        Messages: messages,
      },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    region,
    put: (points) => void data.push(...points),
    fail: (fault, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    clearFaults: () => void faults.splice(0),
    messages,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, error: Refusal): void {
  res.writeHead(error.status, {
    'content-type': CONTENT_TYPE,
    'x-amzn-requestid': randomUUID(),
    'x-amzn-query-error': `${error.code};${error.status >= 500 ? 'Receiver' : 'Sender'}`,
  });
  res.end(JSON.stringify({ __type: error.type, message: error.message }));
}

function decodeToken(token: unknown): { fingerprint: string; offset: number } | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { fingerprint?: unknown; offset?: unknown };
    return typeof value.fingerprint === 'string' && typeof value.offset === 'number' ? { fingerprint: value.fingerprint, offset: value.offset } : undefined;
  } catch {
    return undefined;
  }
}
