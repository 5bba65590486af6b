import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NoOperationTraceWriter } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { readActions } from '../../../scripts/action-metadata.js';

const actions = readActions();

// GitHub Marketplace shows at most 125 characters of an action's description and refuses to list
// an action whose description is longer.
const MARKETPLACE_DESCRIPTION_LIMIT = 125;

// The badge icons and colours GitHub accepts, from the schema of GitHub's own action parser
// (the v4.28.0 Feather icons, without the brand icons and a few others).
const actionSchema = JSON.parse(readFileSync(join('node_modules', '@actions', 'workflow-parser', 'dist', 'action-v1.0.min.json'), 'utf8')) as {
  definitions: Record<string, { 'allowed-values'?: string[] }>;
};
const brandingIcons = actionSchema.definitions['branding-icon']['allowed-values'] ?? [];
const brandingColors = actionSchema.definitions['branding-color']['allowed-values'] ?? [];

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

    test(`has a Marketplace-ready description (at most ${MARKETPLACE_DESCRIPTION_LIMIT} characters) and a badge GitHub accepts`, () => {
      expect({ description: action.description, length: [...action.description].length <= MARKETPLACE_DESCRIPTION_LIMIT }).toEqual({ description: action.description, length: true });
      expect(brandingIcons.length).toBeGreaterThan(200);
      expect(brandingIcons).toContain(action.branding?.icon);
      expect(brandingColors).toContain(action.branding?.color);
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
