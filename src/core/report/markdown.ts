import type { MetricSeries } from '../analysis/series.js';
import type { JudgeReport, MetricResult, Verdict } from '../judge/types.js';
import { metricChart, ratioChart } from './mermaid.js';

// Markdown for job summaries and pull-request comments: the verdict, a per-metric table, the
// reasons, and a chart per metric. Pure: data in, text out.

/** What a rendered analysis shows: the judge's report and, when known, how the loop ran. */
export interface AnalysisSummary {
  report: JudgeReport;
  series?: MetricSeries[];
  intervals?: number;
  plannedIntervals?: number;
  intervalSeconds?: number;
  stoppedEarly?: boolean;
  stopReason?: string;
}

const ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', inconclusive: '⚠️' };

/** The verdict as a short headline, e.g. `❌ fail (score 0)`. */
export function verdictHeadline(report: JudgeReport): string {
  return `${ICON[report.verdict]} ${report.verdict} (score ${Math.round(report.score)})`;
}

/** The whole analysis as markdown: heading, how it ran, the metric table, reasons and charts. */
export function analysisMarkdown(summary: AnalysisSummary, title = 'Canary analysis'): string {
  const { report } = summary;
  const parts = [`## ${title}: ${verdictHeadline(report)}`, ''];
  if (summary.intervals !== undefined && summary.plannedIntervals !== undefined) {
    const each = summary.intervalSeconds ? ` of ${summary.intervalSeconds} s` : '';
    parts.push(
      summary.stoppedEarly
        ? `Stopped early after ${summary.intervals} of ${summary.plannedIntervals} intervals${each}: ${summary.stopReason ?? 'the verdict could no longer change'}.`
        : `Ran ${summary.intervals} of ${summary.plannedIntervals} intervals${each}.`,
      '',
    );
  }
  parts.push(metricTable(report.metrics), '');
  if (report.reasons.length > 0) parts.push('**Why**', '', ...report.reasons.map((r) => `- ${inline(r)}`), '');
  const { alpha, thresholds, onNoData, onUndecided } = report.config;
  parts.push(`α = ${alpha} · cut-offs pass ≥ ${thresholds.pass}, marginal ≥ ${thresholds.marginal} · missing data: ${onNoData} · undecided at the end: ${onUndecided === 'inconclusive' ? 'inconclusive' : "pass when the data could have caught the metric's detect ratio"}`, '');
  parts.push(...seriesCharts(summary.series ?? []));
  return parts.join('\n');
}

/** Each metric's charts over time (the series, and for a rate metric its ratio bounds), folded: markdown lines. */
export function seriesCharts(all: MetricSeries[]): string[] {
  return all.flatMap((series) => {
    const charts = [metricChart(series), ratioChart(series)].filter(Boolean);
    return charts.length === 0 ? [] : [`<details><summary>${series.name} over time</summary>`, '', ...charts.flatMap((chart) => [chart, '']), '</details>', ''];
  });
}

/** The per-metric table: class, critical, the statistic that decided, and the reason. */
export function metricTable(metrics: MetricResult[]): string {
  const rows = metrics.map((m) => `| ${m.name} | ${m.kind} | ${classLabel(m)} | ${m.critical ? 'yes' : 'no'} | ${inline(detail(m))} | ${inline(m.reason)} |`);
  return ['| metric | kind | class | critical | statistic | reason |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

function classLabel(m: MetricResult): string {
  const label = m.class === 'pass' ? '✅ pass' : m.class === 'nodata' || m.class === 'error' ? `⚠️ ${m.class}` : `❌ ${m.class}`;
  return m.muted ? `${label} (muted)` : label;
}

function detail(m: MetricResult): string {
  if (m.sequential) {
    const { ratio, pValue, decision, decidedAtInterval, outcome, detectableRatio } = m.sequential;
    const decided = decidedAtInterval === null ? '' : ` at interval ${decidedAtInterval}`;
    const could = detectableRatio === undefined ? '' : `, could detect ${detectableRatio === null ? 'nothing up to 64×' : `${num(detectableRatio)}×`}`;
    return `ratio ${num(ratio.estimate)} [${num(ratio.lower)}, ${num(ratio.upper)}], p ${num(pValue)}, ${outcome ?? decision}${decided}${could}`;
  }
  if (m.hodgesLehmann || m.mannWhitney) {
    const hl = m.hodgesLehmann ? `shift ${num(m.hodgesLehmann.estimate)} [${num(m.hodgesLehmann.lower)}, ${num(m.hodgesLehmann.upper)}]` : '';
    const mw = m.mannWhitney ? `U ${num(m.mannWhitney.u)}, p ${num(m.mannWhitney.pTwoSided)}` : '';
    const could = typeof m.detectableShift === 'number' ? `could detect ${num(m.detectableShift)}%` : '';
    return [hl, mw, could].filter(Boolean).join(', ');
  }
  if (m.threshold) return `${m.threshold.failures} outside, ${m.threshold.missing} missing of ${m.threshold.measurements}`;
  return '';
}

/** A number for humans: 3 significant digits, ∞ spelled out. */
function num(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'n/a' : value > 0 ? '∞' : '-∞';
  return String(Number(value.toPrecision(3)));
}

/** Table-safe text: no pipes or line breaks. */
function inline(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
