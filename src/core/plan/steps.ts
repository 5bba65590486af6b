import { errorMessage, SlipwayError } from '../errors.js';
import { routesAfter } from '../traffic/spec-router.js';
import type { JudgeReport } from '../judge/types.js';
import type { HeaderRoute, TrafficRouter, TrafficState } from '../traffic/types.js';
import type { AnalysisStep, PlanAnalysis, PlanStep, SmokeCheckStep } from './plan.js';
import type { SmokeCheckResult } from './smoke-check.js';

/** What an analysis step asks of the analysis loop. */
export interface AnalysisRequest {
  analysis: PlanAnalysis;
  step: AnalysisStep;
  /** 0-based index of the step in the plan. */
  stepIndex: number;
}

/** The port to the analysis loop (src/core/analysis): judges the canary for the step's duration. */
export interface AnalysisRunner {
  run(request: AnalysisRequest): Promise<JudgeReport>;
}

/** The port that performs a smoke check; the default is an HTTP GET (httpSmokeCheck, smoke-check.ts). */
export type SmokeChecker = (step: SmokeCheckStep) => Promise<SmokeCheckResult>;

/** Where traffic should stand once the steps before `index` ran: what a resumed run converges to. */
export interface ExpectedTraffic {
  canaryWeight: number;
  headerRoute: HeaderRoute | null;
  mirrorPercentage: number;
}

/** The traffic the steps before `index` leave behind (weight 0, no routes, no mirror at the start). */
export function expectedTrafficBefore(steps: PlanStep[], index: number): ExpectedTraffic {
  const expected: ExpectedTraffic = { canaryWeight: 0, headerRoute: null, mirrorPercentage: 0 };
  for (const step of steps.slice(0, index)) {
    if (step.kind === 'setWeight') expected.canaryWeight = step.weight;
    if (step.kind === 'switch') expected.canaryWeight = 100;
    if (step.kind === 'setHeaderRoute' || step.kind === 'preview') expected.headerRoute = step.route;
    if (step.kind === 'setMirrorRoute') expected.mirrorPercentage = step.percentage;
  }
  return expected;
}

/** The steps that move traffic through the router. */
export type TrafficStep = Extract<PlanStep, { kind: 'setWeight' | 'switch' | 'setHeaderRoute' | 'preview' | 'setMirrorRoute' }>;

/** Applies a traffic step through the router; a capability the provider lacks is a clear error. */
export async function applyTrafficStep(router: TrafficRouter, step: TrafficStep): Promise<TrafficState> {
  switch (step.kind) {
    case 'setWeight':
      return router.setCanaryWeight(step.weight);
    case 'switch':
      return router.setCanaryWeight(100);
    case 'setHeaderRoute':
    case 'preview':
      if (!router.setHeaderRoute) throw new SlipwayError(cannotRoute(router, step.kind));
      return router.setHeaderRoute(step.route);
    case 'setMirrorRoute':
      if (!router.setMirror) throw new SlipwayError(cannotMirror(router));
      return router.setMirror(step.percentage);
  }
}

const cannotRoute = (router: TrafficRouter, kind: string) => `The ${router.type} router cannot route by header, so the plan's \`${kind}\` step cannot run; remove it or use a provider with header routes.`;
const cannotMirror = (router: TrafficRouter) => `The ${router.type} router cannot mirror traffic, so the plan's \`setMirrorRoute\` step cannot run; remove it or use a provider that mirrors (nginx).`;

/**
 * Checks, before anything is written, that the router can take every traffic step of the plan: a
 * route or mirror step needs the capability, and each set of header routes the steps put in force
 * must be one the provider can express (HAProxy's one ACL header, nginx's header names, one route
 * per ingress-nginx canary…). A plan that would fail at step 4 for its router fails now instead.
 */
export function checkPlanFitsRouter(steps: PlanStep[], router: TrafficRouter): void {
  const problems: string[] = [];
  let routes: HeaderRoute[] = [];
  steps.forEach((step, index) => {
    const where = `plan${step.line === undefined ? '' : ` line ${step.line}`}: steps[${index}].${step.kind}`;
    if (step.kind === 'setHeaderRoute' || step.kind === 'preview') {
      if (!router.setHeaderRoute) return void problems.push(`${where}: ${cannotRoute(router, step.kind)}`);
      routes = routesAfter(routes, step.route);
      try {
        router.checkHeaderRoutes?.(routes);
      } catch (error) {
        problems.push(`${where}: ${errorMessage(error)}`);
      }
    }
    if (step.kind === 'setMirrorRoute' && !router.setMirror) problems.push(`${where}: ${cannotMirror(router)}`);
  });
  if (problems.length > 0) throw new SlipwayError(`The plan does not fit the ${router.type} router; nothing was changed.\n${problems.join('\n')}`);
}

/** Brings the router to `expected` (a resumed or restarted run), changing only what differs. */
export async function convergeTraffic(router: TrafficRouter, expected: ExpectedTraffic): Promise<{ state: TrafficState; changed: string[] }> {
  let state = await router.describe();
  if (!state.reachable) throw new SlipwayError(`The ${router.type} router cannot be reached, so the rollout did not start or resume; nothing was changed.`);
  const changed: string[] = [];
  if (state.canaryWeight !== expected.canaryWeight) {
    changed.push(`canary weight ${state.canaryWeight}% → ${expected.canaryWeight}%`);
    state = await router.setCanaryWeight(expected.canaryWeight);
  }
  const route = expected.headerRoute;
  const hasRoute = route ? state.headerRoutes.some((r) => r.name === route.name && r.value === route.value) : state.headerRoutes.length === 0;
  if (!hasRoute && router.setHeaderRoute) {
    changed.push(route ? `header route ${route.name}: ${route.value}` : 'header routes cleared');
    state = await router.setHeaderRoute(route);
  }
  if (state.mirrorPercentage !== expected.mirrorPercentage && router.setMirror) {
    changed.push(`mirror ${state.mirrorPercentage}% → ${expected.mirrorPercentage}%`);
    state = await router.setMirror(expected.mirrorPercentage);
  }
  return { state, changed };
}
