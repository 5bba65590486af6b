import { runAnalysis } from '../../core/analysis/loop.js';
import { judge } from '../../core/judge/index.js';
import type { Logger } from '../../core/log.js';
import { PrometheusSource } from '../../core/metrics/prometheus.js';
import type { AnalysisRunner } from '../../core/plan/steps.js';

/** The plan engine's analysis port over the analysis loop, Prometheus and the judge. */
export function prometheusAnalysis(logger: Logger): AnalysisRunner {
  return {
    async run({ analysis, step }) {
      const result = await runAnalysis({
        source: new PrometheusSource({ url: analysis.prometheus }),
        metrics: analysis.metrics,
        canary: analysis.canary,
        baseline: analysis.baseline,
        durationSeconds: step.durationSeconds,
        intervalSeconds: step.intervalSeconds ?? analysis.intervalSeconds,
        config: { ...(analysis.alpha === undefined ? {} : { alpha: analysis.alpha }), ...(analysis.onNoData === undefined ? {} : { onNoData: analysis.onNoData }) },
        judge,
        logger,
      });
      return result.report;
    },
  };
}
