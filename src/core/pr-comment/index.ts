export * from './render.js';
export * from './sticky.js';
export * from './github.js';
