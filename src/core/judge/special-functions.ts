// The special functions the judge needs: the standard normal distribution function and its inverse
// (Mann-Whitney's normal approximation, what an analysis can detect) and the regularized incomplete
// beta function (the Clopper-Pearson bound of docs/judge.md, "How each kind of metric is judged").
// Written here rather than imported because general-purpose libraries for them weigh more than the
// rest of a bundle, and every action has to start quickly. Each keeps its relative precision
// (1e-13 or better) far into the tails, where small p-values and bounds on rare errors live;
// test/fixtures/special-functions.json (scripts/make-special-functions-fixtures.py, from scipy)
// holds the reference values.

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EPSILON = Number.EPSILON;

// Below this |z| the series for Φ(z) − ½ is used, above it the continued fraction for the tail: the
// series subtracts from ½ (losing at most a factor 1/(2·Q(1.5)) ≈ 7.5 of relative precision in the
// lower tail), and the fraction needs more terms the closer z is to 0 (about 180 at 1.5).
const TAIL_FROM = 1.5;

/** The standard normal density φ(z); 0 beyond |z| = 40, where it is below the smallest double. */
function normalDensity(z: number): number {
  const t = Math.abs(z);
  if (!(t < 40)) return Number.isNaN(t) ? NaN : 0;
  // exp(−t²/2) with t² rounded would be off by t²·ε relative (1e-13 at t = 38): split t into a head
  // with 6 fractional bits, whose square is exact, and a small remainder.
  const head = Math.round(t * 64) / 64;
  const rest = t - head;
  return (Math.exp(-0.5 * head * head) * Math.exp(-0.5 * rest * (t + head))) / SQRT_2PI;
}

/**
 * Φ(z) − ½ = φ(z)·(z + z³/3 + z⁵/(3·5) + …), for |z| < TAIL_FROM: every term has the sign of z, so
 * the sum has full relative precision (also near 0, where Φ(z) − ½ ≈ z/√(2π)).
 */
function normalCentral(z: number): number {
  const z2 = z * z;
  let term = z;
  let sum = z;
  for (let k = 1; Math.abs(term) > EPSILON * Math.abs(sum); k++) {
    term *= z2 / (2 * k + 1);
    sum += term;
  }
  return normalDensity(z) * sum;
}

/**
 * The upper tail Q(t) = 1 − Φ(t) for t ≥ TAIL_FROM: φ(t) over Laplace's continued fraction
 * t + 1/(t + 2/(t + 3/(t + …))), evaluated forward (modified Lentz) until it stops changing.
 */
function normalUpperTail(t: number): number {
  if (t === Infinity) return 0;
  const tiny = 1e-300;
  let value = t;
  let c = t;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    d = t + n * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = t + n / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    value *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return normalDensity(t) / value;
}

/** The standard normal distribution function Φ(z) = P(Z ≤ z), to ~1e-15 relative also deep in the lower tail. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z <= -TAIL_FROM) return normalUpperTail(-z);
  if (z >= TAIL_FROM) return 1 - normalUpperTail(z);
  return 0.5 + normalCentral(z);
}

/**
 * The standard normal quantile Φ⁻¹(p): −∞ at 0, +∞ at 1, NaN outside [0, 1]. A rough first guess
 * refined by Halley's method against normalCdf, so it is as accurate as the distribution function
 * (relative to p's distance from 0 or 1, and to z near 0).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // 1 − p is exact for p ≥ ½: solve in the lower half, where the tail has all its precision.
  return p > 0.5 ? -lowerQuantile(1 - p) : lowerQuantile(p);
}

/** Φ⁻¹(q) for 0 < q < ½ (a negative z). */
function lowerQuantile(q: number): number {
  const offset = q - 0.5; // exact
  let z: number;
  if (q > 0.05) {
    // The inverse of Φ(z) − ½ ≈ φ(0)·(z + z³/6 + …) as a series in u = √(2π)·(q − ½).
    const u = SQRT_2PI * offset;
    z = u * (1 + u * u * (1 / 6 + (7 / 120) * u * u));
  } else {
    // Q(t) ≈ φ(t)·t/(1 + t²) for the tail, solved for s = t² by fixed-point iteration.
    const twiceLog = -2 * Math.log(q);
    let s = twiceLog;
    for (let i = 0; i < 4; i++) s = Math.max(1, twiceLog - 2 * LN_SQRT_2PI - Math.log(((1 + s) * (1 + s)) / s));
    z = -Math.sqrt(s);
  }
  // Halley's method on Φ(z) − q, whose derivatives are φ(z) and −z·φ(z): cubic convergence.
  for (let i = 0; i < 50; i++) {
    const density = normalDensity(z);
    if (!(density > 0)) break;
    // The residual from the part of Φ that keeps its precision: the central series against q − ½
    // near the middle, the tail against q itself further out.
    const residual = z > -TAIL_FROM ? normalCentral(z) - offset : normalUpperTail(-z) - q;
    const e = residual / density;
    const step = e / (1 + (z * e) / 2);
    z -= step;
    if (Math.abs(step) <= 4 * EPSILON * Math.abs(z)) break;
  }
  return z;
}

