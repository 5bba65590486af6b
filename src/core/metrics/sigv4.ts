import { SlipwayError } from '../errors.js';
import { registerSecret } from '../secrets/index.js';
import type { OutgoingRequest, RequestSigner } from './prometheus.js';
import { dropUndefined } from '../objects.js';

// AWS credentials and Signature Version 4 for the metric sources that talk to AWS: the CloudWatch
// source hands the credentials to the AWS SDK, and a Prometheus-API source with `sigv4:` (Amazon
// Managed Prometheus) signs each of its requests with them. Credentials come from the standard AWS
// chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (what
// aws-actions/configure-aws-credentials exports after assuming a role with the workflow's OIDC
// token), then AWS_PROFILE and the shared files, web identity (AWS_ROLE_ARN +
// AWS_WEB_IDENTITY_TOKEN_FILE), SSO, credential_process, and the container or instance metadata
// service. The keys are registered as secrets the moment they are read and never printed.
// The AWS libraries are loaded on first use (dynamic import): a Prometheus source without sigv4
// never loads them.

/** AWS credentials as the chain resolves them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Resolves credentials; the chain caches them and refreshes them before they expire. */
export type AwsCredentialProvider = () => Promise<AwsCredentials>;

/** How to give Slipway AWS credentials, for messages. */
export const AWS_CREDENTIALS_FIX =
  'in GitHub Actions, give the job `permissions: id-token: write` and run aws-actions/configure-aws-credentials (role-to-assume, aws-region) before this step; ' +
  'elsewhere set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE';

/** A credential that the AWS chain could not find or load. */
export class AwsCredentialsError extends SlipwayError {
  override readonly name = 'AwsCredentialsError';
}

/**
 * The AWS credential chain over `env` (the front end passes process.env). Keys in `env` are used
 * as they are — exactly what the chain's first link reads from the process — so a caller that
 * hands in its own environment is obeyed; otherwise the SDK's chain (credential-provider-node) runs,
 * given `env`'s AWS_PROFILE and web identity settings. `region` is where a web identity's STS call
 * goes. Errors are AwsCredentialsError saying how to provide credentials.
 */
export function awsCredentialProvider(env: Record<string, string | undefined>, region?: string): AwsCredentialProvider {
  let chain: (() => Promise<AwsCredentials>) | undefined;
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    let credentials: AwsCredentials;
    if (accessKeyId && secretAccessKey && !env.AWS_PROFILE) {
      credentials = { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
    } else {
      if (!chain) {
        const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
        chain = defaultProvider(
          dropUndefined({
            profile: env.AWS_PROFILE,
            roleArn: env.AWS_ROLE_ARN,
            webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
            roleSessionName: env.AWS_ROLE_SESSION_NAME,
            filepath: env.AWS_SHARED_CREDENTIALS_FILE,
            configFilepath: env.AWS_CONFIG_FILE,
            clientConfig: region ? { region } : undefined,
          }),
        ) as () => Promise<AwsCredentials>;
      }
      try {
        credentials = await chain();
      } catch (error) {
        // The chain's own message lists no fix (and never holds a key): said with ours.
        throw new AwsCredentialsError(`No AWS credentials: ${(error as Error).message ?? String(error)}. Fix: ${AWS_CREDENTIALS_FIX}.`);
      }
    }
    registerSecret(credentials.secretAccessKey);
    if (credentials.sessionToken) registerSecret(credentials.sessionToken);
    return credentials;
  };
}

/** Settings of a request signer. */
export interface SigV4Options {
  /** The region the service is in, e.g. eu-west-1 (Amazon Managed Prometheus: the workspace's). */
  region: string;
  /** The signing name of the service; default `aps` (Amazon Managed Prometheus). */
  service?: string;
  /** Where the credential chain reads AWS_* variables (the front end passes process.env). */
  env: Record<string, string | undefined>;
  /** Credentials to sign with; default the AWS chain over `env`. */
  credentials?: AwsCredentialProvider;
  /** The signing time (default now): a signature is accepted for 15 minutes around it. */
  now?: () => Date;
}

/**
 * A signer for a Prometheus-API source's requests (PrometheusOptions.sign): it returns the headers
 * AWS Signature V4 adds — `authorization`, `x-amz-date` and, for temporary credentials,
 * `x-amz-security-token`. It signs the method, the URL's path and query, the host, the body and
 * every header given (as they will be sent).
 */
export async function createSigV4Signer(options: SigV4Options): Promise<RequestSigner> {
  const service = options.service ?? 'aps';
  const [{ SignatureV4 }, { Hash }, { HttpRequest }] = await Promise.all([import('@smithy/signature-v4'), import('@smithy/hash-node'), import('@smithy/protocol-http')]);
  const credentials = options.credentials ?? awsCredentialProvider(options.env, options.region);
  const signer = new SignatureV4({
    service,
    region: options.region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
    // The body's hash is part of the signature all the same; the x-amz-content-sha256 header is
    // for S3 and Glacier only.
    applyChecksum: false,
  });
  const sign = async (request: OutgoingRequest): Promise<Record<string, string>> => {
    const url = new URL(request.url);
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of url.searchParams) {
      const seen = query[name];
      query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    const given = new Set(Object.keys(request.headers).map((name) => name.toLowerCase()));
    const signed = await signer.sign(
      new HttpRequest({
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        // fetch sends the Host of the URL (with its port, when it is not the default).
        headers: { ...request.headers, host: url.host },
        body: request.body,
      }),
      { signingDate: options.now?.() ?? new Date() },
    );
    // Only what the signature added: the caller sends the headers it gave, fetch the host.
    return Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host' && (!given.has(name.toLowerCase()) || name.toLowerCase() === 'authorization')));
  };
  return Object.assign(sign, {
    refusedFix:
      `check the AWS credentials the chain found (${AWS_CREDENTIALS_FIX}), that their role may call the service (Amazon Managed Prometheus: aps:QueryMetrics on the workspace), ` +
      `and that sigv4 names the workspace's region (${options.region}) and service (${service})`,
  });
}
