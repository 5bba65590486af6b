import type { Credentials } from '../../core/artifact/auth.js';
import type { PromoteRequest } from '../../core/artifact/promote.js';
import { isTag, parseImageName } from '../../core/artifact/reference.js';
import { InputError } from '../../core/errors.js';
import { booleanInput, choiceInput, listInput, optionalString, requiredString, secretInput } from '../common/inputs.js';
import { registryCredentialsInput, type CredentialInputs } from '../common/registry.js';
import { Inputs, STATES } from './constants.js';

/** promote-artifact's inputs, validated before anything is read or written (`imageRef` stays raw: the core parses it, or defaults it from the ledger). */
export interface PromoteInputs extends Pick<PromoteRequest, 'fromEnvironment' | 'toEnvironment' | 'imageRef' | 'targetImage' | 'targetTags' | 'requireProtection'> {
  state: (typeof STATES)[number];
  sourceCredentials?: Credentials;
  /** Given by `target-registry-username`/`-password`; without them, see `targetRegistryAccess`. */
  targetCredentials?: Credentials;
  /** `target-registry-use-source-login`: the source credentials go to a target on another host too. */
  useSourceCredentialsForTarget: boolean;
  token: string;
}

/** Reads and validates every input. */
export function getInputs(): PromoteInputs {
  const token = secretInput(Inputs.Token);
  if (!token) throw new InputError(Inputs.Token, undefined, 'a GitHub token', 'leave `token:` out to use `github.token`, and give the job `permissions: deployments: write`');
  const fromEnvironment = requiredString(Inputs.FromEnvironment, 'set `from-environment:` to the environment the image ran in, e.g. staging');
  const toEnvironment = requiredString(Inputs.ToEnvironment, 'set `to-environment:` to the environment to promote to, e.g. production');
  if (fromEnvironment.toLowerCase() === toEnvironment.toLowerCase()) {
    throw new InputError(Inputs.ToEnvironment, toEnvironment, `an environment other than \`from-environment\` (${fromEnvironment})`);
  }
  const targetImageText = optionalString(Inputs.TargetImage);
  const targetTags = listInput(Inputs.TargetTags);
  for (const tag of targetTags) if (!isTag(tag)) throw new InputError(Inputs.TargetTags, tag, 'tags of letters, digits, `_`, `.` and `-` (at most 128, not starting with `.` or `-`)');
  const sourceCredentials = registryCredentialsInput(SOURCE_INPUTS);
  const targetCredentials = registryCredentialsInput(TARGET_INPUTS);
  const useSourceCredentialsForTarget = booleanInput(Inputs.TargetRegistryUseSourceLogin, false);
  if (useSourceCredentialsForTarget && targetCredentials) {
    throw new InputError(
      Inputs.TargetRegistryUseSourceLogin,
      'true',
      `\`false\` while \`${Inputs.TargetRegistryUsername}\` and \`${Inputs.TargetRegistryPassword}\` are set: they already say which credentials the target registry gets`,
      `remove \`${Inputs.TargetRegistryUseSourceLogin}\`, or remove the target credentials if the source credentials are meant for the target`,
    );
  }
  if (useSourceCredentialsForTarget && !sourceCredentials) {
    throw new InputError(
      Inputs.TargetRegistryUseSourceLogin,
      'true',
      `\`${Inputs.RegistryUsername}\` and \`${Inputs.RegistryPassword}\` to be set: they are the credentials it would send to the target registry`,
      `set them, or remove \`${Inputs.TargetRegistryUseSourceLogin}\``,
    );
  }
  return {
    fromEnvironment,
    toEnvironment,
    imageRef: optionalString(Inputs.ImageRef),
    targetImage: targetImageText === undefined ? undefined : parseImageName(Inputs.TargetImage, targetImageText),
    targetTags,
    // GitHub's own rule for production_environment: an environment named `production`.
    requireProtection: booleanInput(Inputs.RequireProtection, toEnvironment === 'production'),
    state: choiceInput(Inputs.State, STATES, 'success'),
    sourceCredentials,
    targetCredentials,
    useSourceCredentialsForTarget,
    token,
  };
}

/** The credentials one registry gets, the inputs they come from, and the advice a 401 there gives. */
export interface RegistryAccess {
  credentials?: Credentials;
  credentialsFix: CredentialInputs | string;
}

const SOURCE_INPUTS: CredentialInputs = { username: Inputs.RegistryUsername, password: Inputs.RegistryPassword };
const TARGET_INPUTS: CredentialInputs = { username: Inputs.TargetRegistryUsername, password: Inputs.TargetRegistryPassword };

/** The source registry gets the source credentials (`registry-username`/`-password`), or none. */
export function sourceRegistryAccess(inputs: PromoteInputs): RegistryAccess {
  return { credentials: inputs.sourceCredentials, credentialsFix: SOURCE_INPUTS };
}

/**
 * The target registry gets its own credentials when they are given. Otherwise it gets the source
 * credentials only when it is the source's very registry (host and port equal; host names compare
 * without case) or the workflow opted in: a registry is never sent another one's credentials
 * by default. Without either, it is accessed anonymously.
 */
export function targetRegistryAccess(inputs: PromoteInputs, targetRegistry: string, sourceRegistry: string): RegistryAccess {
  if (inputs.targetCredentials) return { credentials: inputs.targetCredentials, credentialsFix: TARGET_INPUTS };
  const sameRegistry = targetRegistry.toLowerCase() === sourceRegistry.toLowerCase();
  if (sameRegistry) return sourceRegistryAccess(inputs);
  if (inputs.useSourceCredentialsForTarget) {
    return {
      credentials: inputs.sourceCredentials,
      credentialsFix: `check \`${Inputs.RegistryUsername}\` and \`${Inputs.RegistryPassword}\` (\`${Inputs.TargetRegistryUseSourceLogin}: true\` sends them to ${targetRegistry} too), or give ${targetRegistry} its own with \`${Inputs.TargetRegistryUsername}\` and \`${Inputs.TargetRegistryPassword}\``,
    };
  }
  const optIn = inputs.sourceCredentials
    ? `, or set \`${Inputs.TargetRegistryUseSourceLogin}: true\` if \`${Inputs.RegistryUsername}\` and \`${Inputs.RegistryPassword}\` are meant for it too (by default they go to ${sourceRegistry} only)`
    : '';
  return { credentialsFix: `set \`${Inputs.TargetRegistryUsername}\` and \`${Inputs.TargetRegistryPassword}\` for ${targetRegistry}, which was accessed without credentials${optIn}` };
}
