import { readFileSync } from 'node:fs';
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

/** Reads GITHUB_* variables (and the event file) into a RunContext. */
export function readRunContext(env: NodeJS.ProcessEnv = process.env, readEvent: (path: string) => string = readEventFile): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new InputError('GITHUB_REPOSITORY', repository, '`owner/repo`', 'run inside GitHub Actions, or set GITHUB_REPOSITORY');
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runId = Number(env.GITHUB_RUN_ID ?? 0);
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let pullRequest: number | undefined;
  let pullRequestHeadSha: string | undefined;
  if (env.GITHUB_EVENT_PATH && eventName.startsWith('pull_request')) {
    try {
      const event = JSON.parse(readEvent(env.GITHUB_EVENT_PATH)) as { pull_request?: { number?: number; head?: { sha?: string } } };
      pullRequest = event.pull_request?.number;
      pullRequestHeadSha = event.pull_request?.head?.sha;
    } catch {
      // No readable event: the run is treated as a push.
    }
  }
  return {
    owner,
    repo,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    serverUrl,
    eventName,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
    pullRequest,
    pullRequestHeadSha,
    job: env.GITHUB_JOB ?? '',
    source: {
      sha: pullRequestHeadSha ?? env.GITHUB_SHA ?? '',
      ref: env.GITHUB_REF ?? '',
      runId,
      runAttempt: Number(env.GITHUB_RUN_ATTEMPT ?? 1),
      actor: env.GITHUB_ACTOR ?? '',
      workflow: env.GITHUB_WORKFLOW ?? '',
    },
  };
}

function readEventFile(path: string): string {
  return readFileSync(path, 'utf8');
}
