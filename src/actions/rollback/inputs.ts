import type { Credentials } from '../../core/artifact/auth.js';
import { InputError } from '../../core/errors.js';
import { parseNotifySettings, type NotifySettings } from '../../core/notify/index.js';
import { loadPlan, SLOT_ROUTER_FIELDS, type PlanOverrides, type RolloutPlan } from '../../core/plan/index.js';
import { parseEnvNames } from '../../core/process/index.js';
import { parseRollbackTo, type RollbackTo } from '../../core/rollback/index.js';
import { parseInput } from '../../core/values/index.js';
import { booleanInput, listInput, notifyInputs, optionalString, planTextInput, requiredString, secretInput, urlInput } from '../common/inputs.js';
import { registryCredentialsInput } from '../common/registry.js';
import { routerSettingsInput } from '../common/router-input.js';
import { Inputs } from './constants.js';

/** The rollback action's inputs, parsed and validated. */
export interface RollbackInputs {
  environment: string;
  to: RollbackTo;
  /** Provider (the `provider` input, `provider:` inside `router`, or the plan's) and settings, for the traffic registry. */
  router?: { provider?: string; settings: Record<string, unknown> };
  /**
   * The `plan` input's plan when it has slots: traffic goes back to the slot that still runs the
   * good version, or its `deploy:` starts it again in the idle slot (docs/rollout.md, "Rolling back to a slot").
   */
  slotPlan?: RolloutPlan;
  deployCommand?: string;
  /** Variables the deploy command gets from the runner besides the allow-list. */
  deployEnv: string[];
  reason: string;
  force: boolean;
  environmentUrl?: string;
  /** For reading the target's registry (the artifact must still exist); default anonymous. */
  registryCredentials?: Credentials;
  /** Where the rollback is posted: the `plan`'s `notify:` with the notify inputs laid over it. */
  notify?: NotifySettings;
  token: string;
}

/** Reads and validates every input before anything is read from or written to GitHub. */
export function getInputs(): RollbackInputs {
  const environment = requiredString(Inputs.Environment, 'name the GitHub environment to roll back, e.g. `environment: production`');
  const provider = optionalString(Inputs.Provider);
  const settings = routerSettingsInput(Inputs.Router, optionalString(Inputs.Router));
  const deployCommand = optionalString(Inputs.DeployCommand);
  const notify = notifyInputs({ url: Inputs.NotifyUrl, format: Inputs.NotifyFormat });
  const plan = planInput({ notify });
  if (plan) checkAgainstPlan(plan, { provider, settings, deployCommand });
  const router = plan ? plan.router : provider === undefined && settings === undefined ? undefined : { provider, settings: settings ?? {} };
  if (!router && !deployCommand) {
    throw new InputError(
      Inputs.Provider,
      undefined,
      'a `plan` (its router and slots), a traffic provider with its `router:` settings (to send traffic back), a `deploy-command` (to redeploy the good version), or both',
      'without either, a rollback would only be recorded, not carried out',
    );
  }
  return {
    environment,
    to: parseRollbackTo(optionalString(Inputs.To), Inputs.To),
    router,
    slotPlan: plan?.slots ? plan : undefined,
    deployCommand,
    deployEnv: parseEnvNames(Inputs.DeployEnv, listInput(Inputs.DeployEnv)),
    reason: optionalString(Inputs.Reason) ?? 'manual rollback',
    force: booleanInput(Inputs.Force, false),
    environmentUrl: urlInput(Inputs.EnvironmentUrl),
    registryCredentials: registryCredentialsInput({ username: Inputs.RegistryUsername, password: Inputs.RegistryPassword }),
    notify: plan ? plan.notify : notifyWithoutPlan(notify),
    token: secretInput(Inputs.Token) ?? requiredString(Inputs.Token, 'pass `token: ${{ github.token }}` with `permissions: deployments: write`'),
  };
}

/** The `plan` input, read and checked by the rollout's own parser (with the inputs that override it). */
function planInput(overrides: PlanOverrides): RolloutPlan | undefined {
  const given = planTextInput(Inputs.Plan);
  return given && loadPlan(given.text, given.source, overrides);
}

/** Without a plan, the notify inputs alone: `notify-format` needs a `notify-url`. */
function notifyWithoutPlan(given: { url?: string; format?: string }): NotifySettings | undefined {
  if (given.url === undefined && given.format === undefined) return undefined;
  if (given.url === undefined) throw new InputError(Inputs.NotifyUrl, undefined, 'the webhook URL, since notify-format is set', 'set `notify-url:` from a secret, or drop notify-format');
  return parseInput(Inputs.NotifyUrl, given, parseNotifySettings);
}

/**
 * With `plan`, the router is the plan's: `provider` and `router` may only repeat what it says, and
 * with slots neither they nor `deploy-command` may pick what the slots decide (which server takes
 * traffic, how a version is started again). A disagreement is refused rather than merged, so that
 * a rollback never drives a router the rollouts do not.
 */
function checkAgainstPlan(plan: RolloutPlan, given: { provider?: string; settings?: Record<string, unknown>; deployCommand?: string }): void {
  const drop = `drop it: the plan's \`router:\` is used`;
  const settings = { ...given.settings };
  const provider = given.provider ?? (settings.provider as string | undefined);
  delete settings.provider;
  if (provider !== undefined && provider !== plan.router.provider) {
    throw new InputError(given.provider === undefined ? Inputs.Router : Inputs.Provider, provider, `the plan's provider (${plan.router.provider}) or nothing`, drop);
  }
  const slotFields = plan.slots ? SLOT_ROUTER_FIELDS[plan.router.provider] : undefined;
  for (const [key, value] of Object.entries(settings)) {
    if (slotFields && (key === slotFields.stable || key === slotFields.canary)) {
      throw new InputError(Inputs.Router, `${key}: ${JSON.stringify(value)}`, `no \`${key}\`: the plan's slots decide it at each rollback`, `drop \`${key}\` from \`${Inputs.Router}\``);
    }
    if (JSON.stringify(value) !== JSON.stringify(plan.router.settings[key])) {
      throw new InputError(Inputs.Router, `${key}: ${JSON.stringify(value)}`, `what the plan says (${key}: ${JSON.stringify(plan.router.settings[key] ?? null)})`, `${drop}, or change the plan`);
    }
  }
  if (plan.slots && given.deployCommand !== undefined) {
    throw new InputError(Inputs.DeployCommand, given.deployCommand, "nothing with a plan that has slots: the plan's `deploy:` starts the good version again in a slot when needed", `drop \`${Inputs.DeployCommand}\``);
  }
}
