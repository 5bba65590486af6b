import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// Validates what a simulator accepts and returns against a vendor's own OpenAPI description, so
// the simulator cannot drift from the real API. One OpenApiContract per contract file (see
// contracts/README.md): the GitHub simulator's is contracts/github-rest-subset.json (~850 KB, every
// $ref already resolved); the Datadog simulator's (testkit/datadog-sim) keeps Datadog's
// `#/components/…` references, which are resolved here when the file is read. Each file is parsed
// once per process, on first use, and each operation's validators are compiled on first use and
// cached with the contract, so many simulators stay cheap.

type Schema = Record<string, unknown>;
interface Parameter { name: string; in: string; required?: boolean; schema?: Schema }
interface OperationSpec {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  externalDocs?: { url?: string };
}
interface Document {
  paths?: Record<string, Record<string, OperationSpec>>;
  components?: Record<string, Record<string, unknown>>;
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

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

/**
 * `node` with every local `$ref` (`#/components/schemas/Point`, `#/components/responses/…`)
 * replaced by what it points at, itself resolved. A reference cycle cannot be inlined: it is an
 * error naming the reference (none of the contracts has one).
 */
export function dereference(node: unknown, document: unknown, trail: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item) => dereference(item, document, trail));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    if (trail.includes(ref)) throw new Error(`OpenAPI contract: the reference ${ref} refers to itself (${[...trail, ref].join(' → ')}); it cannot be inlined.`);
    if (!ref.startsWith('#/')) throw new Error(`OpenAPI contract: only local references (#/…) are supported, found ${ref}.`);
    const target = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), document);
    if (target === undefined) throw new Error(`OpenAPI contract: the reference ${ref} points at nothing in the contract file.`);
    return dereference(target, document, [...trail, ref]);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, dereference(value, document, trail)]));
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

/** What a request carried, as the simulator parsed it. */
export interface RequestParts {
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body; undefined when there was none. */
  body: unknown;
}

/** How a vendor's contract is read and what its generic answers look like. */
export interface OpenApiContractOptions {
  /** Formats that replace ajv-formats' own (a vendor that writes values its description's format does not allow). */
  formats?: Record<string, (value: string) => boolean>;
  /**
   * An error answer with a status the operation does not document (401, 404, 5xx — a vendor's
   * generic answers): what is wrong with its body, or undefined when it has the vendor's basic
   * error shape. Default: any body passes.
   */
  undocumentedError?: (body: unknown) => string | undefined;
  /** The documentation link of an operation without `externalDocs`. */
  documentationRoot?: string;
}

/** One vendor's OpenAPI description (a contract file), validating requests and responses by operation. */
export class OpenApiContract {
  private paths: Document['paths'];
  private readonly validators = new Map<string, ValidateFunction | null>();
  private ajvs?: { body: Ajv; param: Ajv };

  constructor(
    /** The contract file, e.g. new URL('../../contracts/x.json', import.meta.url). */
    private readonly file: URL,
    private readonly options: OpenApiContractOptions = {},
  ) {}

  /** The operation at `template` for `method`, its references resolved; undefined when the contract has none. */
  operation(method: string, template: string): OperationSpec | undefined {
    if (!this.paths) {
      const document = JSON.parse(readFileSync(this.file, 'utf8')) as Document;
      this.paths = (document.components ? dereference(document.paths, document) : document.paths) as Document['paths'];
    }
    return this.paths?.[template]?.[method.toLowerCase()];
  }

  /** The vendor's documentation link for the operation (its `externalDocs.url`), or the contract's root. */
  documentationUrl(method: string, template: string): string | undefined {
    return this.operation(method, template)?.externalDocs?.url ?? this.options.documentationRoot;
  }

  /**
   * Checks a request against the contract; returns one message per failing part (path, query,
   * body), each naming the operation. Empty when the request is valid or the route is not in
   * the contract.
   */
  validateRequest(method: string, template: string, parts: RequestParts): string[] {
    const spec = this.operation(method, template);
    if (!spec) return [];
    const name = `${spec.operationId} (${method} ${template})`;
    const problems: string[] = [];
    for (const location of ['path', 'query'] as const) {
      const validate = this.compiled(`${method} ${template} ${location}`, 'param', () => parameterSchema(spec, location));
      const values = { ...(location === 'path' ? parts.params : parts.query) };
      if (validate && !validate(values)) problems.push(`${name}: request ${location} parameters: ${describe(validate)}`);
    }
    const bodySpec = spec.requestBody;
    if (bodySpec) {
      if (parts.body === undefined) {
        if (bodySpec.required) problems.push(`${name}: request body: is required`);
      } else {
        const validate = this.compiled(`${method} ${template} body`, 'body', () => bodySpec.content?.['application/json']?.schema);
        if (validate && !validate(parts.body)) problems.push(`${name}: request body: ${describe(validate)}`);
      }
    }
    return problems;
  }

