import type { JudgeReport } from '../judge/types.js';

/** GitHub's limit on a deployment status description. */
const MAX_DESCRIPTION = 140;

/**
 * A deployment status description that says the verdict and fits 140 characters, e.g.
 * `analysis fail (score 0): error-rate high · 12/30 intervals`. Failing metrics are listed while they
 * fit; the rest are counted.
 */
export function statusDescription(report: JudgeReport, progress?: { intervals: number; plannedIntervals: number }): string {
  const head = `analysis ${report.verdict} (score ${Math.round(report.score)})`;
  const tail = progress ? ` · ${progress.intervals}/${progress.plannedIntervals} intervals` : '';
  const notes = report.metrics.filter((m) => m.class !== 'pass').map((m) => `${m.name} ${m.class}`);
  let text = head;
  for (const [i, note] of notes.entries()) {
    const more = notes.length - i - 1;
    const next = `${text}${i === 0 ? ': ' : ', '}${note}`;
    if ([...next].length + tail.length + (more > 0 ? ` +${more} more`.length : 0) > MAX_DESCRIPTION) {
      text += ` +${notes.length - i} more`;
      break;
    }
    text = next;
  }
  return `${text}${tail}`.slice(0, MAX_DESCRIPTION);
}
