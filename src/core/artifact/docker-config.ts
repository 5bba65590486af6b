import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlipwayError } from '../errors.js';
import { findExecutable, runCommand, tail } from '../process/index.js';
import { registerSecret } from '../secrets/index.js';
import type { Credentials } from './auth.js';

// Registry credentials as docker keeps them: `config.json` in $DOCKER_CONFIG (default ~/.docker),
// where `docker login` and docker/login-action put them. For a registry, docker asks, in order,
// the credential helper `credHelpers` names for it, the store `credsStore` names for every
// registry, and its own `auths` entry (`auth` = base64 of user:password, or `username`/`password`,
// or an `identitytoken`, the OAuth refresh token some registries hand out on login). A helper is
// the program `docker-credential-<name>`, asked with `get` and the server on stdin; it answers
// `{"ServerURL","Username","Secret"}`, with the user name `<token>` when the secret is an identity
// token. Every secret found is registered for masking before anything could print it.

/** Where docker keeps Docker Hub's credentials (docker's IndexServer). */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/**
 * Variables a credential helper may need besides the allow-list (docs/artifacts.md): docker's own,
 * the cloud helpers' (ecr-login, gcloud, acr-env), and the password stores' (pass, secretservice).
 */
const HELPER_ENV = [
  'DOCKER_CONFIG',
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ECR_DISABLE_CACHE',
  'GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_CONFIG',
  'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID',
  'PASSWORD_STORE_DIR', 'GNUPGHOME', 'DBUS_SESSION_BUS_ADDRESS',
];

/** Credentials found in docker's config, and where (for messages: never the secret itself). */
export interface DockerConfigCredentials {
  credentials: Credentials;
  /** e.g. `the auths entry for ghcr.io in /home/runner/.docker/config.json`, or `docker-credential-ecr-login`. */
  source: string;
}

/** Options of `dockerConfigCredentials`. */
export interface DockerConfigOptions {
  /** The directory holding config.json: $DOCKER_CONFIG, else ~/.docker. */
  configDir: string;
  /** Where to look for `docker-credential-<helper>` (default: $PATH). */
  searchPath?: string;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/**
 * The credentials docker's config.json holds for `registry` (host[:port] as in image names),
 * undefined when it holds none (or there is no config.json). Throws when config.json is not JSON,
 * or names a credential helper that is not installed.
 */
export async function dockerConfigCredentials(registry: string, options: DockerConfigOptions): Promise<DockerConfigCredentials | undefined> {
  const file = join(options.configDir, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let config: DockerConfigFile;
  try {
    config = JSON.parse(text) as DockerConfigFile;
  } catch {
    throw new SlipwayError(`docker's ${file} is not JSON, so no registry credentials could be read from it. Fix: log in again with docker/login-action, or give \`registry-username\` and \`registry-password\`.`);
  }
  const wanted = serverHost(registry === 'docker.io' ? DOCKER_HUB_KEY : registry);
  const helperKey = Object.keys(config.credHelpers ?? {}).find((key) => serverHost(key) === wanted);
  const helper = helperKey !== undefined ? config.credHelpers![helperKey] : config.credsStore;
  if (helper) return fromHelper(helper, registry === 'docker.io' ? DOCKER_HUB_KEY : registry, options.searchPath ?? process.env.PATH ?? '');
  const key = Object.keys(config.auths ?? {}).find((k) => serverHost(k) === wanted);
  if (key === undefined) return undefined;
  const credentials = fromAuthsEntry(config.auths![key]);
  return credentials && { credentials, source: `the auths entry for ${key} in ${file}` };
}

/** docker's ConvertToHostname: a key may be a bare host or a URL (`https://host/v1/`). */
function serverHost(key: string): string {
  const host = key.replace(/^https?:\/\//, '').split('/')[0];
  return host === 'docker.io' || host === 'registry-1.docker.io' ? 'index.docker.io' : host;
}

function fromAuthsEntry(entry: { auth?: string; username?: string; password?: string; identitytoken?: string }): Credentials | undefined {
  let username = entry.username ?? '';
  let password = entry.password ?? '';
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  registerSecret(password || undefined);
  registerSecret(entry.auth || undefined);
  if (entry.identitytoken) {
    registerSecret(entry.identitytoken);
    return { username, password, identityToken: entry.identitytoken };
  }
  return username && password ? { username, password } : undefined;
}

async function fromHelper(helper: string, server: string, searchPath: string): Promise<DockerConfigCredentials | undefined> {
  const program = `docker-credential-${helper}`;
  const executable = findExecutable(program, searchPath);
  if (!executable) {
    throw new SlipwayError(
      `docker's config.json asks the credential helper ${program} for the credentials of ${server}, but ${program} is not installed (not on PATH). ` +
        'Fix: install the helper on the runner, or give `registry-username` and `registry-password` (they take precedence over config.json).',
    );
  }
  // Run directly, its output never shown: it carries the secret.
  const result = await runCommand([executable, 'get'], { input: server, passEnv: HELPER_ENV });
  if (result.code !== 0) {
    // docker treats "not found" as no credentials: anonymous access.
    if (/credentials not found/i.test(result.stdout + result.stderr)) return undefined;
    throw new SlipwayError(`The credential helper ${program} failed for ${server} (exit ${result.code}): ${tail(result.stderr || result.stdout)}. Fix: log in again with docker/login-action, or give \`registry-username\` and \`registry-password\`.`);
  }
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(result.stdout) as typeof answer;
  } catch {
    throw new SlipwayError(`The credential helper ${program} answered something that is not JSON for ${server}.`);
  }
  if (!answer.Secret) return undefined;
  registerSecret(answer.Secret);
  const credentials: Credentials = answer.Username === '<token>' ? { username: '<token>', password: '', identityToken: answer.Secret } : { username: answer.Username ?? '', password: answer.Secret };
  return { credentials, source: program };
}

