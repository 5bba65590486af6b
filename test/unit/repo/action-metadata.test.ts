import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NoOperationTraceWriter } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { readActions } from '../../../scripts/action-metadata.js';

const actions = readActions();

// The bundle an action.yml points at, as a repository path (dist/<name>/index.js).
const bundleOf = (file: string, main: unknown) => normalize(join(dirname(file), String(main)));

describe('every action.yml', () => {
  test('the six composable actions and the root rollout action exist', () => {
    expect(actions.map((a) => a.name).sort()).toEqual(['analyze', 'build-immutable-image', 'canary-step', 'promote-artifact', 'record-deployment', 'rollback', 'rollout']);
  });

  // describe.each refuses an empty table; the test above already fails in that case.
  describe.each(actions.length > 0 ? actions.map((a) => [a.file, a] as const) : [['(none)', undefined as never]])('%s', (_file, action) => {
    test("passes GitHub's own action parser", () => {
      const result = parseAction({ name: action.file, content: action.text }, new NoOperationTraceWriter());
      expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    });

    test('runs on node24 from its own bundle in dist/, built from src/actions/<name>/index.ts', () => {
      expect(action.runs.using).toBe('node24');
      expect(bundleOf(action.file, action.runs.main)).toBe(join('dist', action.name, 'index.js'));
      expect(existsSync(join('src', 'actions', action.name, 'index.ts'))).toBe(true);
      if (action.runs.post !== undefined) expect(bundleOf(action.file, action.runs.post)).toBe(join('dist', action.name, 'index.js'));
    });

    test('has a name, a description, branding, and a description for every input and output', () => {
      expect(action.title).not.toBe('');
      expect(action.description).not.toBe('');
      expect(action.branding?.icon).toBeTruthy();
      expect(action.branding?.color).toBeTruthy();
      for (const field of [...action.inputs, ...action.outputs]) expect({ field: field.name, description: field.description.length > 10 }).toEqual({ field: field.name, description: true });
    });

    test('its constants table names exactly the inputs and outputs action.yml declares', async () => {
      const constantsFile = join(process.cwd(), 'src', 'actions', action.name, 'constants.ts');
      expect(existsSync(constantsFile)).toBe(true);
      const constants = (await import(pathToFileURL(constantsFile).href)) as { Inputs?: Record<string, string>; Outputs?: Record<string, string> };
      expect(Object.values(constants.Inputs ?? {}).sort()).toEqual(action.inputs.map((i) => i.name).sort());
      expect(Object.values(constants.Outputs ?? {}).sort()).toEqual(action.outputs.map((o) => o.name).sort());
    });
  });
});
