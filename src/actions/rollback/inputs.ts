import type { Credentials } from '../../core/artifact/auth.js';
import { InputError } from '../../core/errors.js';
import { parseEnvNames } from '../../core/process/index.js';
import { parseRollbackTo, type RollbackTo } from '../../core/rollback/index.js';
import { booleanInput, optionalString, requiredString, secretInput, urlInput } from '../common/inputs.js';
import { registryCredentialsInput } from '../common/registry.js';
import { routerSettingsInput } from '../common/router-input.js';
import { Inputs } from './constants.js';

/** The rollback action's inputs, parsed and validated. */
export interface RollbackInputs {
  environment: string;
  to: RollbackTo;
  /** Provider (the `provider` input, or `provider:` inside `router`) and settings, for the traffic registry. */
  router?: { provider?: string; settings: Record<string, unknown> };
  deployCommand?: string;
  /** Variables the deploy command gets from the runner besides the allow-list. */
  deployEnv: string[];
  reason: string;
  force: boolean;
  environmentUrl?: string;
  /** For reading the target's registry (the artifact must still exist); default anonymous. */
  registryCredentials?: Credentials;
  token: string;
}

/** Reads and validates every input before anything is read from or written to GitHub. */
export function getInputs(): RollbackInputs {
  const environment = requiredString(Inputs.Environment, 'name the GitHub environment to roll back, e.g. `environment: production`');
  const provider = optionalString(Inputs.Provider);
  const settings = routerSettingsInput(Inputs.Router, optionalString(Inputs.Router));
  const router = provider === undefined && settings === undefined ? undefined : { provider, settings: settings ?? {} };
  const deployCommand = optionalString(Inputs.DeployCommand);
  if (!router && !deployCommand) {
    throw new InputError(
      Inputs.Provider,
      undefined,
      'a traffic provider with its `router:` settings (to send traffic back), a `deploy-command` (to redeploy the good version), or both',
      'without either, a rollback would only be recorded, not carried out',
    );
  }
  return {
    environment,
    to: parseRollbackTo(optionalString(Inputs.To), Inputs.To),
    router,
    deployCommand,
    deployEnv: parseEnvNames(Inputs.DeployEnv, optionalString(Inputs.DeployEnv)),
    reason: optionalString(Inputs.Reason) ?? 'manual rollback',
    force: booleanInput(Inputs.Force, false),
    environmentUrl: urlInput(Inputs.EnvironmentUrl),
    registryCredentials: registryCredentialsInput({ username: Inputs.RegistryUsername, password: Inputs.RegistryPassword }),
    token: secretInput(Inputs.Token) ?? requiredString(Inputs.Token, 'pass `token: ${{ github.token }}` with `permissions: deployments: write`'),
  };
}
