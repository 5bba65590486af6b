import type { RolloutProgress, StepRecord } from '../plan/engine.js';
import type { MetricSeries } from '../analysis/series.js';
import { metricTable, seriesCharts, verdictHeadline } from '../report/markdown.js';

/** The hidden marker that finds an environment's sticky comment again: `<!-- slipway:<environment> -->`. */
export function commentMarker(environment: string): string {
  return `<!-- slipway:${environment.replace(/-->/g, '')} -->`;
}

const STATE_ICON: Record<StepRecord['state'], string> = { pending: '⏳', running: '🔄', done: '✅', failed: '❌', paused: '⏸️' };
const RESULT_LINE = { promoted: '✅ promoted', 'rolled-back': '↩️ rolled back', paused: '⏸️ paused' } as const;

/**
 * The sticky comment's body: the marker, the artifact and deployment, the step table (state,
 * weight, verdict) and each analysis's metric table, with its charts when `series` holds each
 * analysis's series (in the order of `progress.reports`). Links come from the caller (run and deployment).
 */
export function renderRolloutComment(progress: RolloutProgress, links: { runUrl?: string; environmentUrl?: string } = {}, series: MetricSeries[][] = []): string {
  const withCharts = renderComment(progress, links, series);
  if (withCharts.length <= COMMENT_LIMIT) return withCharts;
  return renderComment(progress, links, []) + `\nThe charts are left out here: with them this comment would pass GitHub's ${COMMENT_LIMIT.toLocaleString('en')} characters. The run's summary has them.\n`;
}

/** GitHub refuses a comment body longer than this. */
const COMMENT_LIMIT = 65_536;

function renderComment(progress: RolloutProgress, links: { runUrl?: string; environmentUrl?: string }, series: MetricSeries[][]): string {
  const status = progress.result ? RESULT_LINE[progress.result] : '🔄 in progress';
  const lines = [
    commentMarker(progress.environment),
    `### Slipway rollout to \`${progress.environment}\`: ${status}`,
    '',
    `Artifact \`${progress.imageRef}\` · strategy ${progress.strategy}${progress.deploymentId ? ` · deployment #${progress.deploymentId}` : ''}` +
      `${links.runUrl ? ` · [run](${links.runUrl})` : ''}${links.environmentUrl ? ` · [view deployment](${links.environmentUrl})` : ''}`,
    '',
  ];
  if (progress.reason) lines.push(`> ${progress.reason.replace(/\n/g, ' ')}`, '');
  lines.push('| # | step | state | canary | verdict |', '|---|---|---|---|---|');
  for (const step of progress.steps) {
    const verdict = step.verdict ? `${step.verdict}${step.score !== undefined ? ` (${Math.round(step.score)})` : ''}` : '';
    lines.push(`| ${step.index + 1} | ${step.label} | ${STATE_ICON[step.state]} ${step.state} | ${step.canaryWeight === undefined ? '' : `${step.canaryWeight}%`} | ${verdict} |`);
  }
  progress.reports.forEach(({ stepIndex, report }, i) => {
    lines.push('', `<details><summary>Step ${stepIndex + 1} analysis: ${verdictHeadline(report)}</summary>`, '', metricTable(report.metrics), '', ...seriesCharts(series[i] ?? []), '</details>');
  });
  return lines.join('\n') + '\n';
}
