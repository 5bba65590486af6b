const { sqrt, log, cos, exp, round, floor, max, pow, log1p, PI } = Math; // module bindings: global lookups are slow inside vm contexts (Jest)

/** A seeded pseudo-random source (sfc32): the same seed gives the same streams on every machine. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    return sqrt(-2 * log(1 - this.next())) * cos(2 * PI * this.next());
  }

  /** Poisson(mean): exact by inversion up to mean 50, the rounded normal approximation above (requests only). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 50) return max(0, round(mean + sqrt(mean) * this.normal()));
    let k = 0;
    let p = exp(-mean);
    let cdf = p;
    const u = this.next();
    while (u > cdf && k < 1000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }

  /** Binomial(n, p), exact: geometric jumps between successes (cost ∝ n·p). */
  binomial(n: number, p: number): number {
    if (p <= 0 || n <= 0) return 0;
    if (p >= 1) return n;
    const logQ = log1p(-p);
    let successes = 0;
    let position = 0;
    for (;;) {
      position += floor(log(1 - this.next()) / logQ) + 1;
      if (position > n) return successes;
      successes++;
    }
  }

  /** Gamma(shape, 1) (Marsaglia-Tsang; shape < 1 boosted). Mean = shape. */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * pow(this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      if (log(this.next()) < 0.5 * x * x + d - d * v + d * log(v)) return d * v;
    }
  }
}
