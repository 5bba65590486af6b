import type { Clock } from '../analysis/clock.js';
import type { TrafficRouter } from '../traffic/types.js';
import type { AnalysisStep, FailurePolicy, PauseStep, PlanStep, RolloutPlan, SmokeCheckStep } from './plan.js';
import type { RolloutRecorder } from './recorder.js';
import { applyTrafficStep, type AnalysisRunner, type SmokeChecker, type TrafficStep } from './steps.js';

// One handler per step kind. A handler does its step through the router, the analysis runner or
// the smoke checker, asks the recorder to write what the run should show meanwhile, and says how
// the step ended; the engine (engine.ts) decides what an ending means for the run.

/** What a handler may use: the plan, where it stands, the recorder and the engine's ports. */
export interface StepContext {
  plan: RolloutPlan;
  /** 0-based index of the step in the plan. */
  index: number;
  /** The step in words (stepLabel). */
  label: string;
  recorder: RolloutRecorder;
  router: TrafficRouter;
  /** Absent when the plan has no analysis steps. */
  analysis?: AnalysisRunner;
  clock: Clock;
  smokeCheck: SmokeChecker;
}

/**
 * How a step ended: the run goes on; it stops under a failure policy (roll back, or pause and
 * repeat the step in a later run); or it pauses after the step, for a later run to go on from the next.
 */
export type StepOutcome = { next: 'continue' } | { next: 'stop'; policy: FailurePolicy; reason: string } | { next: 'pause'; reason: string };

/** Runs one step of kind `S`. */
export type StepHandler<S extends PlanStep> = (step: S, context: StepContext) => Promise<StepOutcome>;

/** A handler for every step kind: a kind added to PlanStep without one fails the typecheck of `stepHandlers`. */
type StepHandlers = { [K in PlanStep['kind']]: StepHandler<Extract<PlanStep, { kind: K }>> };

const CONTINUE: StepOutcome = { next: 'continue' };

/** setWeight, switch, setHeaderRoute, preview and setMirrorRoute: the router changes, then the status says so. */
async function moveTraffic(step: TrafficStep, { router, recorder, label }: StepContext): Promise<StepOutcome> {
  const state = await applyTrafficStep(router, step);
  recorder.trafficAt(state.canaryWeight);
  await recorder.status(label);
  return CONTINUE;
}

/** A timed pause waits on the clock; an open-ended one ends the run for a later one to go on. */
async function pause(step: PauseStep, { plan, index, label, recorder, clock }: StepContext): Promise<StepOutcome> {
  if (step.durationSeconds === undefined) return { next: 'pause', reason: `open-ended pause at step ${index + 1}/${plan.steps.length}; run the rollout again to continue` };
  await recorder.status(label);
  await recorder.publish();
  await clock.sleep(step.durationSeconds * 1000);
  return CONTINUE;
}

/** Judges the canary; a fail follows onFailure, an inconclusive verdict onInconclusive. */
async function analyse(step: AnalysisStep, { plan, index, label, recorder, analysis }: StepContext): Promise<StepOutcome> {
  if (!analysis || !plan.analysis) throw new Error("an analysis step needs the plan's analysis block and an analysis runner");
  await recorder.status(`${label} running`);
  await recorder.publish();
  const report = await analysis.run({ analysis: plan.analysis, step, stepIndex: index });
  recorder.analysed(report);
  const summary = `analysis ${report.verdict} (score ${Math.round(report.score)})`;
  if (report.verdict === 'fail') return { next: 'stop', policy: plan.onFailure, reason: `${summary}: ${report.reasons[0] ?? 'the canary is worse than the baseline'}` };
  if (report.verdict === 'inconclusive') return { next: 'stop', policy: plan.onInconclusive, reason: `${summary}: ${report.reasons[0] ?? 'not enough data'}` };
  await recorder.status(summary);
  return CONTINUE;
}

/** One GET; a failure follows onFailure. */
async function smokeCheck(step: SmokeCheckStep, { plan, recorder, smokeCheck: check }: StepContext): Promise<StepOutcome> {
  const result = await check(step);
  recorder.note(result.detail);
  if (!result.ok) return { next: 'stop', policy: plan.onFailure, reason: `smoke check failed: ${result.detail}` };
  await recorder.status('smoke check passed');
  return CONTINUE;
}

/** The handler of each step kind. */
export const stepHandlers = {
  setWeight: moveTraffic,
  switch: moveTraffic,
  setHeaderRoute: moveTraffic,
  preview: moveTraffic,
  setMirrorRoute: moveTraffic,
  pause,
  analysis: analyse,
  smokeCheck,
} satisfies StepHandlers;

/** Runs `step` through the handler of its kind. */
export function runStep(step: PlanStep, context: StepContext): Promise<StepOutcome> {
  // TypeScript cannot tie `step.kind` to the handler it selects; StepHandlers above makes sure each kind's handler takes that kind.
  const handler = stepHandlers[step.kind] as StepHandler<PlanStep>;
  return handler(step, context);
}
