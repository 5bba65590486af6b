import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../../core/errors.js';
import { parseNotifyFormat, parseNotifyUrl, type NotifyFormat } from '../../core/notify/index.js';
import { registerSecret, splitUrlCredentials } from '../../core/secrets/index.js';
import { parseInput } from '../../core/values/index.js';

// Readers for action inputs. Each returns a typed value or throws an InputError naming the input;
// they are called only from an action's getInputs(), never deeper (docs/architecture.md, "Layers").

/**
 * Inputs renamed before 1.0, old name → new name: one name per concept across every action
 * (docs/values.md, "Names"). Old names are not aliases: a workflow still giving one is refused.
 */
export const RENAMED_INPUTS: Readonly<Record<string, string>> = {
  'github-token': 'token',
  artifact: 'image-ref',
  'mirror-percent': 'mirror-percentage',
  'prometheus-url': 'prometheus',
  'metrics-args': 'args',
};

/**
 * Throws an InputError for the first renamed input a workflow gives (the runner passes every
 * `with:` key as INPUT_<NAME>, known to the action or not), naming the new name. Its value, maybe a
 * token, is never shown.
 */
export function refuseRenamedInputs(env: NodeJS.ProcessEnv = process.env): void {
  for (const [old, current] of Object.entries(RENAMED_INPUTS)) {
    if (env[`INPUT_${old.replace(/ /g, '_').toUpperCase()}`] === undefined) continue;
    const error = new InputError(old, undefined, `\`${current}\``, `write \`${current}:\` under \`with:\``);
    error.message = `Input '${old}' was renamed to '${current}'. Fix: write \`${current}:\` under \`with:\` instead of \`${old}:\` (docs/values.md, "Names").`;
    throw error;
  }
}

/** A trimmed input, or undefined when empty. */
export function optionalString(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === '' ? undefined : value;
}

/** A trimmed input that must be present. */
export function requiredString(name: string, fix?: string): string {
  const value = optionalString(name);
  if (value === undefined) throw new InputError(name, undefined, 'a value', fix ?? `set \`${name}:\` under \`with:\``);
  return value;
}

/** A boolean input (true/false, any case); `fallback` when empty. */
export function booleanInput(name: string, fallback: boolean): boolean {
  const value = optionalString(name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new InputError(name, value, '`true` or `false`');
}

/** One of a fixed set of values; `fallback` when empty (required when no fallback). */
export function choiceInput<T extends string>(name: string, choices: readonly T[], fallback?: T): T {
  const value = optionalString(name);
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new InputError(name, value, `one of ${choices.join(', ')}`);
  }
  if (!(choices as readonly string[]).includes(value)) throw new InputError(name, value, `one of ${choices.join(', ')}`);
  return value as T;
}

/** A whole number in [min, max]; `fallback` when empty. */
export function integerInput(name: string, range: { min: number; max: number }, fallback?: number): number | undefined {
  const value = optionalString(name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < range.min || Number(value) > range.max) {
    throw new InputError(name, value, `a whole number from ${range.min} to ${range.max}`);
  }
  return Number(value);
}

/**
 * An input read by one of the value parsers of src/core/values (a weight, a duration, alpha…);
 * `fallback` (parsed the same way) when empty. A value the parser refuses is an InputError naming
 * the input.
 */
export function parsedInput<T>(name: string, parse: (value: unknown) => T, fallback: T | string): T;
export function parsedInput<T>(name: string, parse: (value: unknown) => T): T | undefined;
export function parsedInput<T>(name: string, parse: (value: unknown) => T, fallback?: T | string): T | undefined {
  const value = optionalString(name) ?? fallback;
  return value === undefined ? undefined : parseInput(name, value, parse);
}

/** An http(s) URL; undefined when empty. */
export function urlInput(name: string): string | undefined {
  const value = optionalString(name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, value, 'an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(name, value, 'an absolute http:// or https:// URL');
  // Credentials in the URL (`https://user:pass@…`) are masked now, before anything prints the URL.
  splitUrlCredentials(value);
  return value;
}

/**
 * A list input, by the one rule of docs/values.md ("Lists"): one item a line, or — for items that
 * never hold a comma (tags, platforms, names) — comma-separated too; blanks dropped. `lines`: one
 * item a line only, for items that hold commas themselves (`type=registry,ref=…`, a label's text).
 */
export function listInput(name: string, separators: 'lines-or-commas' | 'lines' = 'lines-or-commas'): string[] {
  return (optionalString(name) ?? '').split(separators === 'lines' ? '\n' : /[\n,]/).map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Text that is either inline (YAML/JSON) or the path of a file holding it: a value of one line
 * naming an existing file is read from that file.
 */
export function inlineOrFileInput(name: string): string | undefined {
  const value = optionalString(name);
  if (value === undefined || value.includes('\n')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch {
    return value;
  }
}

/** A secret input: masked in every log before anything else sees it. */
export function secretInput(name: string): string | undefined {
  const value = optionalString(name);
  registerSecret(value);
  return value;
}

/**
 * Request headers given one `Name: value` a line (e.g. `Authorization: Bearer …`): every value,
 * and the credential after a scheme on its own, masked before anything can print it.
 */
export function secretHeadersInput(name: string, parse: (text: string, where: string) => Record<string, string>): Record<string, string> {
  const text = optionalString(name);
  if (text === undefined) return {};
  for (const line of text.split('\n')) {
    const value = line.slice(line.indexOf(':') + 1).trim();
    for (const secret of [value, ...value.split(/\s+/).slice(1)]) registerSecret(secret);
  }
  return parse(text, `Input '${name}'`);
}

/**
 * A plan input (a file path or inline YAML) as the plan parser takes it: the text, and what its
 * errors are said to be in — a file's name (`rollout.yml line 12: …`), or `input '<name>'`.
 */
export function planTextInput(name: string): { text: string; source: string } | undefined {
  const value = optionalString(name);
  if (value === undefined) return undefined;
  const source = !value.includes('\n') && existsSync(value) ? basename(value) : `input '${name}'`;
  return { text: inlineOrFileInput(name)!, source };
}

/**
 * The notify inputs of an action (`notify-url`, `notify-format`; docs/notifications.md), each read
 * by the notify parser: the URL is registered as a secret before anything could print it. Both
 * undefined when empty; they are laid over a plan's `notify:`.
 */
export function notifyInputs(names: { url: string; format: string }): { url?: string; format?: NotifyFormat } {
  return { url: parsedInput(names.url, parseNotifyUrl), format: parsedInput(names.format, parseNotifyFormat) };
}
