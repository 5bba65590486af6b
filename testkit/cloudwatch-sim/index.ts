// The test bed's CloudWatch: GetMetricData over AWS JSON 1.0 with Signature V4 checked, answering
// Metrics Insights queries over loaded datapoints (server.ts), and the Signature V4 verifier it
// shares with the Amazon-Managed-Prometheus-like proxy of the tests (sigv4.ts).
export { startCloudWatchSim, type CloudWatchFault, type CloudWatchSimOptions, type RunningCloudWatchSim, type SimRequest } from './server.js';
export { evaluateInsights, InsightsError, parseInsights, type Datapoint, type InsightsQuery, type InsightsSeries } from './insights.js';
export { TEST_CREDENTIALS, verifySigV4, type ReceivedRequest, type TestCredentials, type Verdict, type VerifyOptions } from './sigv4.js';
