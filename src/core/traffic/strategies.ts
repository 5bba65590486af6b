import { SlipwayError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { checkWeight } from './settings.js';
import type { HeaderRoute, TrafficRouter, TrafficState } from './types.js';

// The strategies on top of a TrafficRouter (ARCHITECTURE.md "Traffic"): canary steps, blue-green,
// header-routed testing and dark launches. Each is a few router calls in a deliberate order.

/** Options of runCanarySteps. */
export interface CanaryStepOptions {
  /** Called after each weight is in force (analysis, pause); throwing fails the rollout. */
  afterStep?: (weight: number, state: TrafficState) => Promise<void>;
  /** Put everything back on stable when a step fails (default true). */
  abortOnFailure?: boolean;
  logger?: Logger;
}

/**
 * Canary: moves the weights one step at a time (e.g. 5, 25, 50, 100), then promotes. When a step
 * or its check fails, traffic goes back to stable (unless abortOnFailure is false) and the error
 * is rethrown. Every weight is checked before the first change.
 */
export async function runCanarySteps(router: TrafficRouter, weights: number[], options: CanaryStepOptions = {}): Promise<TrafficState> {
  const logger = options.logger ?? silentLogger;
  weights.forEach((w, i) => checkWeight(w, `steps[${i}].setWeight`));
  try {
    let state = await router.describe();
    for (const weight of weights) {
      state = await router.setCanaryWeight(weight);
      logger.info(`canary ${weight}%`);
      await options.afterStep?.(weight, state);
    }
    return await router.promote();
  } catch (error) {
    if (options.abortOnFailure ?? true) {
      logger.warning(`rollout failed, sending all traffic back to stable: ${error instanceof Error ? error.message : String(error)}`);
      await router.abort();
    }
    throw error;
  }
}

/**
 * Blue-green switch: the new version (the router's canary) must pass `smokeCheck` first, then
 * takes 100% in one change. The old version keeps running, so switchBack is immediate.
 */
export async function blueGreenSwitch(router: TrafficRouter, smokeCheck?: () => Promise<void>): Promise<TrafficState> {
  if (smokeCheck) await smokeCheck();
  return router.setCanaryWeight(100);
}

/** Blue-green switch back: everything to the old version again, in one change. */
export async function blueGreenSwitchBack(router: TrafficRouter): Promise<TrafficState> {
  return router.setCanaryWeight(0);
}

/** Header-routed testing: requests with `route` reach the canary at any weight (null clears). */
export async function routeHeaderToCanary(router: TrafficRouter, route: HeaderRoute | null): Promise<TrafficState> {
  if (!router.setHeaderRoute) throw unsupported(router, 'header routes', ['haproxy (with routeAcl)', 'nginx', 'gateway-api', 'istio', 'ingress-nginx']);
  return router.setHeaderRoute(route);
}

/** Dark launch: mirror `percent` of requests to the canary, its answers discarded (0 stops). */
export async function mirrorToCanary(router: TrafficRouter, percent: number): Promise<TrafficState> {
  checkWeight(percent, 'mirror-percent');
  if (!router.setMirror) {
    const why = router.type === 'haproxy' ? 'HAProxy can only mirror through an SPOE agent, which Slipway does not drive' : undefined;
    throw unsupported(router, 'mirroring (dark launch)', ['nginx', 'gateway-api', 'istio'], why);
  }
  return router.setMirror(percent);
}

/** A smoke check: GET `url` must answer 2xx within `timeoutMs` (default 10 s). */
export function httpSmokeCheck(url: string, timeoutMs = 10_000): () => Promise<void> {
  return async () => {
    let status: number;
    try {
      status = (await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })).status;
    } catch (error) {
      throw new SlipwayError(`Smoke check of ${url} failed (${error instanceof Error ? error.message : String(error)}); traffic was not switched.`);
    }
    if (status < 200 || status > 299) throw new SlipwayError(`Smoke check of ${url} answered HTTP ${status}; traffic was not switched.`);
  };
}

function unsupported(router: TrafficRouter, capability: string, providers: string[], why?: string): SlipwayError {
  return new SlipwayError(`The ${router.type} router cannot do ${capability}${why ? `: ${why}` : ''}. Providers that can: ${providers.join(', ')}.`);
}
