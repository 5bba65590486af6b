import { InputError } from '../errors.js';
import { registerSecret } from '../secrets/index.js';

// What a child process may see of the runner's environment (docs/security.md). A workflow's
// environment holds INPUT_* (every action input, tokens included), ACTIONS_RUNTIME_TOKEN, the
// OIDC request token, and whatever secrets the workflow exported; a traffic command that prints
// its environment on failure would put them into a deployment status. So a child gets an
// allow-list, the SLIPWAY_* variables its caller documents, and the names the user lists in `env:`.

/** Variables every child gets when the runner has them: finding programs, locale, temp, TLS trust, proxies. */
const ALWAYS = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'TERM', 'HOSTNAME', 'CI',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
]);

/**
 * GitHub's workflow-command files: a child writing to them would set outputs, state or environment
 * for later steps, or write the job summary past the redaction boundary.
 */
const WORKFLOW_FILES = new Set(['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']);

/** Prefixes that are never passed, even when named: action inputs and the runner's own credentials. */
const NEVER = ['INPUT_', 'ACTIONS_'];

/** Whether a variable's name says it holds a credential (`GITHUB_TOKEN`, `REGISTRY_PASSWORD`, `AWS_SECRET_ACCESS_KEY`). */
export function isSecretName(name: string): boolean {
  return /TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL/i.test(name);
}

function passedByDefault(name: string): boolean {
  if (ALWAYS.has(name) || name.startsWith('LC_')) return true;
  if (NEVER.some((prefix) => name.startsWith(prefix)) || WORKFLOW_FILES.has(name) || isSecretName(name)) return false;
  return name.startsWith('GITHUB_') || name.startsWith('RUNNER_');
}

/** What a caller adds to the allow-list. */
export interface ChildEnvironmentOptions {
  /** Names passed through from the runner when set (a provider's own, e.g. KUBECONFIG, and the user's `env:`). */
  pass?: readonly string[];
  /** Variables set for the child (the SLIPWAY_* a caller documents). */
  set?: Readonly<Record<string, string>>;
}

/** The environment of a child process: the allow-list, then `pass`, then `set`. Never INPUT_* nor ACTIONS_*. */
export function childEnvironment(options: ChildEnvironmentOptions = {}, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) if (value !== undefined && passedByDefault(name)) env[name] = value;
  for (const name of options.pass ?? []) {
    const value = from[name];
    if (value === undefined || NEVER.some((prefix) => name.startsWith(prefix))) continue;
    // Named on purpose, still never shown: its value is masked wherever it could appear.
    if (isSecretName(name)) registerSecret(value);
    env[name] = value;
  }
  return { ...env, ...options.set };
}

/**
 * Registers every value in `env` whose name says it is a credential (an action does this at start).
 * A name is only a hint, so values that cannot be credentials — `true`, `1`, `none`, anything under
 * 8 characters — are left alone: masking every `true` would blank outputs, not hide a secret.
 */
export function registerEnvironmentSecrets(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && isSecretName(name) && value.trim().length >= 8 && !/^(true|false|yes|no|none|\d+)$/i.test(value.trim())) registerSecret(value);
  }
}

/**
 * The one parser of an `env:` setting: a list of variable names to pass to a child process from
 * the runner's environment, e.g. `env: [AWS_PROFILE, KUBECONFIG]`. `input` names the setting in errors.
 */
export function parseEnvNames(input: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const names = typeof value === 'string' ? value.split(/[\s,]+/).filter((name) => name !== '') : value;
  if (!Array.isArray(names)) throw new InputError(input, value, 'a list of environment variable names, e.g. `[AWS_PROFILE, KUBECONFIG]`');
  for (const name of names) {
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new InputError(input, name, 'an environment variable name (letters, digits and `_`, not starting with a digit)');
    }
    const prefix = NEVER.find((p) => name.startsWith(p));
    if (prefix) {
      throw new InputError(input, name, `a variable that is not ${prefix}*`, `${prefix === 'INPUT_' ? 'action inputs reach a command only as the SLIPWAY_* variables it is documented to get' : 'the runner\'s own credentials are never passed to a command'}; export what the command needs under a name of its own in the step's \`env:\` and list that name`);
    }
  }
  return names as string[];
}
