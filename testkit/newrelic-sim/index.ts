import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRequest, executeRequest, NerdGraphFault } from './contract.js';
import { facetsOf, NrqlError, runNrql, type NrqlEvent } from './nrql.js';

// NerdGraph (New Relic's GraphQL API) on loopback for the tests: POST /graphql with an `API-Key`
// header, answering `actor { account(id) { nrql(query, timeout) { results metadata … } } }` by
// running the NRQL (a subset, nrql.ts) over events the test loads. Every request is validated
// against NerdGraph's published schema and every answer is made by executing it against that
// schema (contract.ts); anything that does not fit is recorded in `violations`, which a test
// asserts empty (expectNoContractViolations).
//
// What it answers, as NerdGraph does (newrelic-client-go's handling is the reference):
// - no or a wrong `API-Key`: HTTP 401 with {errors: [{message, extensions: {error_code: "BAD_API_KEY"}}]};
// - an account other than the simulator's: a GraphQL error (errorClass FORBIDDEN) at
//   actor.account, which is then null — the wording of New Relic's own message is not
//   published, this one is the simulator's;
// - NRQL that NRDB refuses: a GraphQL error "NRQL Syntax Error: …" (errorClass INVALID_INPUT) at
//   actor.account.nrql, which is then null;
// - faults on demand (`fault`): an HTTP status (500, 502, 503, 429 with Retry-After), a GraphQL
//   error of any class (TIMEOUT, TOO_MANY_REQUESTS … arrive with HTTP 200), given results, a
//   dropped connection, or an answer held back for a while.

export type { NrqlEvent } from './nrql.js';

/** A failure to inject; each is used by the next `times` requests (default 1), in the order given. */
export type NerdGraphFaultSpec = (
  | { kind: 'status'; status: number; retryAfter?: number }
  | { kind: 'graphql-error'; message: string; extensions?: Record<string, unknown> }
  | { kind: 'results'; results: unknown[]; facets?: string[] }
  | { kind: 'drop' }
  | { kind: 'hang'; ms: number }
) & { times?: number };

/** One request as the simulator saw it (the key itself is never kept). */
export interface NerdGraphRequest {
  /** The GraphQL document. */
  query: string;
  variables: Record<string, unknown>;
  /** Whether it carried the simulator's key. */
  authorized: boolean;
  /** The NRQL the nrql field was asked to run, when it was reached. */
  nrql?: string;
  /** The nrql field's timeout argument, seconds. */
  timeout?: number;
}

export interface NewRelicSimulatorOptions {
  /** The user key requests must carry (default 'NRAK-SIMULATOR0000000000000000'). */
  apiKey?: string;
  /** The one account (default 1234567). */
  accountId?: number;
  /** Where a query without SINCE/UNTIL ends, ms (default Date.now()). */
  now?: () => number;
}

export interface NewRelicSimulator {
  /** The NerdGraph URL, http://127.0.0.1:<port>/graphql. */
  readonly url: string;
  readonly apiKey: string;
  readonly accountId: number;
  /** Requests so far, oldest first. */
  readonly requests: NerdGraphRequest[];
  /** What did not fit NerdGraph's schema, in requests or answers. */
  readonly violations: string[];
  addEvents(events: NrqlEvent[]): void;
  clearEvents(): void;
  fault(spec: NerdGraphFaultSpec): void;
  close(): Promise<void>;
}

