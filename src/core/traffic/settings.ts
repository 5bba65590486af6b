import { InputError } from '../errors.js';

/**
 * Reads a provider's `router` settings (parsed YAML) field by field. Every error names the field
 * as `router.<field>`, the value, what was expected and the fix, before anything is changed.
 */
export class SettingsReader {
  constructor(
    private readonly provider: string,
    private readonly settings: Record<string, unknown>,
  ) {}

  /** A non-empty string field; required unless `fallback` is given. */
  string(field: string, fallback?: string): string {
    const value = this.settings[field];
    if (value === undefined || value === null || value === '') {
      if (fallback !== undefined) return fallback;
      throw this.error(field, value, 'a non-empty string', `add \`${field}:\` to the ${this.provider} router settings`);
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw this.error(field, value, 'a string');
    return String(value);
  }

  /** An optional string field. */
  optionalString(field: string): string | undefined {
    return this.settings[field] === undefined || this.settings[field] === null ? undefined : this.string(field);
  }

  /** A command line: a string split on spaces, or a list of strings; undefined when absent. */
  command(field: string): string[] | undefined {
    const value = this.settings[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value.trim().split(/\s+/);
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
    throw this.error(field, value, 'a command (a string, or a list of strings)');
  }

  /** A `host:port` address. */
  address(field: string): string {
    const value = this.string(field);
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(value) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(value)) {
      throw this.error(field, value, 'a `host:port` address', `e.g. \`${field}: 127.0.0.1:8080\``);
    }
    return value;
  }

  /** A whole number in [min, max]; `fallback` when absent. */
  integer(field: string, range: { min: number; max: number }, fallback: number): number {
    const value = this.settings[field];
    if (value === undefined || value === null) return fallback;
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < range.min || n > range.max) {
      throw this.error(field, value, `a whole number from ${range.min} to ${range.max}`);
    }
    return n;
  }

  /** Rejects fields the provider does not know (a typo would otherwise be silently ignored). */
  rejectUnknown(known: readonly string[]): void {
    for (const field of Object.keys(this.settings)) {
      if (!known.includes(field)) {
        throw this.error(field, this.settings[field], `one of the ${this.provider} settings: ${known.join(', ')}`, 'remove or rename the field');
      }
    }
  }

  private error(field: string, value: unknown, expected: string, fix?: string): InputError {
    return new InputError(`router.${field}`, value, expected, fix);
  }
}

/** Throws unless `percent` is a whole number from 0 to 100 (checked before any change is made). */
export function checkWeight(percent: number, input = 'weight'): number {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new InputError(input, percent, 'a whole number from 0 to 100 (the canary\'s percent of traffic)');
  }
  return percent;
}
