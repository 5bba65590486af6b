import * as core from '@actions/core';
import { isOpen } from '../../core/ledger/index.js';
import { readRunContext } from '../common/context.js';
import { ledgerFromInputs } from '../common/ledger.js';
import { actionsLogger } from '../common/run.js';
import { Outputs, State } from './constants.js';
import { getInputs } from './inputs.js';
import { renderSummary } from './summary.js';
import type { RecordedDeployment } from './summary.js';
import { group, info, setOutput, warning, writeSummary } from '../common/output.js';

/**
 * The main step: `start` creates the deployment and sets it in_progress; any other state adds
 * that status to `deployment-id`. Every input is validated before the first request.
 */
export async function main(): Promise<void> {
  const context = readRunContext();
  const inputs = getInputs(context);
  const ledger = ledgerFromInputs(inputs.token, context, actionsLogger);
  let recorded: RecordedDeployment;
  if (inputs.state === 'start') {
    const deployment = await group(`Creating a deployment of ${inputs.ref} in ${inputs.environment}`, () =>
      ledger.createDeployment({
        environment: inputs.environment ?? '',
        ref: inputs.ref,
        task: inputs.task,
        artifact: inputs.artifact,
        strategy: inputs.strategy,
        description: inputs.description,
        productionEnvironment: inputs.productionEnvironment,
        transientEnvironment: inputs.transientEnvironment,
        requiredContexts: inputs.requiredContexts,
        autoMerge: inputs.autoMerge,
      }),
    );
    // Saved before anything else can fail: the post step must find the deployment to close it.
    core.saveState(State.OpenDeploymentId, String(deployment.id));
    const statusId = await ledger.setStatus(deployment.id, { state: 'in_progress', description: inputs.description, environmentUrl: inputs.environmentUrl, autoInactive: inputs.autoInactive });
    const previousGood = deployment.payload?.previousGood;
    setOutput(Outputs.PreviousDeploymentId, previousGood ? String(previousGood) : '');
    recorded = { kind: 'created', deploymentId: deployment.id, statusId, state: 'in_progress', previousGood: previousGood ?? null, ...shown(inputs) };
  } else {
    const deploymentId = inputs.deploymentId ?? 0;
    const statusId = await ledger.setStatus(deploymentId, { state: inputs.state, description: inputs.description, environmentUrl: inputs.environmentUrl, autoInactive: inputs.autoInactive });
    // Left queued or in progress by this step: the post step closes it if nothing else does.
    if (isOpen(inputs.state)) core.saveState(State.OpenDeploymentId, String(deploymentId));
    setOutput(Outputs.PreviousDeploymentId, '');
    recorded = { kind: 'updated', deploymentId, statusId, state: inputs.state, ...shown(inputs), ref: undefined };
  }
  setOutput(Outputs.DeploymentId, String(recorded.deploymentId));
  setOutput(Outputs.StatusId, String(recorded.statusId));
  info(`Deployment ${recorded.deploymentId}: ${recorded.state} (status ${recorded.statusId}).`);
  await writeSummary(renderSummary(recorded, context));
}

/**
 * The post step, for a job that failed or was cancelled (action.yml's post-if): a deployment this
 * job left queued or in progress is closed, so none dangles — `failure` when the deployment was
 * started (the job ended before a step recorded the outcome), `error` when it never got a status
 * (Slipway itself failed between creating and starting it). A job that succeeded keeps it open
 * for the later jobs of the rollout.
 */
export async function post(): Promise<void> {
  const deploymentId = Number(core.getState(State.OpenDeploymentId));
  if (!deploymentId) return;
  const context = readRunContext();
  const ledger = ledgerFromInputs(getInputs(context).token, context, actionsLogger);
  const deployment = await ledger.getDeployment(deploymentId);
  if (!deployment) {
    warning(`Deployment ${deploymentId} no longer exists; nothing to close.`);
    return;
  }
  const latest = deployment.latestStatus?.state;
  if (!isOpen(latest)) {
    info(`Deployment ${deploymentId} ended ${latest}; nothing to close.`);
    return;
  }
  const state = latest === undefined ? 'error' : 'failure';
  const description = `The job ended with the deployment still ${latest ?? 'without a status'}; closed as ${state}.`;
  const statusId = await ledger.setStatus(deploymentId, { state, description });
  warning(`Deployment ${deploymentId} was left ${latest ?? 'without a status'} when the job ended; marked it ${state}.`);
  await writeSummary(renderSummary({ kind: 'closed', deploymentId, statusId, state, environment: deployment.environment, ref: deployment.sha, description }, context));
}

function shown(inputs: ReturnType<typeof getInputs>): Pick<RecordedDeployment, 'environment' | 'ref' | 'artifact' | 'environmentUrl' | 'description'> {
  return { environment: inputs.environment, ref: inputs.ref, artifact: inputs.artifact?.ref, environmentUrl: inputs.environmentUrl, description: inputs.description };
}
