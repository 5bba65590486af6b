import { errorMessage, InputError } from '../../core/errors.js';
import { abortAndRecord } from '../../core/rollback/index.js';
import { httpSmokeCheck } from '../../core/plan/smoke-check.js';
import { blueGreenSwitch, blueGreenSwitchBack, mirrorToCanary, routeHeaderToCanary } from '../../core/traffic/strategies.js';
import type { TrafficRouter, TrafficState } from '../../core/traffic/types.js';
import { readRunContext } from '../common/context.js';
import { ledgerFromInputs } from '../common/ledger.js';
import { actionsLogger as logger } from '../common/run.js';
import { withSshRouterHosts } from '../common/ssh.js';
import type { SshRouterHosts } from '../../core/traffic/ssh-hosts.js';
import { Inputs, Outputs } from './constants.js';
import { getInputs, type CanaryStepInputs } from './inputs.js';
import { readJobNote, readMoved, routerKey, saveMoved, settled, writeJobNote } from './state.js';
import { setOutput, writeSummary } from '../common/output.js';

/**
 * One traffic step: set-weight (with an optional header route and mirror share), promote, abort,
 * or a blue-green switch / switch back. Reads the weight in force first (`previous-weight`),
 * changes it, and records "canary 25%" as the deployment's in_progress status. When the change
 * fails and abort-on-failure is on, traffic goes back to stable and the deployment is marked
 * failure.
 */
export async function main(): Promise<void> {
  await withSshRouterHosts(SSH_INPUTS, step);
}

const SSH_INPUTS = { privateKey: Inputs.SshPrivateKey, knownHosts: Inputs.SshKnownHosts };

async function step(hosts: SshRouterHosts): Promise<void> {
  const { inputs, router } = getInputs(hosts.routerOptions);
  // The router host is reached and recognised before anything is read or changed.
  await hosts.check();
  const ledger = inputs.deploymentId === undefined ? undefined : ledgerFromInputs(inputs.token ?? '', readRunContext(), logger);
  // Check the deployment exists (and the token may read it) before traffic moves.
  if (ledger && inputs.deploymentId !== undefined && !(await ledger.getDeployment(inputs.deploymentId))) {
    throw new InputError(Inputs.DeploymentId, String(inputs.deploymentId), 'the id of a deployment of this repository', 'pass the `deployment-id` output of record-deployment (state: start)');
  }
  const previous = await router.describe();
  const key = routerKey(router.type, inputs.settings);
  let state: TrafficState;
  try {
    state = await apply(router, inputs);
  } catch (error) {
    if (inputs.abortOnFailure && inputs.action !== 'abort') {
      logger.warning(`The step failed; abort-on-failure sends all traffic back to stable: ${errorMessage(error)}`);
      const aborted = await abortAndRecord(
        router,
        { ledger, deploymentId: inputs.deploymentId, reason: `canary step failed at ${previous.canaryWeight}%`, detail: errorMessage(error), lastSeenWeight: previous.canaryWeight },
        logger,
      );
      if (aborted.trafficBack) writeJobNote(key, { action: 'abort', weight: 0 });
    }
    throw error;
  }
  writeJobNote(key, { action: inputs.action, weight: state.canaryWeight });
  if (state.canaryWeight > 0 && inputs.action !== 'promote') saveMoved(state.canaryWeight);

  setOutput(Outputs.Weight, String(state.canaryWeight));
  setOutput(Outputs.PreviousWeight, previous.reachable ? String(previous.canaryWeight) : '');
  setOutput(Outputs.TrafficState, JSON.stringify(state));
  logger.info(`${router.type}: canary ${previous.canaryWeight}% → ${state.canaryWeight}%${state.headerRoutes.length > 0 ? `, header routes ${state.headerRoutes.map((r) => `${r.name}: ${r.value}`).join(', ')}` : ''}${state.mirrorPercentage > 0 ? `, mirroring ${state.mirrorPercentage}%` : ''}`);
  if (ledger && inputs.deploymentId !== undefined) {
    const aborted = inputs.action === 'abort';
    await ledger.setStatus(inputs.deploymentId, { state: aborted ? 'failure' : 'in_progress', description: describeStep(inputs, previous, state) });
  }
  await writeSummary(`**Traffic** (${router.type}): canary ${previous.canaryWeight}% → **${state.canaryWeight}%** (${inputs.action})\n`);
}

