// The ledger: GitHub Deployments as Slipway's audit trail (docs/ledger.md).
export * from './types.js';
export { createGitHubClient, explainRequestError } from './client.js';
export type { ClientOptions, GitHubClient } from './client.js';
export { GitHubLedger } from './github-ledger.js';
export type { GitHubLedgerOptions } from './github-ledger.js';
export { MAX_DESCRIPTION, artifactFromRef, buildPayload, cutDescription, parsePayload } from './payload.js';
export { succeededAndStood } from './last-good.js';
export { LIVE_STATES, OPEN_STATES, TERMINAL_STATES, closeIfOpen, isOpen, isTerminal, wentLive } from './open.js';
