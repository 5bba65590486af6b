import { InputError } from '../../core/errors.js';
import { loadYaml } from '../../core/yaml.js';

/**
 * Reads a `router` input: the YAML (or JSON) settings of a traffic provider, e.g.
 * `{socket: /run/haproxy/admin.sock, backend: app, stable: blue, canary: green}`, possibly with
 * `provider:` among them; undefined when empty. The traffic registry checks the settings.
 */
export function routerSettingsInput(name: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let settings: unknown;
  try {
    settings = loadYaml(text);
  } catch (error) {
    throw new InputError(name, text, 'YAML settings of the traffic provider, e.g. `{socket: /run/haproxy/admin.sock, backend: app, stable: blue, canary: green}`', (error as Error).message.split('\n')[0]);
  }
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) throw new InputError(name, text, 'a YAML mapping of provider settings');
  return settings as Record<string, unknown>;
}
