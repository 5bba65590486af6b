import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

// The server side of AWS Signature Version 4, as an AWS endpoint checks it: the CloudWatch
// simulator and the Amazon-Managed-Prometheus-like proxy of the tests refuse a request whose
// Authorization header is missing, names an unknown key, is scoped to another region, service or
// day, is older than 15 minutes, carries the wrong session token or a body hash that is not the
// body's, or whose signature is not the one recomputed — with the same library the clients sign
// with, from the secret key, over the method, path, query, signed headers and the body received.
// The codes and messages are AWS's.

/** Credentials a simulated AWS endpoint accepts. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials: requests must carry it as X-Amz-Security-Token. */
  sessionToken?: string;
}

/** The credentials the tests give the AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). */
export const TEST_CREDENTIALS: TestCredentials = { accessKeyId: 'AKIASLIPWAYTEST00001', secretAccessKey: 'slipway+test/Secret0Key0For0Loopback0Only' };

/** A request as a node:http server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent (IncomingMessage.url). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

/** What a simulated endpoint expects of a signature. */
export interface VerifyOptions {
  credentials: TestCredentials[];
  region: string;
  /** The signing name: `monitoring` for CloudWatch, `aps` for Amazon Managed Prometheus. */
  service: string;
  /** The server's now (default the wall clock). */
  now?: Date;
}

/** Accepted, with the key that signed; or refused as AWS refuses (status, error code, message). */
export type Verdict = { ok: true; accessKeyId: string } | { ok: false; status: number; code: string; message: string };

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;
const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Checks a request's AWS Signature V4 (Authorization header form). */
export async function verifySigV4(request: ReceivedRequest, options: VerifyOptions): Promise<Verdict> {
  const refuse = (status: number, code: string, message: string): Verdict => ({ ok: false, status, code, message });
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const authorization = header('authorization');
  if (!authorization) return refuse(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const parsed = AUTHORIZATION.exec(authorization);
  if (!parsed) return refuse(400, 'IncompleteSignature', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorization.split(' ')[0]}`);
  const [, accessKeyId, day, region, service, signedList, signature] = parsed;
  const credentials = options.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!credentials) return refuse(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  if (region !== options.region) return refuse(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region. Expected '${options.region}'.`);
  if (service !== options.service) return refuse(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${options.service}'.`);
  const amzDate = header('x-amz-date') ?? '';
  const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!when) return refuse(400, 'IncompleteSignature', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
  const signingDate = new Date(Date.UTC(+when[1], +when[2] - 1, +when[3], +when[4], +when[5], +when[6]));
  if (amzDate.slice(0, 8) !== day) return refuse(403, 'SignatureDoesNotMatch', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  const now = options.now ?? new Date();
  if (Math.abs(now.getTime() - signingDate.getTime()) > 15 * 60_000) {
    return refuse(403, 'InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - 15 * 60_000))} (${formatAmzDate(now)} - 15 min.)`);
  }
  const signed = signedList.split(';');
  if (!signed.includes('host')) return refuse(403, 'SignatureDoesNotMatch', "'Host' must be a signed header.");
  if (credentials.sessionToken !== undefined && header('x-amz-security-token') !== credentials.sessionToken) {
    return refuse(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const claimedHash = header('x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== 'UNSIGNED-PAYLOAD' && claimedHash !== bodyHash) {
    return refuse(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  // Recomputed from the request received: only the headers it says it signed.
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = header(name);
    if (value === undefined) return refuse(403, 'SignatureDoesNotMatch', MISMATCH);
    headers[name] = value;
  }
  const [path, queryText = ''] = request.url.split('?', 2);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(queryText)) {
    const seen = query[name];
    query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  const signer = new SignatureV4({ service, region, credentials: { accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  const expected = await signer.sign(new HttpRequest({ method: request.method, hostname: 'ignored', path, query, headers, body: request.body.length > 0 ? request.body : undefined }), {
    signingDate,
    signableHeaders: new Set(signed),
  });
  const recomputed = AUTHORIZATION.exec(String(expected.headers.authorization));
  if (!recomputed || recomputed[5] !== signedList || recomputed[6] !== signature) return refuse(403, 'SignatureDoesNotMatch', MISMATCH);
  return { ok: true, accessKeyId };
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
