import type { JudgeReport, MetricResult } from './types.js';

const fmt = (n: number) => (Number.isFinite(n) ? Number(n.toPrecision(3)).toString() : String(n));
const icons = { pass: '✅', high: '🔺', low: '🔻', nodata: '⚪', error: '⚠️' } as const;

/** The judge report as Markdown: verdict and score, the reasons, and one table row per metric. */
export function judgeReportMarkdown(report: JudgeReport): string {
  const lines = [
    `### Canary verdict: **${report.verdict.toUpperCase()}** (score ${report.score})`,
    '',
    ...report.reasons.map((r) => `- ${escapeCell(r)}`),
    '',
    '| metric | kind | class | critical | evidence | reason |',
    '|---|---|---|---|---|---|',
    ...report.metrics.map(
      (m) => `| ${escapeCell(m.name)} | ${m.kind} | ${icons[m.class]} ${m.class}${m.muted ? ' (muted)' : ''} | ${m.critical ? 'yes' : 'no'} | ${evidence(m)} | ${escapeCell(m.reason)} |`,
    ),
    '',
    `α = ${report.config.alpha} · cut-offs pass ≥ ${report.config.thresholds.pass}, marginal ≥ ${report.config.thresholds.marginal} · missing data: ${report.config.onNoData}`,
    '',
  ];
  return lines.join('\n');
}

/** The key figures of one metric, in a few words. */
function evidence(m: MetricResult): string {
  if (m.sequential) {
    const { ratio, pValue, decision, decidedAtInterval } = m.sequential;
    return `ratio ${fmt(ratio.estimate)} [${fmt(ratio.lower)}, ${fmt(ratio.upper)}], p ${fmt(pValue)}, ${decision}${decidedAtInterval ? ` @${decidedAtInterval}` : ''}`;
  }
  if (m.mannWhitney && m.relativeShift) {
    return `shift ${fmt(m.relativeShift.estimate)}% [${fmt(m.relativeShift.lower)}%, ${fmt(m.relativeShift.upper)}%], MW p ${fmt(m.mannWhitney.pTwoSided)} (${m.mannWhitney.method})`;
  }
  if (m.threshold) return `${m.threshold.failures} failed, ${m.threshold.missing} missing of ${m.threshold.measurements}`;
  return '—';
}

/** Keeps a table cell on one line and its pipes literal. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
