import { SlipwayError } from '../errors.js';
import { quote } from '../secrets/quote.js';
import { splitUrlCredentials } from '../secrets/index.js';
import { parseDuration, ValueError, type DurationBounds } from '../values/index.js';
import { dropUndefined, isRecord } from '../objects.js';

// The one parser of a metric source's settings (docs/analysis.md, "Metric sources"), shared by a
// plan's `analysis.source` and the analyze action's `source` input: a mapping with one key, the
// source's type, whose value holds its settings, e.g. `{datadog: {site: datadoghq.eu}}`.
// Credentials never stand in the settings themselves: a plan file is committed. A credential field,
// and any header value, may name an environment variable as `{{env.NAME}}` (the workflow step puts
// the secret there: `env: {DD_API_KEY: ${{ secrets.DD_API_KEY }}}`); the reference is resolved,
// and the value registered as a secret, only when the source is created (sources/index.ts).

/** What every source's settings hold. */
interface SourceSettingsBase {
  /**
   * Seconds after an interval ends before it is read (`delay`): the time the source takes to hold
   * all of that interval's points. Default 0 for Prometheus-API and web sources, which are read at
   * the instant itself; 60 for Datadog, CloudWatch and New Relic, which take in points after they
   * happen and answer each bucket once. The parser always sets it.
   */
  delaySeconds?: number;
}

/** Prometheus's HTTP API: Prometheus itself, VictoriaMetrics, Thanos, Mimir, Grafana Cloud, Amazon Managed Prometheus. */
export interface PrometheusSettings extends SourceSettingsBase {
  type: 'prometheus';
  url: string;
  /** Request headers; values may hold `{{env.NAME}}`. */
  headers: Record<string, string>;
  /** Sign every request with AWS Signature V4 (Amazon Managed Prometheus), credentials from the AWS chain. */
  sigv4?: { region: string; service: string };
}

/** Any HTTP endpoint answering JSON; the value is picked by a JSONPath expression. */
export interface WebSettings extends SourceSettingsBase {
  type: 'web';
  /** The base URL the metric queries (relative URLs) resolve against; requests never leave its origin. */
  url: string;
  headers: Record<string, string>;
  /** Where the value stands in the answer, unless a query names its own after `#`. Default `$`. */
  jsonPath: string;
  timeoutMs: number;
}

/** Datadog's metrics query API (v1 `/api/v1/query`), through the official client. */
export interface DatadogSettings extends SourceSettingsBase {
  type: 'datadog';
  /** The Datadog site, e.g. `datadoghq.com`, `datadoghq.eu`, `us5.datadoghq.com`. */
  site: string;
  /** An explicit API base URL (a proxy); default `https://api.<site>`. */
  url?: string;
  /** `{{env.NAME}}` references: default `{{env.DD_API_KEY}}` and `{{env.DD_APP_KEY}}`. */
  apiKey: string;
  appKey: string;
}

/** CloudWatch GetMetricData, through the official AWS SDK, credentials from the standard AWS chain. */
export interface CloudWatchSettings extends SourceSettingsBase {
  type: 'cloudwatch';
  /** Default: the AWS chain's region (AWS_REGION). */
  region?: string;
  /** A VPC endpoint or a local endpoint; default the region's. */
  endpoint?: string;
}

/** New Relic's NRQL, through NerdGraph (GraphQL). */
export interface NewRelicSettings extends SourceSettingsBase {
  type: 'newrelic';
  accountId: number;
  /** `{{env.NAME}}` of a user API key; default `{{env.NEW_RELIC_API_KEY}}`. */
  apiKey: string;
  /** `us` (api.newrelic.com) or `eu` (api.eu.newrelic.com); default `us`. */
  region: 'us' | 'eu';
  /** An explicit NerdGraph URL (a proxy); default the region's. */
  url?: string;
}

/** Where an analysis reads its metrics. */
export type SourceSettings = PrometheusSettings | WebSettings | DatadogSettings | CloudWatchSettings | NewRelicSettings;
export type SourceType = SourceSettings['type'];

/** The source types, as the settings name them. */
export const SOURCE_TYPES: readonly SourceType[] = ['prometheus', 'web', 'datadog', 'cloudwatch', 'newrelic'];

const FIELDS: Record<SourceType, string[]> = {
  prometheus: ['url', 'headers', 'sigv4', 'delay'],
  web: ['url', 'headers', 'jsonPath', 'timeout', 'delay'],
  datadog: ['site', 'url', 'apiKey', 'appKey', 'delay'],
  cloudwatch: ['region', 'endpoint', 'delay'],
  newrelic: ['accountId', 'apiKey', 'region', 'url', 'delay'],
};

/** The default `delay` by source type, seconds (SourceSettingsBase.delaySeconds). */
const DEFAULT_DELAY_SECONDS: Record<SourceType, number> = { prometheus: 0, web: 0, datadog: 60, cloudwatch: 60, newrelic: 60 };
/** The longest `delay`: an interval read later than this is a source too slow to judge a canary by. */
const MAX_DELAY_SECONDS = 600;

