import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readmeWithReference, renderReference } from '../../../scripts/reference.js';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  test('its reference tables match the action.yml files (run `npm run docs` after changing one)', () => {
    expect(readmeWithReference(readme, renderReference())).toBe(readme);
  });

  test('starts with the two commands a new user runs: the demo and the tests', () => {
    const firstBlock = /```(?:sh|bash)\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toContain('npm test');
  });

  test('the CI script runs exactly the test command the README gives', () => {
    const testCommand = /```(?:sh|bash)\n([\s\S]*?)```/.exec(readme)?.[1].split('\n').find((line) => line.includes('npm test'));
    expect(testCommand).toBeDefined();
    expect(readFileSync('.ci/run', 'utf8').split('\n')).toContain(testCommand!.trim());
  });
});
