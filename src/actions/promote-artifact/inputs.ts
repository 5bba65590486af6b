import type { Credentials } from '../../core/artifact/auth.js';
import type { PromoteRequest } from '../../core/artifact/promote.js';
import { isTag, parseImageName } from '../../core/artifact/reference.js';
import { InputError } from '../../core/errors.js';
import { booleanInput, choiceInput, listInput, optionalString, requiredString, secretInput } from '../common/inputs.js';
import { Inputs, STATES } from './constants.js';

/** promote-artifact's inputs, validated before anything is read or written (`imageRef` stays raw: the core parses it, or defaults it from the ledger). */
export interface PromoteInputs extends Pick<PromoteRequest, 'fromEnvironment' | 'toEnvironment' | 'imageRef' | 'targetImage' | 'targetTags' | 'requireProtection'> {
  state: (typeof STATES)[number];
  sourceCredentials?: Credentials;
  /** Default: the source credentials. */
  targetCredentials?: Credentials;
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
  const sourceCredentials = credentials(Inputs.RegistryUsername, Inputs.RegistryPassword);
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
    targetCredentials: credentials(Inputs.TargetRegistryUsername, Inputs.TargetRegistryPassword) ?? sourceCredentials,
    token,
  };
}

function credentials(usernameInput: string, passwordInput: string): Credentials | undefined {
  const username = optionalString(usernameInput);
  const password = secretInput(passwordInput);
  if ((username === undefined) !== (password === undefined)) {
    const missing = username === undefined ? usernameInput : passwordInput;
    throw new InputError(missing, undefined, 'a value: registry credentials need both a username and a password', `set \`${missing}:\` too, or neither for anonymous access`);
  }
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}
