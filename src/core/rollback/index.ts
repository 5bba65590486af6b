export * from './target.js';
export * from './execute.js';
export * from './command.js';
