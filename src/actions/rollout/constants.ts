// The names of the root `rollout` action's inputs, outputs and saved state: equal to the keys of
// action.yml at the repository root (a repository test compares them).

/** Input names. */
export const Inputs = {
  Plan: 'plan',
  Environment: 'environment',
  ImageRef: 'image-ref',
  Ref: 'ref',
  Provider: 'provider',
  Router: 'router',
  Prometheus: 'prometheus',
  PrometheusHeaders: 'prometheus-headers',
  CanarySelector: 'canary-selector',
  BaselineSelector: 'baseline-selector',
  OnFailure: 'on-failure',
  OnInconclusive: 'on-inconclusive',
  EnvironmentUrl: 'environment-url',
  PrComment: 'pr-comment',
  Irreversible: 'irreversible',
  NotifyUrl: 'notify-url',
  NotifyFormat: 'notify-format',
  SshPrivateKey: 'ssh-private-key',
  SshKnownHosts: 'ssh-known-hosts',
  Token: 'token',
} as const;

/** Output names. */
export const Outputs = {
  Result: 'result',
  DeploymentId: 'deployment-id',
  ImageRef: 'image-ref',
} as const;

/** State the main step leaves for the post step (never the token). */
export const State = {
  /** The deployment this run drove. */
  DeploymentId: 'deployment-id',
  /** Set once the run ended with a result (promoted, rolled-back, paused): the post step leaves traffic alone. */
  Finished: 'finished',
  /** Set once all traffic is on the new version: from then on the post step never moves it back. */
  Promoted: 'promoted',
} as const;
