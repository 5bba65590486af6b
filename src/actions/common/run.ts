import * as core from '@actions/core';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { registerEnvironmentSecrets } from '../../core/process/index.js';
import { secrets } from '../../core/secrets/index.js';
import { refuseRenamedInputs } from './inputs.js';
import { debug, error, info, setFailed, warning } from './output.js';

/** The core library's Logger over the Actions toolkit, behind the redaction boundary. */
export const actionsLogger: Logger = { debug, info, warning, error };

const POST_MARKER = 'slipway-is-post';

/**
 * The one failure boundary of an action bundle. The runner starts the same bundle for `main` and
 * for `post`; the main step leaves a state marker so the second start knows it is the post step
 * (as actions/checkout does). Errors become `setFailed` with their message.
 *
 * Before anything else, every secret this process learns is wired to the runner's `::add-mask::`,
 * and the secrets already in its environment (tokens, passwords) are registered, so that no line
 * printed afterwards can show one (docs/security.md).
 */
export async function runAction(steps: { main: () => Promise<void>; post?: () => Promise<void> }): Promise<void> {
  secrets.subscribe((value) => core.setSecret(value));
  registerEnvironmentSecrets(process.env);
  const isPost = core.getState(POST_MARKER) === 'true';
  try {
    if (isPost) {
      await steps.post?.();
    } else {
      core.saveState(POST_MARKER, 'true');
      refuseRenamedInputs();
      await steps.main();
    }
  } catch (failure) {
    setFailed(errorMessage(failure));
  }
}
