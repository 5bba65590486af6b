import type { StreamScenario } from './streams.js';

type Variant = Omit<StreamScenario, 'totalRps' | 'comparison'>;

/** The null scenarios of the judge benchmark (docs/judge.md): nothing is wrong with the canary, so any rollback is a false alarm. */
export const nullScenarios: { name: string; variant: Variant }[] = [
  { name: 'null: i.i.d. traffic, 30 s scrapes', variant: { ratio: 1, scrapeSeconds: 30 } },
  { name: 'null: i.i.d. traffic, 10 s scrapes', variant: { ratio: 1, scrapeSeconds: 10 } },
  { name: 'null: i.i.d. traffic, 60 s scrapes', variant: { ratio: 1, scrapeSeconds: 60 } },
  { name: 'null: common time-varying rate (diurnal swing, spikes)', variant: { ratio: 1, scrapeSeconds: 30, timeVarying: true } },
  { name: 'null: bursty errors (shared Gamma(0.5) bursts, 14% independent wobble)', variant: { ratio: 1, scrapeSeconds: 30, overdispersion: { shared: 0.5, independent: 50 } } },
  // Independent per-arm wobble of the error rate between scrapes (Gamma, CV 10%, 25%, 50%, 100%): where
  // the binomial model stops holding, and how far false alarms go (docs/judge.md, the bound).
  { name: 'null: overdispersion, 10% independent wobble per arm', variant: { ratio: 1, scrapeSeconds: 30, overdispersion: { independent: 100 } } },
  { name: 'null: overdispersion, 25% independent wobble per arm', variant: { ratio: 1, scrapeSeconds: 30, overdispersion: { independent: 16 } } },
  { name: 'null: strong overdispersion (50% independent wobble per arm)', variant: { ratio: 1, scrapeSeconds: 30, overdispersion: { independent: 4 } } },
  { name: 'null: extreme overdispersion (100% independent wobble per arm)', variant: { ratio: 1, scrapeSeconds: 30, overdispersion: { independent: 1 } } },
  // The same strong wobble looked at more and less often (per scrape either way).
  { name: 'null: strong overdispersion (50%), 10 s scrapes', variant: { ratio: 1, scrapeSeconds: 10, overdispersion: { independent: 4 } } },
  { name: 'null: strong overdispersion (50%), 60 s scrapes', variant: { ratio: 1, scrapeSeconds: 60, overdispersion: { independent: 4 } } },
  // The history's blind spot: only the canary wobbles, so the primary's history says "steady".
  { name: 'null: the canary alone wobbles 50% (its history cannot show it)', variant: { ratio: 1, scrapeSeconds: 30, overdispersion: { canaryOnly: 4 } } },
  { name: 'null: traffic split drifting 4–6%', variant: { ratio: 1, scrapeSeconds: 30, splitDrift: true } },
  { name: 'null: scrape gaps, NaN and a zero-traffic step', variant: { ratio: 1, scrapeSeconds: 30, gaps: true } },
  { name: 'null: warm-up transient', variant: { ratio: 1, scrapeSeconds: 30, warmup: true } },
];

/** Regressions that should roll back (on the common time-varying rate, 10 s scrapes). */
export const regressionScenarios: { name: string; variant: Variant }[] = [1.5, 2, 5].map((ratio) => ({
  name: `regression: canary error rate ${ratio}× the baseline's`,
  variant: { ratio, scrapeSeconds: 10, timeVarying: true },
}));

/** Traffic levels × comparisons every scenario runs at. */
export const trafficLevels: Pick<StreamScenario, 'totalRps' | 'comparison'>[] = [10, 100, 1000].flatMap((totalRps) =>
  (['primary', 'baseline'] as const).map((comparison) => ({ totalRps, comparison })),
);
