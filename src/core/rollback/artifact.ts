import { RegistryAuthError, type Credentials } from '../artifact/auth.js';
import { RegistryClient } from '../artifact/client.js';
import { InvalidManifestError } from '../artifact/manifests.js';
import { parsePinnedReference } from '../artifact/reference.js';
import { isConnectionError, UnexpectedResponseError } from '../artifact/http.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { RollbackRefusedError } from './target.js';

// Before a rollback records the target as running again, its artifact must still be in its
// registry: a deleted image would be recorded as `success` and fail only when a node pulls it.
// What the rollback cannot read (a registry that wants credentials it was not given, refuses
// them, or does not answer) is a warning, never a refusal: a rollback is what an incident needs
// most, and the check is a safety net, not a gate. A registry that answers 404 is a refusal.

/** How a rollback reads the target's registry: anonymous unless credentials are given. */
export interface RegistryAccess {
  credentials?: Credentials;
  /** What to give for the registry to be readable, e.g. "give `registry-username` and `registry-password`". */
  credentialsHint?: string;
  /** Attempts per request (default 2: a rollback does not wait long on a registry). */
  attempts?: number;
}

/**
 * Refuses (RollbackRefusedError) when the registry says the artifact `ref` (`name@sha256:…`) is
 * gone or answers something that is not that manifest; warns when it cannot be read. One HEAD, or
 * one GET when the HEAD does not carry the digest and media type. Nothing is changed either way.
 */
export async function ensureArtifactExists(ref: string, environment: string, access: RegistryAccess, logger: Logger): Promise<void> {
  const { registry, repository, digest } = parsePinnedReference('artifact', ref);
  const client = new RegistryClient({
    registry,
    credentials: access.credentials,
    attempts: access.attempts ?? 2,
    ...(access.credentialsHint ? { hints: { credentials: access.credentialsHint } } : {}),
  });
  let found: boolean;
  try {
    found = (await client.manifests.resolve(repository, digest)) !== null;
  } catch (error) {
    if (error instanceof InvalidManifestError) {
      throw new RollbackRefusedError(`Cannot roll back ${environment} to ${ref}: ${error.message} Nothing was recorded and traffic was not moved.`);
    }
    if (!(error instanceof RegistryAuthError || error instanceof UnexpectedResponseError || isConnectionError(error))) throw error;
    logger.warning(`Could not check that ${ref} still exists in ${registry} (${errorMessage(error)}); rolling back without that check.`);
    return;
  }
  if (!found) {
    throw new RollbackRefusedError(
      `Cannot roll back ${environment} to ${ref}: ${registry} answers 404 for ${repository}@${digest}, so the artifact was deleted from the registry and nothing could run it. ` +
        'Nothing was recorded and traffic was not moved. Fix: push that artifact again (the same digest, e.g. by promoting it from another environment), or roll back to another deployment with `to: <id>`.',
    );
  }
}
