import type { MetricSeries } from '../analysis/series.js';

// Mermaid xychart of canary vs baseline over the analysis window, rendered by GitHub in job
// summaries and comments. xychart lines cannot hold gaps, so intervals missing on a side are left
// out (their x labels go with them, so a gap shows as a jump in elapsed seconds).

/** Most points drawn per chart; longer series are thinned evenly. Default 60. */
export const MAX_CHART_POINTS = 60;

/** A ```mermaid xychart of one metric (line 1 canary, line 2 baseline); empty when nothing to draw. */
export function metricChart(series: MetricSeries, maxPoints: number = MAX_CHART_POINTS): string {
  const threshold = series.kind === 'threshold';
  const start = series.times.length > 0 ? series.times[0] - (series.times[1] - series.times[0] || 0) : 0;
  let points = series.times
    .map((time, i) => ({ elapsed: Math.round(time - start), canary: series.canary[i], baseline: series.baseline[i] }))
    .filter((p) => Number.isFinite(p.canary) && (threshold || Number.isFinite(p.baseline)));
  if (points.length === 0) return '';
  if (points.length > maxPoints) {
    const step = points.length / maxPoints;
    points = Array.from({ length: maxPoints }, (_, i) => points[Math.floor(i * step)]);
  }
  const scale = series.kind === 'rate' ? 100 : 1;
  const format = (v: number) => String(Number((v * scale).toPrecision(4)));
  const unit = series.kind === 'rate' ? (series.events ? `% of ${series.events}` : 'error rate %') : 'value';
  const lines = [
    '```mermaid',
    'xychart-beta',
    `    title "${series.name}: ${threshold ? 'canary' : 'canary (1st line) vs baseline (2nd line)'}"`,
    `    x-axis "seconds into the analysis" [${points.map((p) => p.elapsed).join(', ')}]`,
    `    y-axis "${unit}"`,
    `    line [${points.map((p) => format(p.canary)).join(', ')}]`,
  ];
  if (!threshold) lines.push(`    line [${points.map((p) => format(p.baseline)).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}
