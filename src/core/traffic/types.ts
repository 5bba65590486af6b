/**
 * The traffic layer's vocabulary (docs/traffic.md). One TrafficRouter per provider,
 * each in its own file, made by the registry from the provider name and its settings.
 */

/** Where traffic stands: the canary's share and what else is routed. */
export interface TrafficState {
  /** The provider's type, e.g. 'haproxy'. */
  provider: string;
  /** Percent of ordinary traffic the canary receives (0–100). */
  canaryWeight: number;
  /** Percent the stable version receives (100 − canaryWeight, unless both are drained). */
  stableWeight: number;
  /** Header routes in force (requests matching reach the canary whatever the weight). */
  headerRoutes: HeaderRoute[];
  /** Percent of requests mirrored to the canary (dark launch); 0 when off. */
  mirrorPercentage: number;
  /** False when the router could not be reached or read. */
  reachable: boolean;
  /** Provider-specific detail worth showing (server names, files, resources). */
  detail?: Record<string, unknown>;
}

/** A route that sends matching requests to the canary (internal testers). */
export interface HeaderRoute {
  /** Header name, e.g. x-canary; or a cookie when `kind` is 'cookie'. */
  name: string;
  /** Exact value that matches, e.g. always. */
  value: string;
  kind?: 'header' | 'cookie';
}

/** The small interface every provider implements. Every call is idempotent. */
export interface TrafficRouter {
  readonly type: string;
  /** Reads the current weights and routes. */
  describe(): Promise<TrafficState>;
  /** Sends `percent` of traffic to the canary (0–100), the rest to stable. */
  setCanaryWeight(percent: number): Promise<TrafficState>;
  /** The canary takes 100% and becomes the stable version. */
  promote(): Promise<TrafficState>;
  /** Everything back on stable: canary weight 0, header routes and mirroring removed. */
  abort(): Promise<TrafficState>;
  /** Optional: add (or with null, clear) a header/cookie route to the canary. */
  setHeaderRoute?(route: HeaderRoute | null): Promise<TrafficState>;
  /** With setHeaderRoute: throws what the router would refuse these routes in force at once with, touching nothing (a plan is checked before it starts). */
  checkHeaderRoutes?(routes: HeaderRoute[]): void;
  /** Optional: mirror `percent` of requests to the canary, responses discarded (0 turns it off). */
  setMirror?(percent: number): Promise<TrafficState>;
}
