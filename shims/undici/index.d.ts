/** Stands for undici's ProxyAgent (index.cjs). */
export declare class ProxyAgent {
  constructor(options?: { uri?: string; [option: string]: unknown });
  readonly options: Record<string, unknown>;
}
/** undici's fetch: Node's own, without a ProxyAgent stand-in as its dispatcher. */
export declare function fetch(input: string | URL | Request, init?: Omit<RequestInit, 'dispatcher'> & { dispatcher?: unknown }): Promise<Response>;