/** An environment reference, `{{env.NAME}}`: the name is the first group. */
export const ENV_REFERENCE = /\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

const EXAMPLE = '{prometheus: {url: http://prometheus:9090}}, {datadog: {site: datadoghq.eu}}, {cloudwatch: {region: eu-west-1}}, {newrelic: {accountId: 1234567}} or {web: {url: https://metrics.example.com/api/, jsonPath: $.value}}';

/** Parses source settings; errors name `where` (e.g. `analysis.source`), the field and the fix. */
export function parseSourceSettings(value: unknown, where: string): SourceSettings {
  const keys = isRecord(value) ? Object.keys(value) : [];
  if (!isRecord(value) || keys.length !== 1 || !(SOURCE_TYPES as readonly string[]).includes(keys[0])) {
    throw new SlipwayError(`${where}: expected a mapping with one key, the source type (${SOURCE_TYPES.join(', ')}), got ${quote(value)}. For example ${EXAMPLE}.`);
  }
  const type = keys[0] as SourceType;
  const body = value[type] ?? {};
  if (!isRecord(body)) throw new SlipwayError(`${where}.${type}: expected a mapping of settings (${FIELDS[type].join(', ')}), got ${quote(body)}.`);
  const unknown = Object.keys(body).filter((k) => !FIELDS[type].includes(k));
  if (unknown.length > 0) throw new SlipwayError(`${where}.${type}: unknown field ${unknown.join(', ')}; a ${type} source has ${FIELDS[type].join(', ')}.`);
  const field = new SettingsReader(body, `${where}.${type}`);
  const delaySeconds = field.has('delay') ? field.seconds('delay', { min: 0, max: MAX_DELAY_SECONDS }) : DEFAULT_DELAY_SECONDS[type];
  switch (type) {
    case 'prometheus':
      return dropUndefined({ type, delaySeconds, url: field.url('url', true)!, headers: field.headers(), sigv4: field.sigv4() });
    case 'web':
      return {
        type,
        delaySeconds,
        url: field.url('url', true)!,
        headers: field.headers(),
        jsonPath: field.text('jsonPath', /^\$/, 'a JSONPath expression starting with $, e.g. $.data.value') ?? '$',
        timeoutMs: field.has('timeout') ? field.seconds('timeout', { min: 1, max: 300 }) * 1000 : 10_000,
      };
    case 'datadog':
      return dropUndefined({
        type,
        delaySeconds,
        site: field.text('site', /^[a-z0-9.-]+\.[a-z]+$/, 'a Datadog site such as datadoghq.com, datadoghq.eu or us5.datadoghq.com') ?? 'datadoghq.com',
        url: field.url('url', false),
        apiKey: field.envReference('apiKey', 'DD_API_KEY'),
        appKey: field.envReference('appKey', 'DD_APP_KEY'),
      });
    case 'cloudwatch':
      return dropUndefined({ type, delaySeconds, region: field.text('region', /^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1'), endpoint: field.url('endpoint', false) });
    case 'newrelic': {
      const accountId = body.accountId;
      if (typeof accountId !== 'number' || !Number.isInteger(accountId) || accountId <= 0) {
        throw new SlipwayError(`${where}.newrelic: field accountId: expected your New Relic account id (a whole number), got ${quote(accountId)}.`);
      }
      const region = body.region ?? 'us';
      if (region !== 'us' && region !== 'eu') throw new SlipwayError(`${where}.newrelic: field region: expected us or eu, got ${quote(region)}.`);
      return dropUndefined({ type, delaySeconds, accountId, apiKey: field.envReference('apiKey', 'NEW_RELIC_API_KEY'), region, url: field.url('url', false) });
    }
  }
}

/** The source of a plan or input that names only a Prometheus URL (`prometheus:`). */
export function prometheusSettings(url: string, headers: Record<string, string> = {}): PrometheusSettings {
  return { type: 'prometheus', delaySeconds: DEFAULT_DELAY_SECONDS.prometheus, url, headers };
}

/**
 * The settings with the request headers of an action input (`prometheus-headers`: literal values,
 * from secrets) laid over the settings' own. Only a Prometheus-API source takes them.
 */
export function withInputHeaders(settings: SourceSettings, headers: Record<string, string>, input: string): SourceSettings {
  if (Object.keys(headers).length === 0) return settings;
  if (settings.type !== 'prometheus') throw new SlipwayError(`Input '${input}' sets headers of a Prometheus source, and the metric source is ${settings.type}. Fix: remove ${input}, or give the headers in the source's own settings.`);
  return { ...settings, headers: { ...settings.headers, ...headers } };
}

/** Where a source is, for messages and the dry run: its URL (credentials masked) or its region or site. */
export function describeSource(settings: SourceSettings): string {
  switch (settings.type) {
    case 'prometheus':
    case 'web':
      return `${settings.type} at ${splitUrlCredentials(settings.url).url}`;
    case 'datadog':
      return `datadog at ${settings.url ?? settings.site}`;
    case 'cloudwatch':
      return `cloudwatch in ${settings.endpoint ?? settings.region ?? 'the AWS chain\'s region'}`;
    case 'newrelic':
      return `newrelic account ${settings.accountId}${settings.url ? ` at ${settings.url}` : ` (${settings.region})`}`;
  }
}

/** Reads typed fields of one source's settings, errors naming the field. */
class SettingsReader {
  constructor(
    private readonly body: Record<string, unknown>,
    private readonly where: string,
  ) {}

  has(name: string): boolean {
    return this.body[name] !== undefined;
  }

  seconds(name: string, bounds: DurationBounds): number {
    try {
      return parseDuration(this.body[name], bounds);
    } catch (error) {
      if (error instanceof ValueError) this.fail(name, error.expected, error.fix);
      throw error;
    }
  }

  private fail(name: string, expected: string, fix?: string): never {
    throw new SlipwayError(`${this.where}: field ${name}: expected ${expected}, got ${quote(this.body[name])}.${fix ? ` Fix: ${fix}` : ''}`);
  }

  text(name: string, pattern: RegExp, expected: string): string | undefined {
    const value = this.body[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !pattern.test(value.trim())) this.fail(name, expected);
    return (value as string).trim();
  }

  url(name: string, required: boolean): string | undefined {
    const value = this.body[name];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value.trim())) this.fail(name, 'an http(s) URL');
    // Credentials in the URL are registered (and so masked) before anything can print it.
    splitUrlCredentials(value as string);
    return (value as string).trim();
  }

  headers(): Record<string, string> {
    const value = this.body.headers;
    if (value === undefined) return {};
    const fine = isRecord(value) && Object.entries(value).every(([k, v]) => /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(k) && typeof v === 'string' && v !== '');
    // A header value may be a secret: the error names the field, never the values.
    if (!fine) throw new SlipwayError(`${this.where}: field headers: expected a mapping of header names to text, e.g. {Authorization: 'Bearer {{env.METRICS_TOKEN}}'}.`);
    for (const [name, text] of Object.entries(value as Record<string, string>)) checkEnvReferences(text, `${this.where}: header ${name}`);
    return value as Record<string, string>;
  }

  /** A credential: only ever `{{env.NAME}}` (a literal key in a committed file would leak it). */
  envReference(name: string, defaultVariable: string): string {
    const value = this.body[name];
    if (value === undefined) return `{{env.${defaultVariable}}}`;
    if (typeof value !== 'string' || !new RegExp(`^${ENV_REFERENCE.source}$`).test(value.trim())) {
      // The value may be the key itself: never quoted.
      throw new SlipwayError(`${this.where}: field ${name}: expected a reference to the environment variable that holds it, e.g. '{{env.${defaultVariable}}}'; a key written into a plan file is committed with it. Fix: put the secret in the step's env (${defaultVariable}: \${{ secrets.${defaultVariable} }}) and name it here, or leave ${name} out to read ${defaultVariable}.`);
    }
    return value.trim();
  }

  sigv4(): PrometheusSettings['sigv4'] {
    const value = this.body.sigv4;
    if (value === undefined) return undefined;
    const fine = isRecord(value) && typeof value.region === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value.region) && Object.keys(value).every((k) => k === 'region' || k === 'service') && (value.service === undefined || (typeof value.service === 'string' && /^[a-z0-9-]+$/.test(value.service)));
    if (!fine) this.fail('sigv4', "{region: <AWS region>} (and optionally service, default 'aps' for Amazon Managed Prometheus)");
    const sigv4 = value as { region: string; service?: string };
    return { region: sigv4.region, service: sigv4.service ?? 'aps' };
  }
}

