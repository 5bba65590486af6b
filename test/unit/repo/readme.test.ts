import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readmeWithReference, renderReference } from '../../../scripts/reference.js';
import { loadPlan } from '../../../src/core/plan/index.js';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  test('its reference tables match the action.yml files (run `npm run docs` after changing one)', () => {
    expect(readmeWithReference(readme, renderReference())).toBe(readme);
  });

  test('starts with the two commands a new user runs: the demo and the tests', () => {
    const firstBlock = /```(?:sh|bash)\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock.trim().split('\n')).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
  });

  test('the plan it shows passes the plan parser', () => {
    const plan = /with a plan such as[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(plan).toBeDefined();
    expect(loadPlan(plan!, 'README.md').steps.map((s) => s.kind)).toEqual(['setWeight', 'analysis', 'setWeight', 'analysis', 'setWeight']);
  });

  test('the CI script runs exactly the test command the README gives', () => {
    const testCommand = /```(?:sh|bash)\n([\s\S]*?)```/.exec(readme)?.[1].split('\n').find((line) => line.includes('npm test'));
    expect(testCommand).toBeDefined();
    expect(readFileSync('.ci/run', 'utf8').split('\n')).toContain(testCommand!.trim());
  });
});
