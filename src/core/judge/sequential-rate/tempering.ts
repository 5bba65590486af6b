import { SEQUENTIAL_RATE_TUNING } from './tuning.js';

// Tempering (docs/judge.md, "Overdispersion"): each interval's log-likelihood ratio is multiplied
// by λ = 1/(1 + ψ̂v̂) ≤ 1, fixed before the interval is seen, so E[LR^λ] ≤ E[LR]^λ = 1 (Jensen)
// and the confidence sequence stays valid under the binomial null whatever ψ̂ is.
//
// v̂ is predicted from the interval's requests and the error rate so far, never from the
// interval's own errors: with independent wobble the total is correlated with the canary's share
// (a quiet primary means fewer errors and a larger canary share), so weighting by it would tilt
// every interval towards "worse". The first interval with errors has no rate to go by: it is not
// tempered, and its own total only picks its cap (evidence-guard.ts).
//
// The test itself discounts further where independent wobble does its harm: in an arm that is
// loud for itself. Shared bursts multiply both arms' errors, and with them the wobble's effect on
// the canary's share, without showing in the requests. So the ratios above 1 take
// λ↑ = 1/(1 + ψv̂·ℓ_c), ℓ_c the canary's errors against its own rate so far, and the ratios below 1
// λ↓ with the baseline's ℓ_b. Given the interval's total, LR(r > 1) rises with the canary's x while
// λ↑ falls, so LR^λ↑(x) ≤ LR^λ↑(x*) where LR(x*) = 1, a fixed power (mirrored for r < 1): the test
// stays a supermartingale under the binomial null.

const { loudnessPseudoErrors } = SEQUENTIAL_RATE_TUNING;

/** How loud an arm is in an interval against its own error rate so far (1 = as usual). */
export function loudness(errors: number, requests: number, rateSoFar: number): number {
  return (errors + loudnessPseudoErrors) / (requests * rateSoFar + loudnessPseudoErrors);
}

/** v̂ = n̂θ(1 − θ): the interval's binomial variance, its errors n̂ predicted from its requests and the error rate so far (its own errors when there is none yet). */
export function predictedVariance(requests: number, errors: number, seen: { errors: number; requests: number }, theta: number): number {
  const predicted = seen.errors > 0 ? (requests * seen.errors) / seen.requests : errors;
  return predicted * theta * (1 - theta);
}

/** λ = 1/(1 + ψv̂): the estimate's discount, the same at every ratio. */
export function temperOf(dispersion: number, variance: number): number {
  return 1 / (1 + dispersion * variance);
}

/** λ↑ or λ↓ at dispersion ψ: 1/(1 + ψv̂ℓ), ℓ the loudness of the canary (above ratio 1) or of the baseline (below). */
export function sideDiscount(dispersion: number, variance: number, armLoudness: number): number {
  return 1 / (1 + dispersion * variance * armLoudness);
}