  /**
   * Checks a response against the contract: a documented status must match its schema; an
   * undocumented success is drift; an undocumented error must have the vendor's basic error
   * shape (options.undocumentedError).
   */
  validateResponse(method: string, template: string, status: number, body: unknown): string[] {
    const spec = this.operation(method, template);
    if (!spec) return [];
    const name = `${spec.operationId} (${method} ${template})`;
    const documented = spec.responses[String(status)];
    if (!documented) {
      if (status < 400) return [`${name}: response status ${status} is not documented (documented: ${Object.keys(spec.responses).join(', ')})`];
      const problem = this.options.undocumentedError?.(body);
      return problem ? [`${name}: response ${status}: ${problem}`] : [];
    }
    const validate = this.compiled(`${method} ${template} ${status}`, 'body', () => documented.content?.['application/json']?.schema);
    if (validate && !validate(body)) return [`${name}: response ${status} body: ${describe(validate)}`];
    return [];
  }

  /** The JSON schema (OpenAPI form) of a documented response, e.g. to build a complete example. */
  responseSchema(method: string, template: string, status: number): unknown {
    return this.operation(method, template)?.responses[String(status)]?.content?.['application/json']?.schema;
  }

  private compiled(key: string, kind: 'body' | 'param', build: () => unknown): ValidateFunction | null {
    if (!this.validators.has(key)) {
      this.ajvs ??= { body: this.makeAjv(false), param: this.makeAjv(true) };
      const schema = build();
      this.validators.set(key, schema === undefined ? null : this.ajvs[kind].compile(toJsonSchema(schema) as Schema));
    }
    return this.validators.get(key) ?? null;
  }

  /** Bodies are checked as they are; path and query parameters arrive as strings and are coerced the way the vendor parses them. */
  private makeAjv(coerceTypes: boolean): Ajv {
    // strict: false ignores OpenAPI-only keywords (example, x-github, discriminator, readOnly, …).
    const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes, validateSchema: false, logger: false });
    addFormats(ajv);
    for (const [name, check] of Object.entries(this.options.formats ?? {})) ajv.addFormat(name, check);
    return ajv;
  }
}

/** GitHub's REST API, the endpoints Slipway uses (contracts/github-rest-subset.json). */
export const githubContract = new OpenApiContract(new URL('../../contracts/github-rest-subset.json', import.meta.url), {
  // GitHub answers "" for URL fields that were never set (target_url, environment_url, log_url
  // default to "" per its own docs) although the description types them `format: uri`.
  formats: { uri: (value: string) => value === '' || (/^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value)) },
  // GitHub's generic answers (401, 403, 404, 5xx) are its basic error `{message}`.
  undocumentedError: (body) => (typeof (body as { message?: unknown } | undefined)?.message === 'string' ? undefined : 'an error body needs a string "message"'),
  documentationRoot: 'https://docs.github.com/rest',
});

/** GitHub's documentation link for the operation (its `externalDocs.url`), or the REST root. */
export function documentationUrl(method: string, template: string): string {
  return githubContract.documentationUrl(method, template) ?? 'https://docs.github.com/rest';
}

/** Checks a request against GitHub's contract (OpenApiContract.validateRequest). */
export function validateRequest(method: string, template: string, parts: RequestParts): string[] {
  return githubContract.validateRequest(method, template, parts);
}

/** Checks a response against GitHub's contract (OpenApiContract.validateResponse). */
export function validateResponse(method: string, template: string, status: number, body: unknown): string[] {
  return githubContract.validateResponse(method, template, status, body);
}

/** The JSON schema (OpenAPI form) of a documented GitHub response, e.g. to build a complete example. */
export function responseSchema(method: string, template: string, status: number): unknown {
  return githubContract.responseSchema(method, template, status);
}
