import type { LedgerDeployment } from '../ledger/types.js';
import { humanDuration, type DoraReport } from './metrics.js';

/** The DORA report as an aligned text table (the CLI's default output). */
export function doraTable(report: DoraReport): string {
  const rate = report.changeFailureRate;
  const rows: [string, string, string][] = [
    ['deployment frequency', `${report.deploymentsPerDay.toFixed(2)}/day`, `${report.deployments} deployed in ${report.days.toFixed(1)} days`],
    [
      'lead time for changes',
      `${humanDuration(report.leadTime.median)} median`,
      `p90 ${humanDuration(report.leadTime.p90)} over ${report.leadTime.samples}${report.leadTime.missingCommitTimes ? `; ${report.leadTime.missingCommitTimes} without a known commit time` : ''}`,
    ],
    ['change failure rate', rate.rate === null ? 'n/a' : `${(rate.rate * 100).toFixed(1)}%`, `${rate.failed} of ${rate.finished} changes failed or were rolled back`],
    ['time to restore', `${humanDuration(report.timeToRestore.median)} median`, `p90 ${humanDuration(report.timeToRestore.p90)} over ${report.timeToRestore.samples}`],
  ];
  return `DORA metrics for ${report.environment}, ${report.since.slice(0, 10)} to ${report.until.slice(0, 10)}\n\n${alignedTable(['metric', 'value', 'detail'], rows)}`;
}

/** One row of `slipway history`: when, version, digest, who, result, and the rollback links. */
export function historyRow(deployment: LedgerDeployment, rolledBackBy: ReadonlyMap<number, number>): string[] {
  const payload = deployment.payload;
  const artifact = payload?.artifact;
  const version = artifact?.tags?.[0] ?? artifact?.ref.split('@')[0].split('/').pop() ?? deployment.sha.slice(0, 7);
  const links = [
    deployment.task === 'deploy:rollback' && payload?.rollbackOf ? `rollback of #${payload.rollbackOf}` : '',
    rolledBackBy.has(deployment.id) ? `rolled back by #${rolledBackBy.get(deployment.id)}` : '',
    payload?.promotedFrom ? `promoted from ${payload.promotedFrom.environment} #${payload.promotedFrom.deploymentId}` : '',
  ].filter(Boolean);
  return [
    `#${deployment.id}`,
    deployment.createdAt.replace('T', ' ').slice(0, 16),
    version,
    artifact ? `${artifact.digest.slice(0, 19)}…` : '-',
    payload?.source.actor || deployment.creator,
    deployment.latestStatus?.state ?? 'pending',
    links.join(', ') || '-',
  ];
}

/** The history table, newest first. */
export function historyTable(environment: string, deployments: LedgerDeployment[]): string {
  const rolledBackBy = new Map<number, number>();
  for (const d of deployments) if (d.task === 'deploy:rollback' && typeof d.payload?.rollbackOf === 'number') rolledBackBy.set(d.payload.rollbackOf, d.id);
  if (deployments.length === 0) return `No Slipway deployments in ${environment}.\n`;
  return `Deployments to ${environment} (newest first)\n\n${alignedTable(['id', 'when (UTC)', 'version', 'digest', 'who', 'result', 'links'], deployments.map((d) => historyRow(d, rolledBackBy)))}`;
}

/** A plain aligned text table. */
export function alignedTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
