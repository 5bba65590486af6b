import { MASK } from './mask.js';
import { scrubKnownShapes } from './patterns.js';

// The one redaction boundary (docs/security.md): every secret Slipway learns — tokens, passwords,
// header values, URL credentials, keys — is registered here once, and everything that leaves for
// GitHub (statuses, payloads, comments, summaries, annotations, outputs, failure messages) is passed
// through `redact` on its way out. Registering also masks: the actions front end subscribes the
// runner's `::add-mask::`, so a secret is masked before any line that could hold it is printed.

/** Shorter values are not registered: masking every `123` would garble messages, not hide secrets. */
const MIN_LENGTH = 4;
/** A line of a multi-line secret (an SSH or TLS key) long enough to be worth masking on its own. */
const MIN_LINE_LENGTH = 8;

/** The secrets of this process, and who is told of each new one. */
export class SecretRegistry {
  private readonly values = new Set<string>();
  private ordered: string[] = [];
  private readonly listeners: ((value: string) => void)[] = [];

  /** Registers a secret and the forms it takes in transit (URL-encoded, JSON-escaped, base64, its lines). */
  add(value: string | undefined): void {
    if (value === undefined) return;
    for (const form of formsOf(value)) {
      if (form.length < MIN_LENGTH || this.values.has(form)) continue;
      this.values.add(form);
      for (const listener of this.listeners) listener(form);
    }
    // Longest first, so a secret that contains another is masked whole.
    this.ordered = [...this.values].sort((a, b) => b.length - a.length);
  }

  /** Registers `user:password` as HTTP Basic sends it, and the password alone. */
  addBasicCredentials(username: string, password: string): void {
    this.add(password);
    this.add(Buffer.from(`${username}:${password}`).toString('base64'));
  }

  /** Calls `listener` for every secret registered so far and every one registered later. */
  subscribe(listener: (value: string) => void): void {
    this.listeners.push(listener);
    for (const value of this.values) listener(value);
  }

  /** `text` with every registered secret and every credential of a known shape replaced by `***`. */
  redact(text: string): string {
    let result = text;
    for (const secret of this.ordered) if (result.includes(secret)) result = result.split(secret).join(MASK);
    return scrubKnownShapes(result);
  }

  /** A copy of `value` with every string in it redacted (objects and arrays walked, keys kept). */
  redactDeep<T>(value: T): T {
    return redactValue(value, this, new WeakMap()) as T;
  }
}

function redactValue(value: unknown, registry: SecretRegistry, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return registry.redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactValue(item, registry, seen));
    return copy;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) copy[key] = redactValue(item, registry, seen);
  return copy;
}

function formsOf(raw: string): string[] {
  const value = raw.trim();
  if (value === '') return [];
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1), Buffer.from(value).toString('base64')];
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_LINE_LENGTH) forms.push(line.trim());
  }
  return forms;
}

/** This process's secrets: the runner masks process-wide too, so one registry serves every front end. */
export const secrets = new SecretRegistry();

/** Registers a secret with this process's registry (see SecretRegistry.add). */
export function registerSecret(value: string | undefined): void {
  secrets.add(value);
}

/** `text` with every secret of this process removed (see SecretRegistry.redact). */
export function redact(text: string): string {
  return secrets.redact(text);
}
