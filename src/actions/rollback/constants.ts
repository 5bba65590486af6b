// The names of rollback's inputs and outputs: equal to the keys of actions/rollback/action.yml
// (a repository test compares them).

/** Input names. */
export const Inputs = {
  Environment: 'environment',
  To: 'to',
  Plan: 'plan',
  Provider: 'provider',
  Router: 'router',
  DeployCommand: 'deploy-command',
  DeployEnv: 'deploy-env',
  Reason: 'reason',
  Force: 'force',
  EnvironmentUrl: 'environment-url',
  NotifyUrl: 'notify-url',
  NotifyFormat: 'notify-format',
  RegistryUsername: 'registry-username',
  RegistryPassword: 'registry-password',
  SshPrivateKey: 'ssh-private-key',
  SshKnownHosts: 'ssh-known-hosts',
  Token: 'token',
} as const;

/** Output names. */
export const Outputs = {
  ImageRef: 'image-ref',
  DeploymentId: 'deployment-id',
  RolledBackDeploymentId: 'rolled-back-deployment-id',
} as const;
