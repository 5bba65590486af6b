// The rollout plan the demo runs for each new release: the same YAML a user writes for the root
// `rollout` action (docs/rollout.md), filled in with the demo's own servers and slots.

/** Where the demo's plan points: the local HAProxy, Prometheus and the two slots' roles. */
export interface DemoPlanTargets {
  /** HAProxy runtime API, `host:port`. */
  haproxySocket: string;
  /** The backend holding the two slots. */
  backend: string;
  /** Slot (HAProxy server) that serves the running version, and the one the new version is in. */
  stableSlot: string;
  canarySlot: string;
  prometheusUrl: string;
  /** Versions as the app labels its metrics (`version="v2"`). */
  stableVersion: string;
  canaryVersion: string;
  /** Seconds between two looks at the metrics. Default 2. */
  intervalSeconds?: number;
  /** Longest time each analysis step may take, seconds (it stops as soon as the judge decides). Default 120. */
  analysisSeconds?: number;
}

/**
 * The demo's canary plan: 10% → analysis → 50% → analysis → 100%, judged on the 5xx rate as a
 * critical metric, rolled back automatically on a failed analysis. The allowed increase is wide
 * (up to 3× the baseline's rate) so that an equal canary is shown "not worse" within seconds at
 * the demo's traffic; a 5× canary is still caught in a few seconds. Production plans use longer
 * analyses and the judge's default (+20%), see docs/demo.md.
 */
export function demoPlanYaml(t: DemoPlanTargets): string {
  const interval = t.intervalSeconds ?? 2;
  const analysis = t.analysisSeconds ?? 120;
  return `# Slipway demo: ${t.canaryVersion} as a canary next to ${t.stableVersion}
strategy: canary
router:
  provider: haproxy
  socket: ${t.haproxySocket}
  backend: ${t.backend}
  stable: ${t.stableSlot}
  canary: ${t.canarySlot}
analysis:
  prometheus: ${t.prometheusUrl}
  interval: ${interval}s
  canarySelector: 'version="${t.canaryVersion}"'
  baselineSelector: 'version="${t.stableVersion}"'
  metrics:
    - name: error-rate
      kind: rate
      errors: 'sum(http_requests_total{{{selector}}, code=~"5.."}) or vector(0)'
      requests: 'sum(http_requests_total{{{selector}}})'
      allowedIncrease: 200
      critical: true
steps:
  - setWeight: 10
  - analysis: {duration: ${analysis}s}
  - setWeight: 50
  - analysis: {duration: ${analysis}s}
  - setWeight: 100
onFailure: rollback
onInconclusive: pause
`;
}
