import { redact } from './registry.js';

// The one renderer of a value quoted in a message. Values come from plans and inputs a user (or a
// pull request) wrote: a YAML alias bomb holds billions of nodes behind a few hundred bytes, so a
// whole-value JSON.stringify can take seconds and gigabytes before failing. This walk stops at a
// character budget, never visits more nodes than it prints, and redacts what it prints.

/** Characters of a rendered value before it is cut with `…` (default for `quote`). */
const DEFAULT_BUDGET = 160;

/** `value` as JSON-like text of at most about `budget` characters, secrets removed. */
export function quote(value: unknown, budget = DEFAULT_BUDGET): string {
  const out = new Budgeted(budget);
  render(value, out, new Set());
  return redact(out.text());
}

class Budgeted {
  private readonly parts: string[] = [];
  private used = 0;
  constructor(private readonly budget: number) {}
  get full(): boolean {
    return this.used >= this.budget;
  }
  get room(): number {
    return this.budget - this.used;
  }
  write(text: string): void {
    if (this.full) return;
    const room = this.room;
    this.parts.push(text.length > room ? text.slice(0, room) : text);
    this.used += Math.min(text.length, room);
  }
  text(): string {
    return this.parts.join('') + (this.full ? '…' : '');
  }
}

function render(value: unknown, out: Budgeted, path: Set<object>): void {
  if (out.full) return;
  // Redacted before any cut: half a secret would no longer match.
  if (typeof value === 'string') return out.write(JSON.stringify(redact(value).slice(0, out.room)));
  if (value === undefined) return out.write('undefined');
  if (typeof value === 'bigint') return out.write(`${value}n`);
  if (value === null || typeof value !== 'object') return out.write(typeof value === 'function' ? '[function]' : String(value));
  if (path.has(value)) return out.write('[circular]');
  if (value instanceof Date) return out.write(JSON.stringify(value.toISOString()));
  path.add(value);
  if (Array.isArray(value)) {
    out.write('[');
    for (let i = 0; i < value.length && !out.full; i++) {
      if (i > 0) out.write(',');
      render(value[i], out, path);
    }
    out.write(']');
  } else {
    out.write('{');
    let first = true;
    for (const key in value) {
      if (out.full) break;
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      out.write(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      render((value as Record<string, unknown>)[key], out, path);
    }
    out.write('}');
  }
  path.delete(value);
}
