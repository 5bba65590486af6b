import * as core from '@actions/core';
import { systemClock, type Clock } from '../../core/analysis/clock.js';
import { errorMessage, SlipwayError } from '../../core/errors.js';
import { createGitHubClient } from '../../core/ledger/client.js';
import type { Ledger } from '../../core/ledger/types.js';
import { closeIfOpen } from '../../core/ledger/open.js';
import { deploymentsPageUrl, webhookNotifier } from '../../core/notify/index.js';
import { abortAndRecord } from '../../core/rollback/index.js';
import { checkLatencyBounds } from '../../core/metrics/latency.js';
import { createSource } from '../../core/metrics/sources/index.js';
import { withInputHeaders } from '../../core/metrics/source-settings.js';
import { preflightQueries } from '../../core/analysis/preflight.js';
import { slotPlaceholdersIn } from '../../core/metrics/template.js';
import { forecastFromSource, loopAnalysisRunner, otherSlot, recordedCanaryWeight, runRollout, slotNamed, slotRouterSettings, type RolloutProgress } from '../../core/plan/index.js';
import { githubIssueComments, renderRolloutComment, StickyComment } from '../../core/pr-comment/index.js';
import { analysisMarkdown } from '../../core/report/markdown.js';
import type { AnalysisResult } from '../../core/analysis/loop.js';
import { createRouter, type RouterOptions } from '../../core/traffic/registry.js';
import type { SshRouterHosts } from '../../core/traffic/ssh-hosts.js';
import type { TrafficRouter } from '../../core/traffic/types.js';
import { readRunContext, type RunContext } from '../common/context.js';
import { ledgerFromInputs } from '../common/ledger.js';
import { actionsLogger } from '../common/run.js';
import { withSshRouterHosts } from '../common/ssh.js';
import { Inputs, Outputs, State } from './constants.js';
import { getInputs } from './inputs.js';
import { group, info, setOutput, warning, writeSummary } from '../common/output.js';

/**
 * What the fault and integration tests hand in when they run the action in their own process
 * (test/faults/helpers/rollout-action.ts): a router double, a ledger paced for the simulator, a
 * clock. The bundle passes none.
 */
export interface RolloutCollaborators {
  ledger?: Ledger;
  makeRouter?: (provider: string | undefined, settings: Record<string, unknown>, options?: RouterOptions) => TrafficRouter;
  clock?: Clock;
}

/**
 * The root action: runs the plan end to end (or resumes it) and reports the result, the deployment
 * and the artifact. The deployment id is saved as soon as it exists, and `finished` once the run
 * has a result, so the post step knows whether the job stopped mid-rollout.
 */
export async function main(collaborators: RolloutCollaborators = {}): Promise<void> {
  await withSshRouterHosts(SSH_INPUTS, (hosts) => rollout(collaborators, hosts));
}

const SSH_INPUTS = { privateKey: Inputs.SshPrivateKey, knownHosts: Inputs.SshKnownHosts };