/** Starts a simulator on 127.0.0.1 (a port the OS picks). */
export async function startNewRelicSimulator(options: NewRelicSimulatorOptions = {}): Promise<NewRelicSimulator> {
  const apiKey = options.apiKey ?? 'NRAK-SIMULATOR0000000000000000';
  const accountId = options.accountId ?? 1234567;
  const now = options.now ?? (() => Date.now());
  const events: NrqlEvent[] = [];
  const faults: (NerdGraphFaultSpec & { left: number })[] = [];
  const requests: NerdGraphRequest[] = [];
  const violations: string[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const takeFault = (): NerdGraphFaultSpec | undefined => {
    const fault = faults[0];
    if (fault && --fault.left <= 0) faults.shift();
    return fault;
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/graphql') {
      violations.push(`${req.method} ${req.url}: NerdGraph answers POST /graphql only`);
      return send(res, 404, { errors: [{ message: 'Not Found' }] });
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) violations.push(`content-type ${JSON.stringify(req.headers['content-type'])}: NerdGraph takes application/json`);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const key = req.headers['api-key'];
    const record: NerdGraphRequest = { query: String((body as { query?: unknown })?.query ?? ''), variables: ((body as { variables?: Record<string, unknown> })?.variables ?? {}), authorized: key === apiKey };
    requests.push(record);
    if (key !== apiKey) {
      return send(res, 401, { errors: [{ message: key === undefined ? 'No API key specified' : 'Invalid API key', extensions: { error_code: 'BAD_API_KEY' } }] });
    }
    const fault = takeFault();
    if (fault?.kind === 'drop') return void res.socket?.destroy();
    if (fault?.kind === 'hang') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (timers.delete(timer), resolve()), fault.ms);
        timers.add(timer);
      });
      if (res.destroyed) return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      return send(res, fault.status, { errors: [{ message: fault.status === 429 ? 'Too Many Requests' : 'Internal Server Error' }] }, headers);
    }
    const checked = checkRequest(body);
    if ('problems' in checked) {
      violations.push(...checked.problems.map((p) => `request: ${p}`));
      return send(res, 200, { errors: checked.problems.map((message) => ({ message, extensions: { errorClass: 'INVALID_INPUT' } })) });
    }
    const root = {
      actor: () => ({
        account: ({ id }: { id: number }) => {
          if (id !== accountId) throw new NerdGraphFault(`Not authorized to access account ${id}.`, { errorClass: 'FORBIDDEN' });
          return {
            id,
            nrql: ({ query, timeout }: { query: unknown; timeout?: number }) => {
              record.nrql = String(query);
              if (timeout !== undefined && timeout !== null) record.timeout = timeout;
              if (typeof query !== 'string') throw new NerdGraphFault('NRQL must be a string.', { errorClass: 'INVALID_INPUT' });
              if (fault?.kind === 'graphql-error') throw new NerdGraphFault(fault.message, fault.extensions ?? {});
              if (fault?.kind === 'results') return container(query, fault.results, fault.facets ?? []);
              try {
                return container(query, runNrql(query, events, now()), facetsOf(query));
              } catch (error) {
                if (error instanceof NrqlError) throw new NerdGraphFault(error.message, { errorClass: 'INVALID_INPUT' });
                throw error;
              }
            },
          };
        },
      }),
    };
    const { answer, problems } = await executeRequest(checked, root);
    violations.push(...problems.map((p) => `answer: ${p}`));
    send(res, 200, answer);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        violations.push(`simulator error: ${(error as Error).message}`);
        send(res, 500, { errors: [{ message: 'Internal Server Error' }] });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    apiKey,
    accountId,
    requests,
    violations,
    addEvents: (list) => void events.push(...list),
    clearEvents: () => void events.splice(0),
    fault: (spec) => void faults.push({ ...spec, left: spec.times ?? 1 }),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** NrdbResultContainer's fields the simulator fills: the rows, the NRQL and the metadata. */
function container(nrql: string, results: unknown[], facets: string[]) {
  const eventType = /\bFROM\s+`?([A-Za-z0-9_:]+)/i.exec(nrql)?.[1];
  return { nrql, results, metadata: { eventTypes: eventType ? [eventType] : [], facets, messages: [] } };
}

/** Throws when the simulator saw anything that does not fit NerdGraph's schema. */
export function expectNoContractViolations(sim: Pick<NewRelicSimulator, 'violations'>): void {
  if (sim.violations.length > 0) throw new Error(`NerdGraph simulator saw ${sim.violations.length} contract violation(s):\n- ${sim.violations.join('\n- ')}`);
}
