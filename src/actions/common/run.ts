import * as core from '@actions/core';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';

/** The core library's Logger over the Actions toolkit. */
export const actionsLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
};

const POST_MARKER = 'slipway-is-post';

/**
 * The one failure boundary of an action bundle. The runner starts the same bundle for `main` and
 * for `post`; the main step leaves a state marker so the second start knows it is the post step
 * (as actions/checkout does). Errors become `setFailed` with their message.
 */
export async function runAction(steps: { main: () => Promise<void>; post?: () => Promise<void> }): Promise<void> {
  const isPost = core.getState(POST_MARKER) === 'true';
  try {
    if (isPost) {
      await steps.post?.();
    } else {
      core.saveState(POST_MARKER, 'true');
      await steps.main();
    }
  } catch (error) {
    core.setFailed(errorMessage(error));
  }
}
