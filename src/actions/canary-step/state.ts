import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { State } from './constants.js';

// All of canary-step's saved state. Two kinds:
// - the step's own state (core.saveState), read back by its post step: did it move traffic?
// - a job-wide note per router in RUNNER_TEMP (shared by every step of one job, emptied between
//   jobs), holding the last thing any canary-step did to that router in this job. A post step
//   reads it to tell "the job promoted (or aborted) after I moved traffic" from "it never did".

/** Saves that this step moved traffic to the canary, and the weight it left. */
export function saveMoved(weight: number): void {
  core.saveState(State.Moved, 'true');
  core.saveState(State.Weight, String(weight));
}

/** What the main step saved: whether it moved traffic, and to which weight. */
export function readMoved(): { moved: boolean; weight?: number } {
  const weight = core.getState(State.Weight);
  return { moved: core.getState(State.Moved) === 'true', weight: weight === '' ? undefined : Number(weight) };
}

/** The last step the job took on one router. */
export interface JobNote {
  /** set-weight, promote, abort, switch, switch-back, or reverted (by a post step). */
  action: string;
  weight: number;
}

/** Whether the job's last step on the router left the rollout finished (nothing for a post step to undo). */
export function settled(note: JobNote | undefined): boolean {
  return note !== undefined && (['promote', 'abort', 'switch-back', 'reverted'].includes(note.action) || note.weight === 0);
}

/** Records the job's latest step on the router. */
export function writeJobNote(routerKey: string, note: JobNote): void {
  writeFileSync(notePath(routerKey), JSON.stringify(note));
}

/** The job's latest step on the router, if any step of this job touched it. */
export function readJobNote(routerKey: string): JobNote | undefined {
  try {
    return JSON.parse(readFileSync(notePath(routerKey), 'utf8')) as JobNote;
  } catch {
    return undefined;
  }
}

/**
 * A stable key for "the same router": provider and settings, canonical — keys sorted at every
 * depth — so two steps that write the same settings in another order (or YAML and JSON) share it,
 * and a post step never mistakes a promoted router for one nobody finished.
 */
export function routerKey(provider: string, settings: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify([provider, canonical(settings)])).digest('hex').slice(0, 16);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
}

function notePath(key: string): string {
  return join(process.env.RUNNER_TEMP || tmpdir(), `slipway-canary-step-${key}.json`);
}