/** Throws when `text` holds a `{{…}}` that is not a well-formed `{{env.NAME}}`. */
function checkEnvReferences(text: string, where: string): void {
  const rest = text.replace(ENV_REFERENCE, '');
  if (/\{\{|\}\}/.test(rest)) throw new SlipwayError(`${where}: a {{…}} that is not {{env.NAME}}; only environment variables can be referenced here, e.g. 'Bearer {{env.METRICS_TOKEN}}'.`);
}

/** The variables a setting's `{{env.NAME}}` references name, in order. */
export function envVariablesIn(text: string): string[] {
  return [...text.matchAll(ENV_REFERENCE)].map((m) => m[1]);
}

/** Header values with their `{{env.NAME}}` references resolved (resolveEnvReferences); `whereOf` names a header for messages. */
export function resolveHeaders(headers: Record<string, string>, env: Record<string, string | undefined>, whereOf: (name: string) => string, register: (secret: string) => void): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, resolveEnvReferences(value, env, whereOf(name), register)]));
}

/**
 * `text` with every `{{env.NAME}}` replaced by the variable's value from `env`, each value
 * registered as a secret by `register` before it is used. An unset or empty variable is an error
 * naming it and the fix.
 */
export function resolveEnvReferences(text: string, env: Record<string, string | undefined>, where: string, register: (secret: string) => void): string {
  return text.replace(ENV_REFERENCE, (_, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new SlipwayError(`${where} reads the environment variable ${name}, which is not set. Fix: give the step \`env: {${name}: \${{ secrets.${name} }}}\`.`);
    }
    register(value);
    return value;
  });
}
