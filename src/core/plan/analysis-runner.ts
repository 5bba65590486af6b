import type { Clock } from '../analysis/clock.js';
import { runAnalysis, type AnalysisResult } from '../analysis/loop.js';
import { judge } from '../judge/index.js';
import { silentLogger, type Logger } from '../log.js';
import { SlipwayError } from '../errors.js';
import { slotPlaceholdersIn } from '../metrics/template.js';
import type { MetricSource } from '../metrics/types.js';
import type { AnalysisRequest, AnalysisRunner } from './steps.js';

/**
 * The plan's analysis steps over the analysis loop: the plan's metrics, selectors, interval,
 * alpha, onNoData, consecutive error limit and baseline history against `source`. `onResult` sees
 * each full result (series for charts).
 */
export function loopAnalysisRunner(options: { source: MetricSource; clock?: Clock; logger?: Logger; onResult?: (request: AnalysisRequest, result: AnalysisResult) => void }): AnalysisRunner {
  return {
    async run(request) {
      const { analysis, step } = request;
      const unfilled = slotPlaceholdersIn([...analysis.canary, ...analysis.baseline, ...(analysis.historySelector ?? [])]);
      // Queried as they stand, the placeholders would match no series: the analysis would judge no data.
      if (unfilled.size > 0) throw new SlipwayError(`The analysis selectors still hold ${[...unfilled].map((p) => `{{${p}}}`).join(' and ')}: only a rollout with slots fills them (analysisInSlots, slot-rollout.ts).`);
      const result = await runAnalysis({
        source: options.source,
        metrics: analysis.metrics,
        canary: analysis.canary,
        baseline: analysis.baseline,
        durationSeconds: step.durationSeconds,
        intervalSeconds: step.intervalSeconds ?? analysis.intervalSeconds,
        readDelaySeconds: analysis.source.delaySeconds,
        consecutiveErrorLimit: analysis.consecutiveErrorLimit,
        historySeconds: analysis.historySeconds,
        historySelector: analysis.historySelector,
        config: { ...(analysis.alpha === undefined ? {} : { alpha: analysis.alpha }), ...(analysis.onNoData ? { onNoData: analysis.onNoData } : {}), ...(analysis.onUndecided ? { onUndecided: analysis.onUndecided } : {}) },
        judge,
        clock: options.clock,
        logger: options.logger ?? silentLogger,
      });
      options.onResult?.(request, result);
      return result.report;
    },
  };
}
