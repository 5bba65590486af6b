import type { LedgerDeployment } from '../../core/ledger/types.js';
import type { DemoResult } from './run.js';

// The demo's closing report: what the ledger recorded, the delivery figures, and the verdict.

/** The target for the bad canary's time to rollback at a 1 s scrape interval (issue 6). */
export const ROLLBACK_TARGET_SECONDS = 30;

/** The report printed at the end of `slipway demo`. */
export function renderDemoReport(result: DemoResult, dora: string): string {
  const lines: string[] = [];
  lines.push('', '== Ledger: production deployments (GitHub Deployments, newest first) ==', '', historyTable(result.history));
  lines.push('', '== DORA figures (from the ledger) ==', '', dora);
  lines.push('', '== User requests ==', '');
  const { traffic } = result;
  lines.push(`sent through HAProxy: ${traffic.sent}`);
  lines.push(`lost by the delivery machinery (connection errors, proxy errors): ${traffic.machineryFailures}`);
  for (const v of traffic.versions) {
    lines.push(`answered by ${v.version}: ${v.requests}, of which the app's own 5xx: ${v.errors} (${((100 * v.errors) / Math.max(1, v.requests)).toFixed(2)}%)`);
  }
  lines.push('');
  const seconds = result.rollbackSeconds;
  lines.push(
    seconds === undefined
      ? 'bad canary to rollback: not measured (v3 served no request)'
      : `bad canary to rollback: ${seconds.toFixed(1)} s from v3's first request to traffic back on v2 (target ≤ ${ROLLBACK_TARGET_SECONDS} s: ${seconds <= ROLLBACK_TARGET_SECONDS ? 'met' : 'missed'})`,
  );
  lines.push('', '== Checks ==', '');
  for (const check of result.checks) lines.push(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`);
  lines.push('', result.ok ? `Demo passed in ${result.totalSeconds.toFixed(0)} s.` : 'Demo FAILED: see the checks above.', '');
  return lines.join('\n');
}

function historyTable(history: LedgerDeployment[]): string {
  const rows = history.map((d) => [
    `#${d.id}`,
    d.createdAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ''),
    d.task,
    d.payload?.artifact?.tags?.[0] ?? '',
    (d.payload?.artifact?.digest ?? '').slice(0, 19),
    d.latestStatus?.state ?? '',
    d.payload?.rollbackOf ? `rolls back #${d.payload.rollbackOf}` : '',
  ]);
  const header = ['id', 'when (UTC)', 'task', 'version', 'digest', 'result', 'rollback'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
