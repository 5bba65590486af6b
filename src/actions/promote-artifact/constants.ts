// The names of promote-artifact's inputs and outputs: equal to the keys of
// actions/promote-artifact/action.yml (a repository test compares them).

/** Input names. */
export const Inputs = {
  FromEnvironment: 'from-environment',
  ToEnvironment: 'to-environment',
  ImageRef: 'image-ref',
  TargetImage: 'target-image',
  TargetTags: 'target-tags',
  RequireProtection: 'require-protection',
  State: 'state',
  RegistryUsername: 'registry-username',
  RegistryPassword: 'registry-password',
  TargetRegistryUsername: 'target-registry-username',
  TargetRegistryPassword: 'target-registry-password',
  TargetRegistryUseSourceLogin: 'target-registry-use-source-login',
  Token: 'token',
} as const;

/** Output names. */
export const Outputs = {
  ImageRef: 'image-ref',
  Digest: 'digest',
  DeploymentId: 'deployment-id',
} as const;

/** The states the promotion deployment may be left in. */
export const STATES = ['success', 'queued', 'in_progress'] as const;

/** State names (read by the post step). */
export const State = {
  /** The deployment this step created; the post step closes it if the job failed while it was open. */
  DeploymentId: 'deployment-id',
} as const;
