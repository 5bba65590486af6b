import type { TrafficRouter, TrafficState } from '../../../src/core/traffic/types.js';

// A TrafficRouter that hands every call to a real router and lets a fault scenario act at an exact
// point of the rollout ("after the canary reached 20%", "when the rollout aborts") instead of
// after a guessed sleep.

/** One call the rollout made: the operation and its argument (a weight), once it settled. */
export interface RouterCall {
  op: 'describe' | 'setCanaryWeight' | 'promote' | 'abort' | 'setHeaderRoute' | 'setMirror';
  arg?: unknown;
  ok: boolean;
}

/** Hooks around each call; `before` may break the world (stop a server), `after` sees the result. */
export interface SpyHooks {
  before?: (call: Omit<RouterCall, 'ok'>) => void | Promise<void>;
  after?: (call: RouterCall, state?: TrafficState) => void | Promise<void>;
}

/** Wraps `router`; `calls` lists what the rollout asked for, in order. */
export function spyRouter(router: TrafficRouter, hooks: SpyHooks = {}): TrafficRouter & { calls: RouterCall[] } {
  const calls: RouterCall[] = [];
  const wrap = <A extends unknown[]>(op: RouterCall['op'], fn: (...args: A) => Promise<TrafficState>) =>
    async (...args: A): Promise<TrafficState> => {
      await hooks.before?.({ op, arg: args[0] });
      try {
        const state = await fn(...args);
        calls.push({ op, arg: args[0], ok: true });
        await hooks.after?.({ op, arg: args[0], ok: true }, state);
        return state;
      } catch (error) {
        calls.push({ op, arg: args[0], ok: false });
        await hooks.after?.({ op, arg: args[0], ok: false });
        throw error;
      }
    };
  return {
    type: router.type,
    calls,
    describe: wrap('describe', () => router.describe()),
    setCanaryWeight: wrap('setCanaryWeight', (percent: number) => router.setCanaryWeight(percent)),
    promote: wrap('promote', () => router.promote()),
    abort: wrap('abort', () => router.abort()),
    ...(router.setHeaderRoute ? { setHeaderRoute: wrap('setHeaderRoute', (route: Parameters<NonNullable<TrafficRouter['setHeaderRoute']>>[0]) => router.setHeaderRoute!(route)) } : {}),
    ...(router.setMirror ? { setMirror: wrap('setMirror', (percent: number) => router.setMirror!(percent)) } : {}),
  };
}
