import { context as github } from '@actions/github';
import { InputError } from '../../core/errors.js';
import type { SourceInfo } from '../../core/ledger/types.js';

/** The facts about the workflow run an action reads from the runner's environment. */
export interface RunContext {
  owner: string;
  repo: string;
  apiUrl: string;
  serverUrl: string;
  eventName: string;
  /** The run's page: the `log_url` of every status Slipway writes. */
  runUrl: string;
  /** Pull-request number on pull_request events. */
  pullRequest?: number;
  /** The PR head sha on pull_request events (the ref a PR deployment must use to show on the PR). */
  pullRequestHeadSha?: string;
  /** The job id (GITHUB_JOB), used to tell the run's own GitHub-made deployment apart. */
  job: string;
  source: SourceInfo;
}

/**
 * The run as @actions/github's `context` read it when the bundle started (GITHUB_* variables and
 * the event payload), with what an action needs on top: the run's URL, and on pull_request
 * events the PR's number and head sha. Numbers the runner left unset are 0 (run id) and 1
 * (attempt), never NaN.
 */
export function readRunContext(): RunContext {
  const { owner, repo } = repository();
  const runId = wholeNumber(github.runId, 0);
  const pullRequest = github.eventName?.startsWith('pull_request') ? (github.payload.pull_request as { number?: number; head?: { sha?: string } } | undefined) : undefined;
  return {
    owner,
    repo,
    apiUrl: github.apiUrl,
    serverUrl: github.serverUrl,
    eventName: github.eventName ?? '',
    runUrl: `${github.serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
    pullRequest: pullRequest?.number,
    pullRequestHeadSha: pullRequest?.head?.sha,
    job: github.job ?? '',
    source: {
      sha: pullRequest?.head?.sha ?? github.sha ?? '',
      ref: github.ref ?? '',
      runId,
      runAttempt: wholeNumber(github.runAttempt, 1),
      actor: github.actor ?? '',
      workflow: github.workflow ?? '',
    },
  };
}

/** GITHUB_REPOSITORY (or the payload's repository), as an InputError that says how to fix it when absent. */
function repository(): { owner: string; repo: string } {
  const fix = () => new InputError('GITHUB_REPOSITORY', process.env.GITHUB_REPOSITORY, '`owner/repo`', 'run inside GitHub Actions, or set GITHUB_REPOSITORY');
  let found: { owner?: string; repo?: string };
  try {
    found = github.repo;
  } catch {
    throw fix();
  }
  if (!found.owner || !found.repo) throw fix();
  return { owner: found.owner, repo: found.repo };
}

function wholeNumber(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}
