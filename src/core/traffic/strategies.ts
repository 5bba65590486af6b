import { SlipwayError } from '../errors.js';
import { checkWeight } from './settings.js';
import type { HeaderRoute, TrafficRouter, TrafficState } from './types.js';

// The strategies on top of a TrafficRouter (docs/traffic.md) that canary-step runs one
// at a time: blue-green, header-routed testing and dark launches (a plan's canary steps are run by
// the rollout engine, src/core/plan/engine.ts). Each is a few router calls in a deliberate order.

/**
 * Blue-green switch: the new version (the router's canary) must pass `smokeCheck` first (e.g.
 * httpSmokeCheck, src/core/plan/smoke-check.ts), then takes 100% in one change; a failed check
 * is an error and nothing moves. The old version keeps running, so switchBack is immediate.
 */
export async function blueGreenSwitch(router: TrafficRouter, smokeCheck?: () => Promise<{ ok: boolean; detail: string }>): Promise<TrafficState> {
  const check = await smokeCheck?.();
  if (check && !check.ok) throw new SlipwayError(`Smoke check failed: ${check.detail}; traffic was not switched.`);
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
  checkWeight(percent, 'mirror-percentage');
  if (!router.setMirror) {
    const why = router.type === 'haproxy' ? 'HAProxy can only mirror through an SPOE agent, which Slipway does not drive' : undefined;
    throw unsupported(router, 'mirroring (dark launch)', ['nginx', 'gateway-api', 'istio'], why);
  }
  return router.setMirror(percent);
}

function unsupported(router: TrafficRouter, capability: string, providers: string[], why?: string): SlipwayError {
  return new SlipwayError(`The ${router.type} router cannot do ${capability}${why ? `: ${why}` : ''}. Providers that can: ${providers.join(', ')}.`);
}
