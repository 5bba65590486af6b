import type { RunContext } from '../common/context.js';

// The job summary of record-deployment: what was recorded, with links to the deployment's
// environment page, the run and the deployed environment.

/** What one step recorded. */
export interface RecordedDeployment {
  deploymentId: number;
  state: string;
  statusId: number;
  /** The step that did it: created the deployment, updated it, or (post step) closed it. */
  kind: 'created' | 'updated' | 'closed';
  environment?: string;
  ref?: string;
  artifact?: string;
  environmentUrl?: string;
  description?: string;
  previousGood?: number | null;
  note?: string;
}

/** The markdown of the job summary for one recorded step. */
export function renderSummary(recorded: RecordedDeployment, context: Pick<RunContext, 'serverUrl' | 'owner' | 'repo' | 'runUrl'>): string {
  const repoUrl = `${context.serverUrl}/${context.owner}/${context.repo}`;
  const deployment = recorded.environment
    ? `[#${recorded.deploymentId}](${repoUrl}/deployments/${encodeURIComponent(recorded.environment)})`
    : `[#${recorded.deploymentId}](${repoUrl}/deployments)`;
  const rows: [string, string][] = [
    ['Deployment', deployment],
    ['Environment', recorded.environment ? cell(recorded.environment) : '—'],
    ['State', `\`${recorded.state}\` (status ${recorded.statusId})`],
  ];
  if (recorded.ref) rows.push(['Ref', `\`${cell(recorded.ref)}\``]);
  if (recorded.artifact) rows.push(['Artifact', `\`${cell(recorded.artifact)}\``]);
  if (recorded.description) rows.push(['Description', cell(recorded.description)]);
  if (recorded.previousGood !== undefined) rows.push(['Replaces (last good)', recorded.previousGood === null ? 'none' : `#${recorded.previousGood}`]);
  if (recorded.environmentUrl) rows.push(['Environment URL', `[${cell(recorded.environmentUrl)}](${recorded.environmentUrl})`]);
  rows.push(['Run', `[${context.runUrl}](${context.runUrl})`]);
  const title = { created: 'Deployment started', updated: 'Deployment status recorded', closed: 'Deployment closed by the post step' }[recorded.kind];
  return [`### ${title}`, '', '| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} |`), '', ...(recorded.note ? [recorded.note, ''] : [])].join('\n');
}

// Table cells may not contain raw pipes or line breaks.
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
