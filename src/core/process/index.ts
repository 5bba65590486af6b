export { childEnvironment, isSecretName, parseEnvNames, registerEnvironmentSecrets, type ChildEnvironmentOptions } from './environment.js';
export { findExecutable } from './executable.js';
export { runCommand, tail, type CommandResult, type RunOptions } from './run.js';
