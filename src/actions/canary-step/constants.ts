// The names of canary-step's inputs, outputs and saved state: equal to the keys of
// actions/canary-step/action.yml (a repository test compares them).

/** Input names. */
export const Inputs = {
  Provider: 'provider',
  Router: 'router',
  Action: 'action',
  Weight: 'weight',
  HeaderRoute: 'header-route',
  MirrorPercentage: 'mirror-percentage',
  SmokeUrl: 'smoke-url',
  DeploymentId: 'deployment-id',
  AbortOnFailure: 'abort-on-failure',
  SshPrivateKey: 'ssh-private-key',
  SshKnownHosts: 'ssh-known-hosts',
  Token: 'token',
} as const;

/** Output names. */
export const Outputs = {
  Weight: 'weight',
  PreviousWeight: 'previous-weight',
  TrafficState: 'traffic-state',
} as const;

/** State the main step leaves for the post step (never the token). */
export const State = {
  /** 'true' when this step moved traffic towards the canary. */
  Moved: 'moved',
  /** The canary weight this step left in force. */
  Weight: 'weight',
} as const;

/** What a step does. */
export const ACTIONS = ['set-weight', 'promote', 'abort', 'switch', 'switch-back'] as const;
