// The demo's bad-canary-to-rollback time: a whole `slipway demo` run (real registry, Prometheus at
// a 1 s scrape interval, HAProxy, the GitHub simulator, 200 requests/s), timed from v3's first
// answered request to traffic back on v2. Target ≤ 30 s.
import { localHost } from '../demo/prerequisites.js';
import { ROLLBACK_TARGET_SECONDS } from '../demo/printout.js';
import { runDemo } from '../demo/run.js';
import { printTable } from './table.js';

/** Demo runs measured (each takes about a minute). */
const RUNS = Number(process.env.SLIPWAY_BENCH_DEMO_RUNS ?? 2);

export default async function demoBench(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (let run = 1; run <= RUNS; run++) {
    const say = () => {};
    const row = await runDemo({ say, host: localHost(say) }, async (result) => {
      const v3 = result.traffic.versions.find((v) => v.version === 'v3');
      return [
        run,
        result.rollbackSeconds ?? NaN,
        v3?.requests ?? 0,
        v3?.errors ?? 0,
        result.traffic.machineryFailures,
        result.traffic.sent,
        result.totalSeconds,
        result.ok ? 'yes' : 'NO',
      ];
    });
    rows.push(row);
  }
  const times = rows.map((r) => Number(r[1])).sort((a, b) => a - b);
  const median = (times[Math.floor((times.length - 1) / 2)] + times[Math.ceil((times.length - 1) / 2)]) / 2;
  rows.push(['median', median, '', '', '', '', '', `target ≤ ${ROLLBACK_TARGET_SECONDS} s`]);
  printTable(
    `Demo: bad canary (v3, 5× errors) to rollback, ${RUNS} runs at 200 req/s, 1 s scrape, 2 s analysis interval`,
    ['run', 'seconds to rollback', 'v3 requests', 'v3 5xx', 'requests lost', 'requests sent', 'demo seconds', 'passed'],
    rows,
  );
}
