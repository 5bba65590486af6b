import { describe, expect, test } from '@jest/globals';
import { InputError, errorMessage } from '../../../src/core/errors.js';

describe('InputError', () => {
  test('names the input, the value, what was expected and the fix', () => {
    const error = new InputError('weight', '150', 'a whole number from 0 to 100', 'use a percentage');
    expect(error.message).toBe("Input 'weight' has the value \"150\": expected a whole number from 0 to 100. Fix: use a percentage");
  });
  test('says the input is missing when it was not given', () => {
    expect(errorMessage(new InputError('environment', '', 'an environment name'))).toBe("Input 'environment' is missing: expected an environment name.");
  });
});
