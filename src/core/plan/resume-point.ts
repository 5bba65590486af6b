import type { Strategy } from './plan.js';

// The resume point is where a live rollout stands, written into its deployment's in_progress
// status description. A later run reads it back to resume at that step, another run reads it to
// tell a deliberate pause from a live run (liveness.ts), and the rollout action's post step reads
// the canary weight it names. formatResumePoint is its only writer and parseResumePoint its only
// reader; deployments already open in users' repositories were written in this same format.

/** A rollout standing at one of its steps: `canary 25% · step 3/6 · analysis 2m`. */
export interface StepResumePoint {
  phase: 'step';
  /** Names the new version in words: `canary` for a canary plan, `new version` for blue-green. */
  strategy: Strategy;
  /** 1-based step, at most `total`. */
  step: number;
  total: number;
  /** The canary's share when the status was written (0–100). */
  canaryWeight: number;
  /** The run stopped there on purpose and waits for a later one (an open-ended pause, a policy of pause). */
  paused: boolean;
}

/**
 * A rollout whose every step passed and whose promotion began: `promoting · 6/6 steps passed`. A
 * later run promotes again (idempotently) and records success, without running a step or moving
 * traffic back.
 */
export interface PromotingResumePoint {
  phase: 'promoting';
  total: number;
}

/** Where a rollout stands, as its deployment's status description records it. */
export type ResumePoint = StepResumePoint | PromotingResumePoint;

/**
 * The status description of a resume point. `note` says what the step is doing (`analysis 2m
 * running`); for a paused point it is the reason (`paused: analysis inconclusive`), and no reason
 * reads `paused until the next run`. The promotion takes no note. GitHub keeps 140 characters:
 * the point itself comes first, so a cut only shortens the note.
 */
export function formatResumePoint(point: ResumePoint, note = ''): string {
  if (point.phase === 'promoting') return `promoting · ${point.total}/${point.total} steps passed`;
  const who = point.strategy === 'canary' ? 'canary' : 'new version';
  // A running step's note must not read as a pause: another run would take the live run for a waiting one.
  const said = point.paused ? (note === '' ? 'paused until the next run' : `paused: ${note}`) : note.replace(/^paused/, 'Paused');
  return `${who} ${point.canaryWeight}% · step ${point.step}/${point.total} · ${said}`;
}

const STEP_POINT = /^(canary|new version) (0|[1-9]\d?|100)% · step ([1-9]\d*)\/([1-9]\d*) ·(?: |…$)/;
const PROMOTING_POINT = /^promoting · ([1-9]\d*)\/\1 steps passed$/;

/**
 * Reads back what formatResumePoint wrote, also cut to GitHub's 140 characters (cutDescription
 * may drop the space after the last `·` when the note starts with a combining mark); undefined
 * for any other text.
 */
export function parseResumePoint(description: string): ResumePoint | undefined {
  const promoting = PROMOTING_POINT.exec(description);
  if (promoting) return { phase: 'promoting', total: Number(promoting[1]) };
  const match = STEP_POINT.exec(description);
  if (!match) return undefined;
  const [, who, weight, step, total] = match;
  if (Number(step) > Number(total)) return undefined;
  return {
    phase: 'step',
    strategy: who === 'canary' ? 'canary' : 'blue-green',
    step: Number(step),
    total: Number(total),
    canaryWeight: Number(weight),
    paused: description.startsWith('paused', match[0].length),
  };
}

/** The canary's share a status description records, when it is a step's resume point (what a job that stopped last saw). */
export function recordedCanaryWeight(description: string): number | undefined {
  const point = parseResumePoint(description);
  return point?.phase === 'step' ? point.canaryWeight : undefined;
}
