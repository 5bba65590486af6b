export { childEnvironment, isSecretName, parseEnvNames, registerEnvironmentSecrets, type ChildEnvironmentOptions } from './environment.js';
