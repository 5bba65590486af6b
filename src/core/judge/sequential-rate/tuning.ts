/**
 * Every tuning constant of the sequential rate test, in one place. None of them can make the test
 * invalid: each only trades power between kinds of canaries, or withholds a decision (docs/judge.md,
 * "The sequential rate test", says why each holds and what the benchmark measured).
 */
export const SEQUENTIAL_RATE_TUNING = {
  /** Step of the grid of log-ratios s = log r the likelihood is kept on: fine enough that the estimate and the confidence bounds move by 4% at most. */
  gridStep: 0.04,
  /** The largest ratio the test weighs, as a log: log 64. Beyond it a regression is gross whatever its size. */
  gridLimit: Math.log(64),
  /**
   * Scale of the normal prior N(0, σ²) on the log-ratio the mixture is taken over. 1 puts its bulk
   * on ratios 1.3–5, where regressions worth a rollback live; the prior only trades power between
   * small and large ratios, never validity.
   */
  priorSd: 1,
  /**
   * Evidence guard: no interval adds more than this times log(1/α) to the test, so no single scrape
   * — one wild scrape before the dispersion could be measured — rolls back on its own.
   */
  singleScrapeCap: 0.9,
  /** Evidence guard: the first interval with errors, when it carries many (see firstScrapeVariance), adds at most this times log(1/α). */
  firstScrapeCap: 0.55,
  /** Evidence guard: the binomial variance nθ(1 − θ) from which the first interval with errors counts as carrying many. */
  firstScrapeVariance: 4,
  /**
   * Look-back check: the fixed dispersions ψ of the shadow tests that temper every interval from the
   * first. Spaced by about 3×, so that the one picked is never far from the dispersion the data show.
   */
  lookBackDispersions: [0.1, 0.3, 1, 3] as readonly number[],
  /**
   * Look-back check: "worse" also needs the shadow at the largest of lookBackDispersions not above
   * this times ψ̂. ψ̂ is shrunk towards 0 on purpose, and the check should rather err towards more
   * dispersion.
   */
  lookBackMargin: 4,
  /** History: pairs of consecutive baseline intervals with errors needed before the history's dispersion counts. */
  historyPairs: 10,
  /**
   * History: pairs per block of the blocked estimate. The median over blocks keeps the edges of a
   * shared burst or a traffic spike from passing for wobble; the mean within a block keeps pairs
   * with one or two errors meaningful.
   */
  historyBlock: 5,
  /**
   * History: a scrape whose own canary error rate is this many times the rate so far (or this many
   * times below it) lifts the evidence guard, so that one scrape may roll back a gross regression.
   * A canary that wobbles on its own, which the history cannot vouch for, shows 2× now and then
   * and 3× rarely.
   */
  grossRatio: 3,
  /** Errors added to both sides of an arm's loudness (its errors against its own rate so far), so that an arm's first errors are not taken as a burst. */
  loudnessPseudoErrors: 1,
  /** Intervals with errors "not-worse" needs: one quiet scrape of a canary whose error rate wanders would otherwise pass it. */
  notWorseErrorIntervals: 2,
} as const;