/**
 * The regularized incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b), a, b > 0, with
 * relative precision ~1e-13 or better also when a and b are in the millions (a binomial's trials)
 * and far into either tail. 0 at x ≤ 0, 1 at x ≥ 1.
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // t = x(a+b) − a, from whichever of x and 1 − x is exact, without rounding the product: near the
  // mean everything hangs on it.
  const t = x < 0.5 ? productMinus(x, a + b, a) : -productMinus(1 - x, a + b, b);
  const front = Math.exp(logBetaFront(x, a, b, t));
  if (front === 0) return t < 0 ? 0 : 1;
  // The fraction converges quickly below about the mean, a/(a + b); above it, by symmetry,
  // I_x(a, b) = 1 − I_{1−x}(b, a), and the front factor is the same for both.
  return x * (a + b + 2) < a + 1 ? (front / a) * betaFraction(x, a, b, t) : 1 - (front / b) * betaFraction(1 - x, b, a, -t);
}

/**
 * log(x^a·(1−x)^b / B(a, b)). With Stirling's formula for the three Γ's this is
 *   a·log(x/x₀) + b·log(y/y₀) + ½·log(ab/(a+b)) − log√(2π) + ω(a+b) − ω(a) − ω(b),
 * x₀ = a/(a+b), y = 1 − x, y₀ = 1 − x₀, ω Stirling's correction. Written so, nothing of the size of
 * a·log x (millions) is ever cancelled: near the mean the first two terms are a·(log(1+u) − u) and
 * b·(log(1−v) + v), u = t/a, v = t/b, t = x(a+b) − a, since their linear parts cancel exactly.
 */
function logBetaFront(x: number, a: number, b: number, t: number): number {
  const u = t / a;
  const v = -t / b;
  // Each ratio either near 1, in its "minus the linear part" form, or far from 1, where a term of
  // that size is no longer cancelled but decides the result. The linear parts, +t and −t, are
  // added last, so that when both cancel they do so exactly.
  const yLog = x < 0.5 ? Math.log1p(-x) : Math.log(1 - x);
  const nearA = Math.abs(u) <= 0.5;
  const nearB = Math.abs(v) <= 0.5;
  const partA = nearA ? a * log1pMinusX(u) : a * Math.log((x * (a + b)) / a);
  const partB = nearB ? b * log1pMinusX(v) : b * (yLog + Math.log((a + b) / b));
  const linear = (nearA ? t : 0) - (nearB ? t : 0);
  const stirling = stirlingCorrection(a + b) - stirlingCorrection(a) - stirlingCorrection(b);
  return partA + partB + linear + 0.5 * Math.log((a / (a + b)) * b) - LN_SQRT_2PI + stirling;
}

/** x·y − c with x·y unrounded (Dekker's exact product), for c within a factor 2 of x·y. */
function productMinus(x: number, y: number, c: number): number {
  const product = x * y;
  const [xHigh, xLow] = split(x);
  const [yHigh, yLow] = split(y);
  const error = xHigh * yHigh - product + xHigh * yLow + xLow * yHigh + xLow * yLow;
  return product - c + error;
}

/** A double as the sum of two halves of 26 bits, whose pairwise products are exact. */
function split(x: number): [number, number] {
  const scaled = 134217729 * x; // 2^27 + 1
  const high = scaled - (scaled - x);
  return [high, x - high];
}

