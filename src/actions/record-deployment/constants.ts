// The names of record-deployment's inputs, outputs and saved state: equal to the keys of
// actions/record-deployment/action.yml (a repository test compares them).

/** Input names. */
export const Inputs = {
  Environment: 'environment',
  State: 'state',
  DeploymentId: 'deployment-id',
  Ref: 'ref',
  ImageRef: 'image-ref',
  EnvironmentUrl: 'environment-url',
  Description: 'description',
  Task: 'task',
  Strategy: 'strategy',
  ProductionEnvironment: 'production-environment',
  TransientEnvironment: 'transient-environment',
  AutoInactive: 'auto-inactive',
  RequiredContexts: 'required-contexts',
  AutoMerge: 'auto-merge',
  Token: 'token',
} as const;

/** Output names. */
export const Outputs = {
  DeploymentId: 'deployment-id',
  StatusId: 'status-id',
  PreviousDeploymentId: 'previous-deployment-id',
} as const;

/** State the main step leaves for the post step (never the token). */
export const State = {
  /** The deployment this step left queued or in progress. */
  OpenDeploymentId: 'open-deployment-id',
} as const;

/** What `state:` accepts: `start` plus every status GitHub accepts but `pending`. */
export const STATES = ['start', 'queued', 'in_progress', 'success', 'failure', 'error', 'inactive'] as const;

/** The deployment tasks Slipway creates. */
export const TASKS = ['deploy', 'deploy:promote', 'deploy:rollback'] as const;
