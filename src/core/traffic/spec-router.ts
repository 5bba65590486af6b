import { checkWeight } from './settings.js';
import type { HeaderRoute, TrafficRouter, TrafficState } from './types.js';

/** The routing a provider is told to apply: what every declarative provider reads and writes. */
export interface RouteSpec {
  canaryWeight: number;
  headerRoutes: HeaderRoute[];
  mirrorPercentage: number;
  /** Set by read() when the proxy routes to other backends than the settings name: the next change rewrites it in full. */
  drift?: boolean;
}

/** The spec with everything on stable. */
export const STABLE_ONLY: RouteSpec = { canaryWeight: 0, headerRoutes: [], mirrorPercentage: 0 };

/** What a provider can do beyond weights. */
export interface Capabilities {
  headerRoutes: boolean;
  mirror: boolean;
}

/**
 * A router built from two provider operations, `read` (the spec in force) and `write` (apply a
 * new spec, leaving the old one in place when it fails). Every operation reads first and writes
 * only what differs, so repeating a call converges without touching the proxy again.
 */
export abstract class SpecRouter implements TrafficRouter {
  abstract readonly type: string;
  setHeaderRoute?: (route: HeaderRoute | null) => Promise<TrafficState>;
  checkHeaderRoutes?: (routes: HeaderRoute[]) => void;
  setMirror?: (percent: number) => Promise<TrafficState>;

  constructor(capabilities: Capabilities) {
    if (capabilities.headerRoutes) {
      this.setHeaderRoute = (route) => this.update((spec) => ({ ...spec, headerRoutes: routesAfter(spec.headerRoutes, route) }));
      this.checkHeaderRoutes = (routes) => void this.render({ ...STABLE_ONLY, headerRoutes: routes });
    }
    if (capabilities.mirror) {
      this.setMirror = async (percent) => {
        const mirrorPercentage = checkWeight(percent, 'mirror-percentage');
        return this.update((spec) => ({ ...spec, mirrorPercentage }));
      };
    }
  }

  /** The spec currently in force. */
  protected abstract read(): Promise<RouteSpec>;
  /** What `write` would send for `spec`, without sending it: throws what the provider cannot express. */
  protected abstract render(spec: RouteSpec): unknown;
  /** Applies `next`; on failure leaves `previous` in force and throws. */
  protected abstract write(next: RouteSpec, previous: RouteSpec): Promise<void>;
  /** Provider detail for the state (servers, files, resources). */
  protected abstract detail(): Record<string, unknown>;

  async describe(): Promise<TrafficState> {
    return this.state(await this.read());
  }

  async setCanaryWeight(percent: number): Promise<TrafficState> {
    const canaryWeight = checkWeight(percent);
    return this.update((spec) => ({ ...spec, canaryWeight }));
  }

  promote(): Promise<TrafficState> {
    return this.update(() => ({ ...STABLE_ONLY, canaryWeight: 100 }));
  }

  abort(): Promise<TrafficState> {
    return this.update(() => STABLE_ONLY);
  }

  private async update(change: (spec: RouteSpec) => RouteSpec): Promise<TrafficState> {
    const previous = await this.read();
    const { drift, ...current } = previous;
    const next = change(current);
    if (drift || !sameSpec(current, next)) await this.write(next, previous);
    return this.state(next);
  }

  private state(spec: RouteSpec): TrafficState {
    return {
      provider: this.type,
      canaryWeight: spec.canaryWeight,
      stableWeight: 100 - spec.canaryWeight,
      headerRoutes: spec.headerRoutes,
      mirrorPercentage: spec.mirrorPercentage,
      reachable: true,
      detail: this.detail(),
    };
  }
}

/** The routes in force after `route` is set (replacing one on the same header or cookie) or, with null, all are cleared. */
export function routesAfter(routes: HeaderRoute[], route: HeaderRoute | null): HeaderRoute[] {
  return route ? [...routes.filter((r) => !sameRoute(r, route)), route] : [];
}

function sameRoute(a: HeaderRoute, b: HeaderRoute): boolean {
  return a.name.toLowerCase() === b.name.toLowerCase() && (a.kind ?? 'header') === (b.kind ?? 'header');
}

/** Whether two specs route the same way. */
export function sameSpec(a: RouteSpec, b: RouteSpec): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(spec: RouteSpec): RouteSpec {
  const routes = spec.headerRoutes.map((r) => ({ name: r.name.toLowerCase(), value: r.value, kind: r.kind ?? 'header' }));
  routes.sort((x, y) => `${x.kind}:${x.name}`.localeCompare(`${y.kind}:${y.name}`));
  return { canaryWeight: spec.canaryWeight, headerRoutes: routes, mirrorPercentage: spec.mirrorPercentage };
}
