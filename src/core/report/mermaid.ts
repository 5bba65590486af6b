import type { MetricSeries, RatioBounds } from '../analysis/series.js';

// Mermaid xycharts of one metric over the analysis window, rendered by GitHub in job summaries and
// comments (docs/analysis.md, "Reports"). Three things make them readable:
// - colours: Mermaid's default palette starts with a pale lavender, so each chart sets its own
//   through an init directive, the canary first in a strong red;
// - names: an xychart draws no legend in every Mermaid version GitHub may run, so the title names
//   each line with its colour (and the lines carry titles for the versions that draw a legend);
// - the x axis is numeric (minutes or seconds into the analysis): Mermaid picks about ten ticks,
//   where a categorical axis would print every interval's label into its neighbours'. A numeric
//   axis spaces the points evenly, so an interval missing on a side is bridged by a straight line
//   between its neighbours (interpolated) rather than dropped.

/** Most points drawn per line; longer series are thinned evenly. Default 60. */
export const MAX_CHART_POINTS = 60;

/** The colours of the lines, strong and apart for readers with a colour-vision deficiency too. */
export const CHART_COLOURS = { canary: '#d62728', baseline: '#1f77b4', allowed: '#2ca02c' } as const;

const COLOUR_NAMES: Record<string, string> = { [CHART_COLOURS.canary]: 'red', [CHART_COLOURS.baseline]: 'blue', [CHART_COLOURS.allowed]: 'green' };

/** One line of a chart: its name, colour and values per interval (NaN = missing). */
interface ChartLine {
  name: string;
  colour: string;
  values: number[];
}

/** A line's colour in words, for the title. */
function colourName(line: ChartLine): string {
  return COLOUR_NAMES[line.colour] ?? line.colour;
}

/** A ```mermaid xychart of one metric (canary red, baseline blue); empty when nothing to draw. */
export function metricChart(series: MetricSeries, maxPoints: number = MAX_CHART_POINTS): string {
  const threshold = series.kind === 'threshold';
  const scale = series.kind === 'rate' ? 100 : 1;
  const lines: ChartLine[] = [{ name: 'canary', colour: CHART_COLOURS.canary, values: series.canary.map((v) => v * scale) }];
  if (!threshold) lines.push({ name: 'baseline', colour: CHART_COLOURS.baseline, values: series.baseline.map((v) => v * scale) });
  const unit = series.kind === 'rate' ? (series.events ? `% of ${series.events}` : 'error rate %') : 'value';
  const legend = lines.map((line) => `${line.name} (${colourName(line)})`).join(' vs ');
  return xyChart(`${series.name}: ${legend}`, series.times, lines, unit, maxPoints);
}

/**
 * Rate metrics: a ```mermaid xychart of the judge's confidence sequence for the canary/baseline
 * ratio after each interval (lower and upper bound) against the allowed ratio — the test passes
 * the canary once the bounds sit on the allowed side and fails it once they leave it. Bounds
 * beyond the chart (an infinite upper bound before the first errors) are drawn at its edge.
 * Empty when the analysis recorded no bounds.
 */
export function ratioChart(series: MetricSeries, maxPoints: number = MAX_CHART_POINTS): string {
  const bounds = series.ratioBounds;
  if (!bounds) return '';
  const allowed = allowedRatios(bounds);
  // Wide enough for the allowed ratio and the lower bounds, so the bounds' narrowing shows; an
  // upper bound far above it (few errors so far) would flatten everything else.
  const top = niceCeiling(Math.max(2 * Math.max(...allowed), ...bounds.lower.filter(Number.isFinite)) * 1.1);
  const clip = (v: number) => (Number.isNaN(v) ? NaN : Math.min(Math.max(v, 0), top));
  const lines: ChartLine[] = [
    { name: 'upper bound', colour: CHART_COLOURS.canary, values: bounds.upper.map(clip) },
    { name: 'lower bound', colour: CHART_COLOURS.canary, values: bounds.lower.map(clip) },
    ...allowed.map((ratio) => ({ name: `allowed ${num(ratio)}`, colour: CHART_COLOURS.allowed, values: bounds.lower.map(() => ratio) })),
  ];
  const title = `${series.name}: ratio bounds (${colourName(lines[0])}) vs allowed ${allowed.map((ratio) => num(ratio)).join(' and ')} (${colourName(lines[2])})`;
  return xyChart(title, series.times, lines, `canary/baseline ratio (up to ${num(top)})`, maxPoints, [0, top]);
}

/** The ratio(s) the bounds are held against: above it is worse for `increase`, below its inverse for `decrease`. */
function allowedRatios({ allowedRatio, direction }: RatioBounds): number[] {
  if (direction === 'increase') return [allowedRatio];
  if (direction === 'decrease') return [1 / allowedRatio];
  return [allowedRatio, 1 / allowedRatio];
}

/** The xychart of `lines` over the intervals ending at `times`; empty when no interval has every line's value. */
function xyChart(title: string, times: number[], lines: ChartLine[], yTitle: string, maxPoints: number, yRange?: [number, number]): string {
  const complete = times.map((_, i) => lines.every((line) => Number.isFinite(line.values[i])));
  const first = complete.indexOf(true);
  const last = complete.lastIndexOf(true);
  if (first < 0 || last === first) return '';
  const indices = evenly(first, last, maxPoints);
  const step = times[1] - times[0] || 1;
  const start = times[0] - step;
  const minutes = times[last] - start > 300;
  const at = (i: number) => (times[i] - start) / (minutes ? 60 : 1);
  const palette = lines.map((line) => line.colour).join(', ');
  const range = yRange ? ` ${num(yRange[0])} --> ${num(yRange[1])}` : '';
  return [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `    title "${quoted(title)}"`,
    `    x-axis "${minutes ? 'minutes' : 'seconds'} into the analysis" ${num(at(first))} --> ${num(at(last))}`,
    `    y-axis "${quoted(yTitle)}"${range}`,
    ...lines.map((line) => `    line "${quoted(line.name)}" [${indices.map((i) => num(interpolated(line.values, i), 4)).join(', ')}]`),
    '```',
  ].join('\n');
}

/** At most `count` indices from `first` to `last`, both included, evenly spread. */
function evenly(first: number, last: number, count: number): number[] {
  const span = last - first;
  if (span + 1 <= count) return Array.from({ length: span + 1 }, (_, i) => first + i);
  return Array.from({ length: count }, (_, i) => first + Math.round((i * span) / (count - 1)));
}

/** values[i], or the straight line between its nearest finite neighbours when it is missing. */
function interpolated(values: number[], i: number): number {
  if (Number.isFinite(values[i])) return values[i];
  let before = i - 1;
  while (before >= 0 && !Number.isFinite(values[before])) before--;
  let after = i + 1;
  while (after < values.length && !Number.isFinite(values[after])) after++;
  if (before < 0) return values[after];
  if (after >= values.length) return values[before];
  return values[before] + ((values[after] - values[before]) * (i - before)) / (after - before);
}

/** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above `value`: an axis end a reader can take in. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((nice) => nice >= value * (1 - 1e-9)) ?? 10 * power;
}

/** A number as the chart prints it: `digits` significant digits, never an exponent (Mermaid reads none). */
function num(value: number, digits = 3): string {
  const rounded = Number(value.toPrecision(digits));
  const text = String(rounded);
  return text.includes('e') ? rounded.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** Text inside a Mermaid string: no double quotes. */
function quoted(text: string): string {
  return text.replace(/"/g, "'");
}