/**
 * The post step. The runner starts it only when the job failed or was cancelled (`post-if:
 * failure() || cancelled()`: status functions in post-if see the job's status). If this step had
 * moved traffic to the canary and no later step of the job promoted, aborted or switched back,
 * traffic goes back to stable and the deployment is marked error. A job that finished its
 * rollout is left alone, and so is a successful job that stops mid-rollout on purpose (the next
 * job continues it): the runner does not run this step then.
 */
export async function post(): Promise<void> {
  const { moved, weight } = readMoved();
  if (!moved) return;
  await withSshRouterHosts(SSH_INPUTS, (hosts) => sendBackToStable(hosts, weight));
}

async function sendBackToStable(hosts: SshRouterHosts, weight: number | undefined): Promise<void> {
  const { inputs, router } = getInputs(hosts.routerOptions);
  if (!inputs.abortOnFailure) {
    logger.info(`The job did not finish, but abort-on-failure is off: traffic stays at canary ${weight}%.`);
    return;
  }
  const key = routerKey(router.type, inputs.settings);
  const note = readJobNote(key);
  if (settled(note)) {
    logger.info(`A later step finished the rollout (${note?.action}); traffic is left as it is.`);
    return;
  }
  const lastSeenWeight = note?.weight ?? weight;
  await hosts.check();
  const ledger = inputs.deploymentId === undefined ? undefined : ledgerFromInputs(inputs.token ?? '', readRunContext(), logger);
  const aborted = await abortAndRecord(
    router,
    { ledger, deploymentId: inputs.deploymentId, reason: `job failed or was cancelled at canary ${lastSeenWeight}%`, lastSeenWeight },
    logger,
  );
  if (aborted.routerError) throw aborted.routerError;
  writeJobNote(key, { action: 'reverted', weight: aborted.canaryWeight ?? 0 });
  logger.info(`The job failed or was cancelled with the canary at ${lastSeenWeight}%: traffic is back on stable (${router.type}: canary ${aborted.canaryWeight}%).`);
}

async function apply(router: TrafficRouter, inputs: CanaryStepInputs): Promise<TrafficState> {
  let state: TrafficState | undefined;
  switch (inputs.action) {
    case 'set-weight':
      state = await router.setCanaryWeight(inputs.weight ?? 0);
      break;
    case 'promote':
      return router.promote();
    case 'abort':
      return router.abort();
    case 'switch': {
      const { smokeUrl } = inputs;
      state = await blueGreenSwitch(router, smokeUrl ? () => httpSmokeCheck({ url: smokeUrl }) : undefined);
      break;
    }
    case 'switch-back':
      state = await blueGreenSwitchBack(router);
      break;
  }
  if (inputs.headerRoute !== undefined) state = await routeHeaderToCanary(router, inputs.headerRoute);
  if (inputs.mirrorPercentage !== undefined) state = await mirrorToCanary(router, inputs.mirrorPercentage);
  return state;
}

/** The deployment status description of a step (≤ 140 characters). */
function describeStep(inputs: CanaryStepInputs, previous: TrafficState, state: TrafficState): string {
  const extras = [
    ...state.headerRoutes.map((r) => `${r.kind === 'cookie' ? 'cookie ' : ''}${r.name}: ${r.value} → canary`),
    ...(state.mirrorPercentage > 0 ? [`mirroring ${state.mirrorPercentage}%`] : []),
  ];
  const main: Record<CanaryStepInputs['action'], string> = {
    'set-weight': `canary ${state.canaryWeight}%`,
    promote: 'canary promoted: 100%',
    abort: `canary aborted at ${previous.canaryWeight}%; traffic back on stable`,
    switch: 'blue-green switch: 100% on the new version',
    'switch-back': 'blue-green switch back: 100% on the previous version',
  };
  return [main[inputs.action], ...extras].join(' · ').slice(0, 140);
}
