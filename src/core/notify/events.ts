// What a rollout tells the outside world: the events a `notify:` webhook receives
// (docs/notifications.md). The names follow the engine's results (RolloutResult), plus `started`.

/** The events a webhook can receive, in the order a rollout meets them. */
export const ROLLOUT_EVENTS = ['started', 'paused', 'promoted', 'rolled-back'] as const;

/** One of ROLLOUT_EVENTS. */
export type RolloutEventName = (typeof ROLLOUT_EVENTS)[number];

/** Links a notification carries; each is left out when unknown. */
export interface RolloutEventLinks {
  /** The workflow run's page (its logs). */
  runUrl?: string;
  /** The environment's deployments page on GitHub, where the deployment and its statuses are listed. */
  deploymentsUrl?: string;
  /** Where the deployed version answers (the `environment-url` input). */
  environmentUrl?: string;
}

/** Something that happened to a rollout, as a webhook is told of it. */
export interface RolloutEvent extends RolloutEventLinks {
  event: RolloutEventName;
  environment: string;
  /** The artifact rolled out (`name@sha256:…`); for a rollback, the one rolled back. */
  artifact: string;
  /** A rollback: the artifact running again, when there was one to restore. */
  restored?: string;
  /** The GitHub deployment the event is about. */
  deploymentId?: number;
  /** Why, in words: `analysis fail (score 12): error-rate …`, `all 4 steps passed`. */
  reason: string;
}

/** The environment's deployments page on GitHub (`<server>/<owner>/<repo>/deployments/<environment>`). */
export function deploymentsPageUrl(repository: { serverUrl: string; owner: string; repo: string }, environment: string): string {
  return `${repository.serverUrl}/${repository.owner}/${repository.repo}/deployments/${encodeURIComponent(environment)}`;
}
