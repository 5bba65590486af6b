import { computeDora, doraTable, historyTable } from '../src/core/dora/index.js';
import { DEMO_ENVIRONMENT, type DemoResult } from './run.js';

// The demo's closing report: what the ledger recorded, the delivery figures, and the verdict.

/** The target for the bad canary's time to rollback at a 1 s scrape interval (issue 6). */
export const ROLLBACK_TARGET_SECONDS = 30;

/** The report printed at the end of `slipway demo`. */
export function renderDemoReport(result: DemoResult, now = new Date()): string {
  const lines: string[] = [];
  // The same renderings as `slipway history` and `slipway dora`, over what the demo recorded.
  lines.push('', '== Ledger (GitHub Deployments, as `slipway history` shows them) ==', '', historyTable(DEMO_ENVIRONMENT, result.history));
  const since = new Date(Math.min(...[...result.commitTimes.values()].map((t) => t.getTime()), result.startedAt.getTime()));
  const dora = computeDora(result.history, { environment: DEMO_ENVIRONMENT, since, until: now }, result.commitTimes);
  lines.push('== DORA figures (as `slipway dora` computes them from the ledger) ==', '', doraTable(dora));
  const { github } = result;
  lines.push(`GitHub API requests: ${github.requests} (checked against GitHub's REST contract: ${github.contractViolations.length === 0 ? 'all valid' : github.contractViolations.join('; ')})`);
  lines.push('', '== User requests ==', '');
  const { traffic } = result;
  lines.push(`sent through HAProxy: ${traffic.sent}`);
  lines.push(`lost by the delivery machinery (connection errors, proxy errors): ${traffic.machineryFailures}`);
  if (result.resent > 0) lines.push(`re-sent once because a connection closed before any answer (not lost: HTTP clients retry these): ${result.resent}`);
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