async function rollout(collaborators: RolloutCollaborators, hosts: SshRouterHosts): Promise<void> {
  const context = readRunContext();
  const inputs = getInputs(context);
  const { plan } = inputs;
  const router = (collaborators.makeRouter ?? createRouter)(plan.router.provider, plan.router.settings, hosts.routerOptions);
  // The router host is reached and recognised before anything is read or changed.
  await hosts.check();
  const ledger = collaborators.ledger ?? ledgerFromInputs(inputs.token, context, actionsLogger);
  const source = plan.analysis ? await createSource(withInputHeaders(plan.analysis.source, inputs.prometheusHeaders, Inputs.PrometheusHeaders), { env: process.env, clock: collaborators.clock, logger: actionsLogger }) : undefined;
  const results: AnalysisResult[] = [];
  const analysis = source && loopAnalysisRunner({ source, clock: collaborators.clock, logger: actionsLogger, onResult: (_request, result) => results.push(result) });
  const sticky = stickyComment(inputs.prComment, context, inputs.environment, inputs.token);
  const links = { runUrl: context.runUrl, deploymentsUrl: deploymentsPageUrl(context, inputs.environment), environmentUrl: inputs.environmentUrl };
  const notifier = plan.notify && webhookNotifier(plan.notify, { logger: actionsLogger, clock: collaborators.clock, links });
  // A source that cannot answer at all is a set-up error: reported before any traffic moves,
  // not as missing data (and a paused rollout) after the first canary step.
  if (source && plan.steps.some((step) => step.kind === 'analysis')) {
    await group(`Preflight: ${source.type}`, () => preflightQueries(source, plan.analysis!));
    // A latency threshold between two bucket bounds is refused now, not at the first analysis step
    // with the canary already taking traffic. Only the baseline exports the histogram yet.
    if (plan.analysis!.metrics.some((m) => m.kind === 'rate' && m.latency) && slotPlaceholdersIn(plan.analysis!.baseline).size === 0) {
      const { canary, baseline, metrics, intervalSeconds } = plan.analysis!;
      await group('Preflight: latency buckets', () => checkLatencyBounds(metrics, { source, canary, baseline, intervalSeconds, logger: actionsLogger, sides: ['baseline'] }));
    }
    // Said before any traffic moves: an analysis that cannot catch a regression cannot promote a healthy canary either.
    await group('Forecast: what each analysis can detect', async () => {
      // Before the rollout picks the slots, {{stableSlot}} names no series to read the traffic from.
      if (slotPlaceholdersIn([...plan.analysis!.baseline, ...(plan.analysis!.historySelector ?? [])]).size > 0) {
        info('No forecast: the selectors follow the slots, which the rollout picks as it starts.');
        return;
      }
      const forecast = await forecastFromSource(plan, source, (collaborators.clock ?? systemClock).now());
      forecast.lines.forEach((line) => info(line));
      forecast.warnings.forEach((line) => warning(line));
    });
  }

  const outcome = await runRollout(
    { plan, planDigest: inputs.planDigest, environment: inputs.environment, artifact: inputs.artifact, ref: inputs.ref, environmentUrl: inputs.environmentUrl, irreversible: inputs.irreversible },
    {
      ledger,
      router,
      // A router turned the other way for slots reaches the same router host.
      makeRouter: (provider, settings) => createRouter(provider, settings, hosts.routerOptions),
      analysis,
      clock: collaborators.clock,
      logger: actionsLogger,
      runUrl: context.runUrl,
      runId: context.source.runId,
      onDeployment: (id) => core.saveState(State.DeploymentId, String(id)),
      onPromoted: () => core.saveState(State.Promoted, 'true'),
      onProgress: sticky && ((progress: RolloutProgress) => publish(sticky, renderRolloutComment(progress, { runUrl: context.runUrl, environmentUrl: inputs.environmentUrl }, results.map((r) => r.series)))),
      notifier,
    },
  );
  core.saveState(State.Finished, 'true');
  setOutput(Outputs.Result, outcome.result);
  setOutput(Outputs.DeploymentId, String(outcome.deploymentId));
  setOutput(Outputs.ImageRef, inputs.artifact.ref);
  const analyses = results.map((result, i) => analysisMarkdown({ ...result }, `Analysis ${i + 1}`));
  await writeSummary([renderRolloutComment(outcome, { runUrl: context.runUrl, environmentUrl: inputs.environmentUrl }), ...analyses].join('\n'));
  info(`result: ${outcome.result} (${outcome.reason})`);
}

/**
 * The post step: when the job ended before the rollout had a result (cancelled, or a failure the
 * engine could not catch), traffic goes back to the stable version and the deployment, if still
 * open, is marked `error`; with slots, the stable version is the one in the slot the deployment did
 * not go into. A finished rollout — promoted, rolled back or paused — is left as it is.
 * A job that stopped after the promotion (GitHub refused the final status) keeps its traffic on the
 * new version; the post step only tries once more to record the success.
 */
export async function post(collaborators: RolloutCollaborators = {}): Promise<void> {
  const deploymentId = Number(core.getState(State.DeploymentId));
  if (!deploymentId || core.getState(State.Finished) === 'true') return;
  await withSshRouterHosts(SSH_INPUTS, (hosts) => sendBackToStable(collaborators, hosts, deploymentId));
}

