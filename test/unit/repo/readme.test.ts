import { describe, expect, test } from '@jest/globals';
import { readFileSync, statSync } from 'node:fs';
import { renderReferences } from '../../../scripts/reference.js';
import { loadPlan } from '../../../src/core/plan/index.js';

const readme = readFileSync('README.md', 'utf8');
/** What a reader sees before scrolling. */
const firstScreen = readme.split('\n').slice(0, 60).join('\n');

describe('README', () => {
  test('stays short: at most 15 KB, the details live in docs/ and each action\'s reference page', () => {
    expect(statSync('README.md').size).toBeLessThanOrEqual(15 * 1024);
  });

  test('its first screen holds what Slipway is, the two commands, a workflow to copy and what to have first', () => {
    const firstBlock = /```(?:sh|bash)\n([\s\S]*?)```/.exec(firstScreen)?.[1] ?? '';
    expect(firstBlock.trim().split('\n')).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
    expect(firstScreen).toMatch(/- uses: slipway\/slipway@v1/);
    expect(firstScreen).toMatch(/node24/);
    expect(firstScreen).toMatch(/deployments: write/);
    expect(firstScreen).toMatch(/GitHub Enterprise/);
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

  test('links to every action\'s reference page', () => {
    for (const { path } of renderReferences()) expect(readme).toContain(`](${path})`);
  });
});

describe('the reference pages', () => {
  test.each(renderReferences().map((r) => [r.path, r.text]))('%s matches its action.yml (run `npm run docs` after changing one)', (path, text) => {
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
