/** Metric sources, query templates and metric definitions (docs/analysis.md). */
export * from './types.js';
export * from './template.js';
export * from './metrics-config.js';
export * from './prometheus.js';
export * from './file.js';
