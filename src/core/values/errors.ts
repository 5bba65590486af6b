import { InputError, SlipwayError } from '../errors.js';
import { quote } from '../secrets/quote.js';

/**
 * A value that does not fit its concept (a weight, a duration, alpha…), thrown by the parsers of
 * this folder. It carries what was expected and the fix; each caller turns it into its own form:
 * an InputError naming the action input or `router.<field>`, a plan problem at the plan's line, a
 * metric field error. `field` names the part of a compound setting at fault (an analysis's
 * `interval` against its `duration`), when the check spans several.
 */
export class ValueError extends SlipwayError {
  override readonly name = 'ValueError';
  constructor(
    readonly value: unknown,
    readonly expected: string,
    readonly fix?: string,
    readonly field?: string,
  ) {
    super(`${field ? `${field} ` : ''}${quote(value)} is not ${expected}.${fix ? ` Fix: ${fix}` : ''}`);
  }

  /** The same problem as an InputError naming `input` (an action input, `router.<field>`, a judge field). */
  forInput(input: string): InputError {
    return new InputError(input, this.value, this.expected, this.fix);
  }
}

/** `parse(value)`, with a ValueError turned into an InputError naming `input`. */
export function parseInput<T>(input: string, value: unknown, parse: (value: unknown) => T): T {
  try {
    return parse(value);
  } catch (error) {
    throw error instanceof ValueError ? error.forInput(input) : error;
  }
}
