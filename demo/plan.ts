// The rollout plan the demo runs for every release, unchanged: the same YAML a user writes for the
// root `rollout` action (docs/rollout.md), filled in with the demo's own servers. Its slots and
// deploy step put each release in the slot without the last good version (the ledger says which).

/** Where the demo's plan points: the local HAProxy and Prometheus, the slots and the deploy command. */
export interface DemoPlanTargets {
  /** HAProxy runtime API, `host:port`. */
  haproxySocket: string;
  /** The backend holding the two slots. */
  backend: string;
  /** Each slot's HAProxy server name is its own name; the address is where its app answers. */
  slotAddresses: { blue: string; green: string };
  /** argv that starts a release in a slot (demo/deploy-slot.ts). */
  deployCommand: string[];
  prometheusUrl: string;
  /** Seconds between two looks at the metrics. Default 2. */
  intervalSeconds?: number;
  /** Longest time each analysis step may take, seconds (it stops as soon as the judge decides). Default 120. */
  analysisSeconds?: number;
}

/**
 * The demo's canary plan: the new release started in its slot and checked ready, then 10% →
 * analysis → 50% → analysis → 100%, judged on the 5xx rate as a critical metric (Prometheus labels
 * each slot's series `slot="…"`), rolled back automatically on a failed analysis. The allowed
 * increase is wide (up to 3× the baseline's rate) so that an equal canary is shown "not worse"
 * within seconds at the demo's traffic; a 5× canary is still caught in a few seconds. Production
 * plans use longer analyses and the judge's default (+20%), see docs/demo.md.
 */
export function demoPlanYaml(t: DemoPlanTargets): string {
  const interval = t.intervalSeconds ?? 2;
  const analysis = t.analysisSeconds ?? 120;
  return `# Slipway demo: every release, into the slot without the last good version
strategy: canary
slots:
  blue: {server: blue, address: ${t.slotAddresses.blue}}
  green: {server: green, address: ${t.slotAddresses.green}}
deploy:
  run: [${t.deployCommand.map((arg) => JSON.stringify(arg)).join(', ')}]
  ready: {url: 'http://{address}/healthz', timeout: 60s}
router:
  provider: haproxy
  socket: ${t.haproxySocket}
  backend: ${t.backend}
analysis:
  prometheus: ${t.prometheusUrl}
  interval: ${interval}s
  canarySelector: 'slot="{{canarySlot}}"'
  baselineSelector: 'slot="{{stableSlot}}"'
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
