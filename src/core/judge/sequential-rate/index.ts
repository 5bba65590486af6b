// The sequential rate test, in its parts (docs/judge.md, "How the sequential rate test is built").
export { SequentialRateTest, sequentialRateTest } from './test.js';
export type { SequentialRateOptions, SequentialRateResult } from './types.js';
export { SEQUENTIAL_RATE_TUNING } from './tuning.js';
