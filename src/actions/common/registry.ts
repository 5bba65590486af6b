import type { Credentials } from '../../core/artifact/auth.js';
import { RegistryClient } from '../../core/artifact/client.js';
import { InputError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { optionalString, secretInput } from './inputs.js';

/** The names of an action's two inputs holding one registry's credentials. */
export interface CredentialInputs {
  username: string;
  password: string;
}

/** One registry's credentials from their two inputs (the password masked); undefined when both are empty. */
export function registryCredentialsInput(inputs: CredentialInputs): Credentials | undefined {
  const username = optionalString(inputs.username);
  const password = secretInput(inputs.password);
  if ((username === undefined) !== (password === undefined)) {
    const missing = username === undefined ? inputs.username : inputs.password;
    throw new InputError(missing, undefined, 'a value: registry credentials need both a username and a password', `set \`${missing}:\` too, or neither for anonymous access`);
  }
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}

/** What a 401 tells the user to fix: the credential inputs, and what ghcr.io wants in them. */
export function checkCredentialInputs(inputs: CredentialInputs): string {
  return `check \`${inputs.username}\` and \`${inputs.password}\` (for ghcr.io: \`${inputs.username}: \${{ github.actor }}\`, \`${inputs.password}: \${{ secrets.GITHUB_TOKEN }}\`)`;
}

/**
 * A registry client for an action, whose 401/403 messages name the action's credential inputs and
 * the `permissions:` a GITHUB_TOKEN needs for ghcr.io. `credentialsFix` is the inputs to check on a
 * 401, or the whole advice when checking them is not the whole story (promote-artifact's target).
 */
export function registryClientFor(registry: string, credentials: Credentials | undefined, credentialsFix: CredentialInputs | string, logger: Logger): RegistryClient {
  return new RegistryClient({
    registry,
    credentials,
    logger,
    hints: {
      credentials: typeof credentialsFix === 'string' ? credentialsFix : checkCredentialInputs(credentialsFix),
      permission: `use credentials with write access to the repository; with GITHUB_TOKEN on ghcr.io give the job \`permissions: packages: write\` and the package access to this repository`,
    },
  });
}