async function sendBackToStable(collaborators: RolloutCollaborators, hosts: SshRouterHosts, deploymentId: number): Promise<void> {
  const context = readRunContext();
  const inputs = getInputs(context);
  const ledger = collaborators.ledger ?? ledgerFromInputs(inputs.token, context, actionsLogger);
  if (core.getState(State.Promoted) === 'true') {
    const closed = await closeIfOpen(ledger, deploymentId, { state: 'success', description: `promoted · ${inputs.plan.strategy} · recorded by the post step`, environmentUrl: inputs.environmentUrl }).catch((error: unknown) => {
      warning(`All traffic is on ${inputs.artifact.ref}, and it stays there; recording success on deployment #${deploymentId} failed again (${errorMessage(error)}). Run the rollout again once GitHub accepts writes.`);
      return undefined;
    });
    if (closed?.closed) info(`All traffic was already on ${inputs.artifact.ref}; deployment #${deploymentId} is now recorded success.`);
    return;
  }
  const { plan } = inputs;
  // Read first: with slots, the deployment's slot says which way round stable and canary are.
  // Without slots, traffic goes back whatever GitHub answers: a failed read only loses the last step's name.
  const deployment = await ledger.getDeployment(deploymentId).catch((error: unknown) => {
    warning(`Could not read deployment #${deploymentId} (${errorMessage(error)})${plan.slots ? '' : '; sending traffic back to stable all the same'}.`);
    return null;
  });
  const recorded = deployment?.payload?.slot;
  const canarySlot = plan.slots && recorded ? slotNamed(plan, recorded, `Deployment #${deploymentId}`) : undefined;
  if (plan.slots && !canarySlot) {
    // The plan's own settings put the first slot stable; a release deployed into the first slot
    // would then take all traffic. Traffic split is safer than traffic all on an unjudged version.
    throw new SlipwayError(
      `The job stopped mid-rollout, and deployment #${deploymentId} cannot tell which slot runs the new version (${deployment ? 'it records no slot' : 'GitHub could not be read'}), so traffic was left where it is. ` +
        `Fix: once GitHub answers, run the rollout of ${inputs.artifact.ref} again (it resumes with the slots the deployment records) or roll ${inputs.environment} back.`,
    );
  }
  const settings = canarySlot ? slotRouterSettings(plan, canarySlot.name) : plan.router.settings;
  const router = (collaborators.makeRouter ?? createRouter)(plan.router.provider, settings, hosts.routerOptions);
  await hosts.check();
  const aborted = await abortAndRecord(
    router,
    { ledger, deploymentId, reason: `the job stopped mid-rollout (${deployment?.latestStatus?.description ?? 'before the first step'})`, lastSeenWeight: recordedCanaryWeight(deployment?.latestStatus?.description ?? ''), onlyIfOpen: true },
    actionsLogger,
  );
  if (aborted.routerError) throw aborted.routerError;
  const where = canarySlot ? ` in slot ${otherSlot(plan, canarySlot).name}` : '';
  info(`The job stopped mid-rollout: traffic is back on the stable version${where} (${router.type}: canary ${aborted.canaryWeight}%).`);
}

function stickyComment(enabled: boolean, context: RunContext, environment: string, token: string): StickyComment | undefined {
  if (!enabled) return undefined;
  if (!context.pullRequest) {
    info('pr-comment is on, but this run is not for a pull request; no comment is written.');
    return undefined;
  }
  const comments = githubIssueComments(createGitHubClient({ baseUrl: context.apiUrl, token, logger: actionsLogger }), context.owner, context.repo);
  return new StickyComment(comments, context.pullRequest, environment);
}

/** A comment that cannot be written is worth a warning, never a failed rollout. */
async function publish(sticky: StickyComment, comment: string): Promise<void> {
  try {
    await sticky.publish(comment);
  } catch (error) {
    warning(`Could not update the pull-request comment: ${errorMessage(error)}`);
  }
}
