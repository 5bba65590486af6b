import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { checkAnalysis, plannedIntervalsOf, runAnalysis, type AnalysisOptions, type AnalysisResult } from '../../core/analysis/loop.js';
import { errorMessage, SlipwayError } from '../../core/errors.js';
import { closeIfOpen, type Ledger } from '../../core/ledger/index.js';
import { preflightQueries } from '../../core/analysis/preflight.js';
import { createSource } from '../../core/metrics/sources/index.js';
import { analysisMarkdown, statusDescription } from '../../core/report/index.js';
import { readRunContext } from '../common/context.js';
import { ledgerFromInputs } from '../common/ledger.js';
import { actionsLogger } from '../common/run.js';
import { Outputs, State } from './constants.js';
import { getInputs, type AnalyzeInputs } from './inputs.js';
import { group, info, setOutput, warning, writeSummary } from '../common/output.js';

/**
 * The analyze step: checks the inputs, Prometheus and the deployment before anything is written,
 * runs the analysis, then writes the JSON report, the outputs, the job summary and the deployment
 * status, and fails the step per `fail-on`.
 */
export async function main(): Promise<void> {
  const inputs = getInputs();
  const config = { alpha: inputs.alpha, onNoData: inputs.onNoData, onUndecided: inputs.onUndecided };
  checkAnalysis({ metrics: inputs.metrics, config });
  const source = await createSource(inputs.source, { env: process.env, logger: actionsLogger });
  const ledger = inputs.deploymentId === undefined ? undefined : ledgerFromInputs(inputs.token ?? '', readRunContext(), actionsLogger);

  await group('Preflight', async () => {
    // A source that cannot answer at all is a set-up error, reported now rather than as
    // missing data after the whole duration.
    await preflightQueries(source, inputs);
    if (ledger && inputs.deploymentId !== undefined && !(await ledger.getDeployment(inputs.deploymentId))) {
      throw new SlipwayError(`Input 'deployment-id' has the value ${inputs.deploymentId}: no such deployment in this repository. Fix: pass the id output of record-deployment or canary-step.`);
    }
  });

  const plannedIntervals = plannedIntervalsOf(inputs.durationSeconds, inputs.intervalSeconds);
  if (ledger) {
    await ledger.setStatus(inputs.deploymentId!, { state: 'in_progress', description: `analysis running · up to ${plannedIntervals} intervals of ${inputs.intervalSeconds} s` });
    core.saveState(State.AnalysingDeployment, String(inputs.deploymentId));
  }

  const result = await group('Analysis', () =>
    analyseOrRecordError(ledger, inputs.deploymentId, {
      source,
      metrics: inputs.metrics,
      canary: inputs.canary,
      baseline: inputs.baseline,
      durationSeconds: inputs.durationSeconds,
      intervalSeconds: inputs.intervalSeconds,
      readDelaySeconds: inputs.source.delaySeconds,
      consecutiveErrorLimit: inputs.consecutiveErrorLimit,
      historySeconds: inputs.historySeconds,
      historySelector: inputs.historySelector,
      config,
      logger: actionsLogger,
    }),
  );
  const { report } = result;
  const path = writeReport(result, inputs);
  setOutput(Outputs.Verdict, report.verdict);
  setOutput(Outputs.Score, String(report.score));
  setOutput(Outputs.Report, path);
  await writeSummary(analysisMarkdown({ ...result, intervalSeconds: inputs.intervalSeconds }));
  if (ledger) {
    await ledger.setStatus(inputs.deploymentId!, { state: report.verdict === 'fail' ? 'failure' : 'in_progress', description: statusDescription(report, result) });
    core.saveState(State.AnalysingDeployment, '');
  }
  info(`verdict ${report.verdict}, score ${report.score}; report at ${path}`);

  const failing = inputs.failOn === 'never' ? [] : inputs.failOn === 'inconclusive' ? ['fail', 'inconclusive'] : ['fail'];
  const verdict = `Canary analysis verdict: ${report.verdict} (score ${report.score}). ${report.reasons.join(' ')} (fail-on: ${inputs.failOn})`;
  if (failing.includes(report.verdict)) throw new SlipwayError(verdict);
  // A verdict short of pass that fail-on lets through still deserves an annotation on the run.
  if (report.verdict !== 'pass') warning(`${verdict}: the step does not fail.`);
}

/**
 * Runs the analysis; when it throws (a source that cannot be used, a clock skew), the deployment it
 * marked "analysis running" says so before the error goes up — it is never left running.
 */
async function analyseOrRecordError(ledger: Ledger | undefined, deploymentId: number | undefined, options: AnalysisOptions): Promise<AnalysisResult> {
  try {
    return await runAnalysis(options);
  } catch (error) {
    if (ledger && deploymentId !== undefined) {
      await closeIfOpen(ledger, deploymentId, { state: 'error', description: `analysis stopped: ${errorMessage(error)}` }).catch((ledgerError: unknown) =>
        warning(`Could not record the stopped analysis on deployment #${deploymentId}: ${errorMessage(ledgerError)}`),
      );
      core.saveState(State.AnalysingDeployment, '');
    }
    throw error;
  }
}

/**
 * The post step, for a job that failed or was cancelled: a deployment this step marked "analysis
 * running" and nothing closed since is marked `error`, so no deployment stays in_progress.
 */
export async function post(): Promise<void> {
  const deploymentId = Number(core.getState(State.AnalysingDeployment));
  if (!deploymentId) return;
  const inputs = getInputs();
  const ledger = ledgerFromInputs(inputs.token ?? '', readRunContext(), actionsLogger);
  const closed = await closeIfOpen(ledger, deploymentId, { state: 'error', description: 'the job ended during the analysis (failed or cancelled); no verdict' });
  info(closed.closed ? `Deployment #${deploymentId} was still in progress when the job ended: marked error.` : `Deployment #${deploymentId} ended ${closed.found}; nothing to close.`);
}

/** Writes the JSON report to the runner's temp dir; NaN (missing) values become null. */
function writeReport(result: AnalysisResult, inputs: AnalyzeInputs): string {
  const path = join(process.env.RUNNER_TEMP ?? tmpdir(), `slipway-analysis-${Date.now()}.json`);
  const document = { ...result, settings: { durationSeconds: inputs.durationSeconds, intervalSeconds: inputs.intervalSeconds, historySeconds: inputs.historySeconds, alpha: inputs.alpha, onNoData: inputs.onNoData, onUndecided: inputs.onUndecided, failOn: inputs.failOn } };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}
