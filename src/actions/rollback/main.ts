import { deploymentsPageUrl, webhookNotifier } from '../../core/notify/index.js';
import { decideRollback, executeRollback, shellCommandRunner, slotRestore } from '../../core/rollback/index.js';
import { createRouter } from '../../core/traffic/registry.js';
import type { SshRouterHosts } from '../../core/traffic/ssh-hosts.js';
import { readRunContext } from '../common/context.js';
import { checkCredentialInputs } from '../common/registry.js';
import { ledgerFromInputs } from '../common/ledger.js';
import { actionsLogger } from '../common/run.js';
import { withSshRouterHosts } from '../common/ssh.js';
import { Inputs, Outputs } from './constants.js';
import { getInputs } from './inputs.js';
import { group, info, setOutput, writeSummary } from '../common/output.js';

/**
 * The rollback step: reads the ledger to decide what to restore (refusing with the reason when it
 * cannot), then sends traffic back and/or runs the deploy command, then records it: the bad
 * deployment marked failure, a deploy:rollback of the good version ending success.
 */
export async function main(): Promise<void> {
  await withSshRouterHosts({ privateKey: Inputs.SshPrivateKey, knownHosts: Inputs.SshKnownHosts }, rollBack);
}

async function rollBack(hosts: SshRouterHosts): Promise<void> {
  const inputs = getInputs();
  const context = readRunContext();
  // Made (and its settings checked, its host reached) before the ledger is read: bad settings change nothing.
  // With slots this one only checks them: the rollback turns a router of its own to the slot it restores.
  const router = inputs.router && createRouter(inputs.router.provider, inputs.router.settings, hosts.routerOptions);
  const slots = inputs.slotPlan && {
    plan: inputs.slotPlan,
    makeRouter: (provider: string, settings: Record<string, unknown>) => createRouter(provider, settings, hosts.routerOptions),
  };
  await hosts.check();
  const ledger = ledgerFromInputs(inputs.token, context, actionsLogger);

  const decision = await group(`Finding the version to restore in ${inputs.environment}`, () =>
    decideRollback(ledger, inputs.environment, inputs.to, { force: inputs.force, logger: actionsLogger }),
  );
  if ('already' in decision) {
    const current = decision.already;
    info(`${inputs.environment} already runs ${current.payload?.artifact?.ref} (deployment #${current.id}); nothing to roll back.`);
    setOutput(Outputs.ImageRef, current.payload?.artifact?.ref ?? '');
    setOutput(Outputs.DeploymentId, String(current.id));
    setOutput(Outputs.RolledBackDeploymentId, current.payload?.rollbackOf ? String(current.payload.rollbackOf) : '');
    await writeSummary(`### Rollback of ${inputs.environment}: already done\n\nDeployment #${current.id} runs \`${current.payload?.artifact?.ref}\`; nothing was changed.\n`);
    return;
  }
  info(`Rolling back #${decision.bad.id} (${decision.bad.payload?.artifact?.ref ?? decision.bad.sha}) to #${decision.target?.id} (${decision.target?.payload?.artifact?.ref}).`);
  const outcome = await group('Rolling back', () =>
    executeRollback(
      ledger,
      decision,
      { environment: inputs.environment, reason: inputs.reason, environmentUrl: inputs.environmentUrl },
      {
        router,
        slots,
        deployCommand: inputs.deployCommand,
        commandRunner: shellCommandRunner({ passEnv: inputs.deployEnv }),
        registry: { credentials: inputs.registryCredentials, credentialsHint: checkCredentialInputs({ username: Inputs.RegistryUsername, password: Inputs.RegistryPassword }) },
      },
      actionsLogger,
    ),
  );
  if (inputs.notify) {
    const notifier = webhookNotifier(inputs.notify, { logger: actionsLogger });
    await notifier.notify({
      event: 'rolled-back',
      environment: inputs.environment,
      artifact: decision.bad.payload?.artifact?.ref ?? decision.bad.sha,
      restored: outcome.imageRef,
      deploymentId: decision.bad.id,
      reason: inputs.reason,
      runUrl: context.runUrl,
      deploymentsUrl: deploymentsPageUrl(context, inputs.environment),
      environmentUrl: inputs.environmentUrl,
    });
  }
  setOutput(Outputs.ImageRef, outcome.imageRef ?? '');
  setOutput(Outputs.DeploymentId, String(outcome.deploymentId ?? ''));
  setOutput(Outputs.RolledBackDeploymentId, String(outcome.rolledBackDeploymentId));
  // `passed` lists what the decision read, which for a far-back `to: <id>` is only the newest page.
  const shown = decision.passed.slice(0, 10).map((d) => `#${d.id}`);
  const passed = decision.passed.length > 0 ? `\n\nAlso undone: every deployment of ${inputs.environment} after #${decision.target?.id} (${shown.join(', ')}${decision.passed.length > shown.length ? ', …' : ''}).` : '';
  const restore = inputs.slotPlan && outcome.target && slotRestore(inputs.slotPlan, decision);
  const traffic = !router ? 'unchanged (no router)' : restore ? `all on slot ${outcome.slot} via ${router.type}` : `back on stable via ${router.type}`;
  const deployed = restore ? (restore.kind === 'instant' ? `none: slot ${outcome.slot} still ran it` : `the plan's \`deploy:\` started it again in slot ${outcome.slot}`) : inputs.deployCommand ? 'ran with SLIPWAY_IMAGE_REF' : 'none';
  await writeSummary(
      `### Rolled back ${inputs.environment}\n\n| | |\n|---|---|\n| Restored | \`${outcome.imageRef}\` (deployment #${outcome.deploymentId}, a copy of #${decision.target?.id}) |\n` +
        `| Rolled back | #${decision.bad.id} \`${decision.bad.payload?.artifact?.ref ?? decision.bad.sha}\` (marked failure) |\n| Reason | ${inputs.reason.replace(/\|/g, '\\|')} |\n` +
        `| Traffic | ${traffic} |\n| Deploy | ${deployed} |${passed}\n`,
    );
}
