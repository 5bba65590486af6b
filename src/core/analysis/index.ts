/** The analysis loop: metric sources in, judged verdict and series out. */
export * from './clock.js';
export * from './series.js';
export * from './loop.js';
