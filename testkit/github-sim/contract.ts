import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// Validates what the simulator accepts and returns against GitHub's own OpenAPI description
// (contracts/github-rest-subset.json, see contracts/README.md), so the simulator cannot drift
// from the real API. The file is ~850 KB: it is parsed once per process and each operation's
// validators are compiled on first use and cached module-wide, so many simulators stay cheap.

type Schema = Record<string, unknown>;
interface Parameter { name: string; in: string; required?: boolean; schema?: Schema }
interface OperationSpec {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  externalDocs?: { url?: string };
}

const contractPath = new URL('../../contracts/github-rest-subset.json', import.meta.url);
let paths: Record<string, Record<string, OperationSpec>> | undefined;

function operation(method: string, template: string): OperationSpec | undefined {
  paths ??= (JSON.parse(readFileSync(contractPath, 'utf8')) as { paths: typeof paths }).paths;
  return paths?.[template]?.[method.toLowerCase()];
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

function makeAjv(coerceTypes: boolean): Ajv {
  // strict: false ignores OpenAPI-only keywords (example, x-github, discriminator, …).
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes, validateSchema: false, logger: false });
  addFormats(ajv);
  // GitHub answers "" for URL fields that were never set (target_url, environment_url, log_url
  // default to "" per its own docs) although the description types them `format: uri`.
  ajv.addFormat('uri', (value: string) => value === '' || (/^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value)));
  return ajv;
}
const bodyAjv = makeAjv(false);
// Path and query parameters arrive as strings; coerce them the way GitHub parses them.
const paramAjv = makeAjv(true);

/**
 * Turns an OpenAPI 3.0 schema into JSON Schema: `nullable` becomes a null alternative, and
 * `oneOf` becomes `anyOf` because GitHub's description uses oneOf for branches that overlap
 * (e.g. three nullable alternatives all match null), which strict oneOf would reject.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const source = schema as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'example' || key === 'examples' || key === 'nullable' || key === 'discriminator') continue;
    if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf' || key === 'items' || key === 'not' || key === 'additionalProperties') {
      out[key === 'oneOf' ? 'anyOf' : key] = typeof value === 'object' ? toJsonSchema(value) : value;
    } else {
      out[key] = value;
    }
  }
  if (source.nullable !== true) return out;
  if (typeof out.type === 'string' && !out.anyOf && !out.allOf) {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

const validators = new Map<string, ValidateFunction | null>();

function compiled(key: string, ajv: Ajv, build: () => unknown): ValidateFunction | null {
  if (!validators.has(key)) {
    const schema = build();
    validators.set(key, schema === undefined ? null : ajv.compile(toJsonSchema(schema) as Schema));
  }
  return validators.get(key) ?? null;
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`)
    .join('; ');
}

function parameterSchema(spec: OperationSpec, location: 'path' | 'query'): Schema {
  const params = (spec.parameters ?? []).filter((p) => p.in === location);
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema ?? {}])),
    required: params.filter((p) => p.required).map((p) => p.name),
  };
}

/** GitHub's documentation link for the operation (its `externalDocs.url`), or the REST root. */
export function documentationUrl(method: string, template: string): string {
  return operation(method, template)?.externalDocs?.url ?? 'https://docs.github.com/rest';
}

/** What a request carried, as the simulator parsed it. */
export interface RequestParts {
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body; undefined when there was none. */
  body: unknown;
}

/**
 * Checks a request against the contract; returns one message per failing part (path, query,
 * body), each naming the operation. Empty when the request is valid or the route is not in
 * the contract.
 */
export function validateRequest(method: string, template: string, parts: RequestParts): string[] {
  const spec = operation(method, template);
  if (!spec) return [];
  const name = `${spec.operationId} (${method} ${template})`;
  const problems: string[] = [];
  for (const location of ['path', 'query'] as const) {
    const validate = compiled(`${method} ${template} ${location}`, paramAjv, () => parameterSchema(spec, location));
    const values = { ...(location === 'path' ? parts.params : parts.query) };
    if (validate && !validate(values)) problems.push(`${name}: request ${location} parameters: ${describe(validate)}`);
  }
  const bodySpec = spec.requestBody;
  if (bodySpec) {
    if (parts.body === undefined) {
      if (bodySpec.required) problems.push(`${name}: request body: is required`);
    } else {
      const validate = compiled(`${method} ${template} body`, bodyAjv, () => bodySpec.content?.['application/json']?.schema);
      if (validate && !validate(parts.body)) problems.push(`${name}: request body: ${describe(validate)}`);
    }
  }
  return problems;
}

/**
 * Checks a response against the contract: a documented status must match its schema; an
 * undocumented success is drift; an undocumented error (401, 403, 404, 5xx — GitHub's generic
 * answers) must at least be GitHub's basic error `{message}`.
 */
export function validateResponse(method: string, template: string, status: number, body: unknown): string[] {
  const spec = operation(method, template);
  if (!spec) return [];
  const name = `${spec.operationId} (${method} ${template})`;
  const documented = spec.responses[String(status)];
  if (!documented) {
    if (status < 400) return [`${name}: response status ${status} is not documented (documented: ${Object.keys(spec.responses).join(', ')})`];
    const message = (body as { message?: unknown } | undefined)?.message;
    return typeof message === 'string' ? [] : [`${name}: response ${status}: an error body needs a string "message"`];
  }
  const validate = compiled(`${method} ${template} ${status}`, bodyAjv, () => documented.content?.['application/json']?.schema);
  if (validate && !validate(body)) return [`${name}: response ${status} body: ${describe(validate)}`];
  return [];
}

/** The JSON schema (OpenAPI form) of a documented response, e.g. to build a complete example. */
export function responseSchema(method: string, template: string, status: number): unknown {
  return operation(method, template)?.responses[String(status)]?.content?.['application/json']?.schema;
}
