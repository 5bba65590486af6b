/**
 * One parser per value concept (docs/values.md), used alike by plans, action inputs, the judge, the
 * routers and the analysis: a value one of them accepts, every other accepts too.
 */
export * from './errors.js';
export * from './weight.js';
export * from './percentage.js';
export * from './alpha.js';
export * from './duration.js';
export * from './analysis.js';
export * from './ratio.js';
