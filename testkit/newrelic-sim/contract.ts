import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  execute,
  type GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';

// The NerdGraph contract (contracts/newrelic-nerdgraph-nrql.json, see contracts/README.md): the
// part of New Relic's published NerdGraph schema that an NRQL query reaches, as newrelic-client-go
// keeps it (tutone's cache of NerdGraph's introspection). Every request the simulator accepts is
// parsed and validated against it with graphql-js, and every answer is made by executing the
// validated document against it, so the answer has the schema's shape by construction: a field
// the request did not select, a null where the schema says non-null or a value its scalar cannot
// serialise would surface as an execution error, which is recorded as a violation.

const contractPath = new URL('../../contracts/newrelic-nerdgraph-nrql.json', import.meta.url);

interface TutoneType {
  name: string;
  kind: string;
  fields?: { args?: unknown[] }[];
  inputFields?: unknown[];
  interfaces?: unknown[];
  possibleTypes?: unknown[];
  enumValues?: unknown[];
}

let schema: GraphQLSchema | undefined;

/**
 * NerdGraph's schema from the contract. Tutone leaves out empty lists and nulls of the
 * introspection answer (a field's `args: []`, an object's `interfaces: []`); graphql-js wants
 * them, so they are put back — nothing else is changed.
 */
export function nerdGraphSchema(): GraphQLSchema {
  if (schema) return schema;
  const contract = JSON.parse(readFileSync(contractPath, 'utf8')) as { queryType: { name: string }; types: TutoneType[] };
  const types = contract.types.map((t) => ({
    ...t,
    fields: t.fields ? t.fields.map((f) => ({ ...f, args: f.args ?? [] })) : null,
    inputFields: t.inputFields ?? null,
    interfaces: t.kind === 'OBJECT' || t.kind === 'INTERFACE' ? (t.interfaces ?? []) : null,
    possibleTypes: t.possibleTypes ?? null,
    enumValues: t.enumValues ?? null,
  }));
  const introspection = { __schema: { queryType: { name: contract.queryType.name }, mutationType: null, subscriptionType: null, types, directives: [] } };
  schema = buildClientSchema(introspection as unknown as IntrospectionQuery);
  return schema;
}

/** An error a resolver means to answer (NerdGraph's own errors: bad NRQL, no access), with NerdGraph's extensions. */
export class NerdGraphFault extends Error {
  constructor(
    message: string,
    readonly extensions: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A request checked against the schema: its document, or what is wrong with it (a contract violation). */
export type CheckedRequest = { document: DocumentNode; variables: Record<string, unknown>; operationName?: string } | { problems: string[] };

/** Checks a request body ({query, variables, operationName}) against the schema. */
export function checkRequest(body: unknown): CheckedRequest {
  const request = body as { query?: unknown; variables?: unknown; operationName?: unknown } | null;
  if (typeof request !== 'object' || request === null || typeof request.query !== 'string') return { problems: ['the body is not {query: <GraphQL document>, variables?}'] };
  if (request.variables !== undefined && request.variables !== null && (typeof request.variables !== 'object' || Array.isArray(request.variables))) return { problems: ['variables is not an object'] };
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    return { problems: [`the query does not parse: ${(error as Error).message}`] };
  }
  const errors = validate(nerdGraphSchema(), document);
  if (errors.length > 0) return { problems: errors.map((e) => e.message) };
  return {
    document,
    variables: (request.variables ?? {}) as Record<string, unknown>,
    ...(typeof request.operationName === 'string' ? { operationName: request.operationName } : {}),
  };
}

/**
 * Executes a checked request with `root` resolving the fields; returns the answer and the errors
 * that are not NerdGraph's own (variables the schema refuses, a result that does not fit it).
 */
export async function executeRequest(request: { document: DocumentNode; variables: Record<string, unknown>; operationName?: string }, root: unknown): Promise<{ answer: ExecutionResult; problems: string[] }> {
  const answer = await execute({ schema: nerdGraphSchema(), document: request.document, variableValues: request.variables, operationName: request.operationName, rootValue: root });
  const problems = (answer.errors ?? []).filter((e: GraphQLError) => !(e.originalError instanceof NerdGraphFault)).map((e) => e.message);
  return { answer, problems };
}
