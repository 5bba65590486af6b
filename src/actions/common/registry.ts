import type { Credentials } from '../../core/artifact/auth.js';
import { RegistryClient } from '../../core/artifact/client.js';
import type { Logger } from '../../core/log.js';

/**
 * A registry client for an action, whose 401/403 messages name the action's credential inputs and
 * the `permissions:` a GITHUB_TOKEN needs for ghcr.io.
 */
export function registryClientFor(registry: string, credentials: Credentials | undefined, inputs: { username: string; password: string }, logger: Logger): RegistryClient {
  return new RegistryClient({
    registry,
    credentials,
    logger,
    hints: {
      credentials: `check \`${inputs.username}\` and \`${inputs.password}\` (for ghcr.io: \`${inputs.username}: \${{ github.actor }}\`, \`${inputs.password}: \${{ secrets.GITHUB_TOKEN }}\`)`,
      permission: `use credentials with write access to the repository; with GITHUB_TOKEN on ghcr.io give the job \`permissions: packages: write\` and the package access to this repository`,
    },
  });
}
