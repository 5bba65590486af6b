import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { context } from '@actions/github';
import { main, post, type RolloutCollaborators } from '../../../src/actions/rollout/main.js';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { parseCommandFile } from '../../support/action-runner.js';
import type { GitHubSimulator } from '../../../testkit/github-sim/index.js';

// The root rollout action run in this process, as the runner runs it (INPUT_*, GITHUB_* and the
// command files), against the GitHub simulator: the main step, then its post step with the state
// the main step saved. Collaborators (a router, a fast ledger) come from the test.

const ARTIFACT = `app@sha256:${'2'.repeat(64)}`;
let runs = 0;

export interface ActionStep {
  /** What the step failed with, if it did. */
  error?: Error;
  /** The state it saved for the post step. */
  state: Record<string, string>;
}

/** Sets the run's environment for one step; returns the state file to read back. */
function stepEnvironment(sim: GitHubSimulator, dir: string, planText: string, environment: string, state: Record<string, string>): string {
  const files = { GITHUB_OUTPUT: join(dir, `output-${++runs}`), GITHUB_STATE: join(dir, `state-${runs}`), GITHUB_STEP_SUMMARY: join(dir, `summary-${runs}`) };
  for (const file of Object.values(files)) writeFileSync(file, '');
  clearStepEnvironment();
  Object.assign(process.env, files, {
    GITHUB_REPOSITORY: `${sim.owner}/${sim.repo}`,
    GITHUB_API_URL: sim.url,
    GITHUB_SHA: 'c'.repeat(40),
    GITHUB_RUN_ID: '900',
    GITHUB_REF: 'refs/heads/main',
    INPUT_PLAN: planText,
    INPUT_ENVIRONMENT: environment,
    'INPUT_IMAGE-REF': ARTIFACT,
    INPUT_TOKEN: sim.token,
    ...Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value])),
  });
  // The runner starts every step as a new process, where @actions/github reads the run from this
  // environment as it loads; in this one process the run is read again for each step.
  Object.assign(context, Reflect.construct(context.constructor, []));
  return files.GITHUB_STATE;
}

async function runStep(step: typeof main, collaborators: RolloutCollaborators, stateFile: string): Promise<ActionStep> {
  const error = await step({ clock: new VirtualClock(), ...collaborators }).then(
    () => undefined,
    (thrown: unknown) => thrown as Error,
  );
  return { error, state: parseCommandFile(readFileSync(stateFile, 'utf8')) };
}

/** The main step of the rollout action. */
export function runRolloutMain(sim: GitHubSimulator, dir: string, planText: string, environment: string, collaborators: RolloutCollaborators): Promise<ActionStep> {
  return runStep(main, collaborators, stepEnvironment(sim, dir, planText, environment, {}));
}

/** The post step, handed the state the main step saved. */
export function runRolloutPost(sim: GitHubSimulator, dir: string, planText: string, environment: string, state: Record<string, string>, collaborators: RolloutCollaborators): Promise<ActionStep> {
  return runStep(post, collaborators, stepEnvironment(sim, dir, planText, environment, state));
}

/** Removes what a step set (INPUT_*, GITHUB_*, STATE_*), as the runner does between steps. */
export function clearStepEnvironment(): void {
  for (const name of Object.keys(process.env)) if (/^(INPUT_|GITHUB_|STATE_)/.test(name)) delete process.env[name];
}
