import type { PlanStep, RolloutPlan } from './plan.js';

/** A step in words, for logs, status descriptions and the PR comment: `setWeight 25%`, `analysis 2m`. */
export function stepLabel(step: PlanStep): string {
  switch (step.kind) {
    case 'setWeight':
      return `setWeight ${step.weight}%`;
    case 'pause':
      return step.durationSeconds === undefined ? 'pause (until the next run)' : `pause ${formatDuration(step.durationSeconds)}`;
    case 'analysis':
      return `analysis ${formatDuration(step.durationSeconds)}`;
    case 'setHeaderRoute':
      return step.route ? `header route ${step.route.name}: ${step.route.value}` : 'header route cleared';
    case 'mirror':
      return `mirror ${step.percent}%`;
    case 'preview':
      return `preview (${step.route.name}: ${step.route.value})`;
    case 'smokeCheck':
      return `smoke check ${step.url}`;
    case 'switch':
      return 'switch';
  }
}

/**
 * The in_progress status description of a step: `canary 25% · step 3/6 · analysis 2m`. A later
 * run reads `step 3/6` back (parseStepPosition) to resume where this one stood.
 */
export function stepDescription(plan: RolloutPlan, index: number, canaryWeight: number, note: string): string {
  const who = plan.strategy === 'canary' ? 'canary' : 'new version';
  return `${who} ${canaryWeight}% · step ${index + 1}/${plan.steps.length} · ${note}`;
}

/**
 * The in_progress status description written before the router promotes: every step passed. A
 * later run reads it back as position `total + 1`, so it promotes (idempotently) and records
 * success without running a step again or moving traffic back.
 */
export function promotingDescription(plan: RolloutPlan): string {
  return `promoting · ${plan.steps.length}/${plan.steps.length} steps passed`;
}

/** Where a status description written by stepDescription or promotingDescription stands. */
export interface StepPosition {
  /** 1-based step; `total + 1` once every step passed and the promotion began. */
  step: number;
  total: number;
  /** The canary's share the description names (not for promotingDescription). */
  canaryWeight?: number;
  /** The run stopped there on purpose and waits for a later one (an open-ended pause, a policy of pause). */
  paused?: boolean;
}

/** Reads back what stepDescription or promotingDescription wrote; undefined for any other text. */
export function parseStepPosition(description: string): StepPosition | undefined {
  const promoting = /^promoting · (\d+)\/\1 steps passed$/.exec(description);
  if (promoting) return { step: Number(promoting[1]) + 1, total: Number(promoting[1]) };
  const match = /^(?:canary|new version) (\d{1,3})% · step (\d+)\/(\d+) · (paused)?/.exec(description);
  return match ? { step: Number(match[2]), total: Number(match[3]), canaryWeight: Number(match[1]), paused: match[4] !== undefined } : undefined;
}

/** `90s`, `2m`, `1h`, `1m30s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}
