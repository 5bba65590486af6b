export * from './target.js';
export * from './execute.js';
export * from './command.js';
export * from './abort.js';
export * from './slots.js';
