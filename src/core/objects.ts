// Two checks every parser of YAML, JSON and settings needs, written once.

/** A plain mapping (not null, not a list), as YAML and JSON objects parse. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object without its undefined fields, so an optional setting left out stays out (in equality, JSON and messages). */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
