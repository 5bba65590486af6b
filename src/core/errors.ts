import { quote } from './secrets/quote.js';

/** An error Slipway raises on purpose: its message is written for the user and is shown as is. */
export class SlipwayError extends Error {
  override readonly name: string = 'SlipwayError';
}

/**
 * Bad input, caught before anything was changed. The message names the input, the value that
 * was given, what was expected and how to fix it (house rule 4). The value is quoted by the one
 * bounded renderer: cut at 160 characters, secrets removed.
 */
export class InputError extends SlipwayError {
  override readonly name = 'InputError';
  constructor(
    readonly input: string,
    readonly value: unknown,
    readonly expected: string,
    readonly fix?: string,
  ) {
    super(
      `Input '${input}' ${value === undefined || value === '' ? 'is missing' : `has the value ${quote(value)}`}: expected ${expected}.` +
        (fix ? ` Fix: ${fix}` : ''),
    );
  }
}

/** The message of anything thrown, for logs and `setFailed`. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
