// Reads every action's metadata (the root action.yml and actions/<name>/action.yml), for the README
// reference tables and the repository tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';

/** One input or output as action.yml declares it. */
export interface ActionField {
  name: string;
  description: string;
  required?: boolean;
  default?: string;
}

/** An action's metadata file, read. */
export interface ActionMetadata {
  /** 'rollout' for the root action, else the folder name under actions/. */
  name: string;
  /** Path of the action.yml, relative to the repository root. */
  file: string;
  /** How a workflow refers to it, e.g. `slipway/slipway/actions/analyze@v1`. */
  uses: string;
  text: string;
  title: string;
  description: string;
  inputs: ActionField[];
  outputs: ActionField[];
  runs: Record<string, unknown>;
  branding?: { icon?: string; color?: string };
}

/** Every action of the repository: the root `rollout` first, then the others by name. */
export function readActions(root = process.cwd()): ActionMetadata[] {
  const files: { name: string; file: string }[] = [];
  if (existsSync(join(root, 'action.yml'))) files.push({ name: 'rollout', file: 'action.yml' });
  const dir = join(root, 'actions');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      if (existsSync(join(dir, name, 'action.yml'))) files.push({ name, file: join('actions', name, 'action.yml') });
    }
  }
  return files.map(({ name, file }) => {
    const text = readFileSync(join(root, file), 'utf8');
    const doc = (yaml.load(text) ?? {}) as Record<string, unknown>;
    const fields = (section: unknown): ActionField[] =>
      Object.entries((section ?? {}) as Record<string, Record<string, unknown>>).map(([key, value]) => ({
        name: key,
        description: String(value?.description ?? ''),
        required: value?.required === true || value?.required === 'true',
        default: value?.default === undefined ? undefined : String(value.default),
      }));
    return {
      name,
      file,
      uses: name === 'rollout' ? 'slipway/slipway@v1' : `slipway/slipway/actions/${name}@v1`,
      text,
      title: String(doc.name ?? ''),
      description: String(doc.description ?? ''),
      inputs: fields(doc.inputs),
      outputs: fields(doc.outputs),
      runs: (doc.runs ?? {}) as Record<string, unknown>,
      branding: doc.branding as ActionMetadata['branding'],
    };
  });
}
