/** Metric sources, query templates and metric definitions (ARCHITECTURE.md "Analysis"). */
export * from './types.js';
export * from './template.js';
export * from './metrics-config.js';
export * from './prometheus.js';
export * from './file.js';
export * from './registry.js';