/**
 * log(1 + u) − u for |u| ≤ ½, without the cancellation of subtracting: with s = u/(2 + u),
 * log(1 + u) = 2·(s + s³/3 + s⁵/5 + …) and 2s − u = −u·s.
 */
function log1pMinusX(u: number): number {
  const s = u / (2 + u);
  const s2 = s * s;
  const negligible = EPSILON * Math.abs(u * s);
  let power = s * s2;
  let sum = 0;
  for (let k = 3; ; k += 2) {
    const term = power / k;
    sum += term;
    if (Math.abs(term) <= negligible) break;
    power *= s2;
  }
  return -u * s + 2 * sum;
}

// Stirling's series log Γ(a) − ((a − ½)·log a − a + log√(2π)) = Σ B₂ₖ / (2k(2k − 1)·a^(2k−1)),
// B₂ₖ the Bernoulli numbers 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730, 7/6. From a = 10 on, the
// first omitted term is below 1e-16 of the sum.
const STIRLING_COEFFICIENTS = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];
const STIRLING_FROM = 10;

/** ω(a) = log Γ(a) − ((a − ½)·log a − a + log√(2π)), Stirling's correction, for a > 0. */
function stirlingCorrection(a: number): number {
  if (a >= STIRLING_FROM) {
    const inverseSquare = 1 / (a * a);
    let sum = 0;
    for (let k = STIRLING_COEFFICIENTS.length - 1; k >= 0; k--) sum = sum * inverseSquare + STIRLING_COEFFICIENTS[k];
    return sum / a;
  }
  // Γ(a) = Γ(a + n) / (a·(a+1)···(a+n−1)): shift a into the series' range.
  const n = Math.ceil(STIRLING_FROM - a);
  let product = 1;
  for (let i = 0; i < n; i++) product *= a + i;
  const shifted = a + n;
  return stirlingCorrection(shifted) + stirlingBase(shifted) - stirlingBase(a) - Math.log(product);
}

function stirlingBase(a: number): number {
  return (a - 0.5) * Math.log(a) - a;
}

/**
 * The continued fraction 1/(1 + d₁/(1 + d₂/(1 + …))) with d₂ₘ₊₁ = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1))
 * and d₂ₘ = m(b−m)x / ((a+2m−1)(a+2m)), so that I_x(a, b) = x^a(1−x)^b / (a·B(a, b)) times it, for
 * x below about the mean. Near the mean d₂ₘ₊₁ ≈ −1 and each 1 + d₂ₘ₊₁·(…) would cancel a digit per
 * factor a/|t| (t = x(a+b) − a): evaluated instead as its odd part,
 *   1 + d₁ − d₁d₂/(1 + d₂ + d₃ − d₃d₄/(1 + d₄ + d₅ − …)),
 * whose denominators 1 + d₂ₘ + d₂ₘ₊₁ = (P(m) − t·Q(m)) / ((a+b)(a+2m−1)(a+2m+1)), with
 * P(m) = a²(2m+1) + ab(4m+1) + 2m²(a+2b) − (a+b) and Q(m) = (a+b)(a−1) + 2m(a+m), are sums of
 * positive terms once written with t (t < 1 here), and 1 + d₁ = (1 − t)/(a+1). Modified Lentz.
 */
function betaFraction(x: number, a: number, b: number, t: number): number {
  const tiny = 1e-300;
  const limit = 1000 + 10 * Math.ceil(Math.sqrt(Math.max(a, b)));
  const sum = a + b;
  let value = (1 - t) / (a + 1);
  if (Math.abs(value) < tiny) value = tiny;
  let c = value;
  let d = 0;
  let previousOdd = -(sum * x) / (a + 1);
  for (let m = 1; m <= limit; m++) {
    const s = a + 2 * m;
    const even = (m * (b - m) * x) / ((s - 1) * s);
    const odd = -((a + m) * (sum + m) * x) / (s * (s + 1));
    const p = a * a * (2 * m + 1) + a * b * (4 * m + 1) + 2 * m * m * (a + 2 * b) - sum;
    const q = sum * (a - 1) + 2 * m * (a + m);
    const denominator = (p - t * q) / (sum * (s - 1) * (s + 1));
    const numerator = -previousOdd * even;
    d = denominator + numerator * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = denominator + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    value *= delta;
    previousOdd = odd;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return 1 / value;
}
