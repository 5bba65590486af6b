import { errorMessage, SlipwayError } from '../errors.js';
import type { MetricDefinition } from '../metrics/metrics-config.js';
import { promqlDialect, type LabelMatcher } from '../metrics/template.js';
import type { MetricSource } from '../metrics/types.js';
import { queriesOf } from './window.js';

/** What the preflight asks the source about: the analysis's metrics and the baseline's matchers. */
export interface PreflightAnalysis {
  metrics: MetricDefinition[];
  canary: LabelMatcher[];
  baseline: LabelMatcher[];
  intervalSeconds: number;
}

/**
 * Asks the source every query of the analysis once, for the baseline (the canary has no data yet),
 * before any traffic moves: a source that cannot be reached, refuses the credentials or cannot run
 * a query is a set-up error now, not missing data (and a paused rollout) after the first canary
 * step. An empty answer is fine. Throws a SlipwayError naming the source, the metric, the field and
 * the rendered query.
 * Returns how many queries it asked.
 */
export async function preflightQueries(source: MetricSource, analysis: PreflightAnalysis): Promise<number> {
  const dialect = source.dialect ?? promqlDialect;
  const asks = analysis.metrics.flatMap((metric) =>
    Object.entries(queriesOf(metric)).map(async ([field, template]) => {
      const where = `metric "${metric.name}" field ${field}`;
      const query = dialect.render(template, { selector: analysis.baseline, canary: analysis.canary, baseline: analysis.baseline, intervalSeconds: analysis.intervalSeconds }, where);
      try {
        await source.queryInstant(query);
      } catch (error) {
        throw new SlipwayError(`The ${source.type} source cannot answer ${where} (${query}): ${errorMessage(error)}`);
      }
    }),
  );
  await Promise.all(asks);
  return asks.length;
}
