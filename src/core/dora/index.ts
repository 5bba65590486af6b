export * from './metrics.js';
export * from './render.js';
