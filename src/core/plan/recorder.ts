import type { Clock } from '../analysis/clock.js';
import { errorMessage, SlipwayError } from '../errors.js';
import type { JudgeReport, Verdict } from '../judge/types.js';
import type { Ledger, StatusRequest } from '../ledger/types.js';
import type { Logger } from '../log.js';
import { stepLabel } from './describe.js';
import { HEARTBEAT_MS } from './liveness.js';
import type { RolloutPlan } from './plan.js';
import { formatResumePoint } from './resume-point.js';
import { withRetry, type RetryPolicy } from '../retry.js';

// Everything a rollout writes goes through one recorder: the deployment's statuses (each one a
// heartbeat and a resume point), the progress table the PR comment renders, and each step's
// record in it. The engine and the step handlers say what happened; the recorder writes it.

/** How a rollout ended. */
export type RolloutResult = 'promoted' | 'rolled-back' | 'paused';

/** One step as the progress table shows it. */
export interface StepRecord {
  index: number;
  label: string;
  state: 'pending' | 'running' | 'done' | 'failed' | 'paused';
  /** The canary's share once the step ran. */
  canaryWeight?: number;
  verdict?: Verdict;
  score?: number;
  note?: string;
}

/** Where a rollout stands; handed to `onProgress` after every change (the PR comment renders it). */
export interface RolloutProgress {
  environment: string;
  imageRef: string;
  strategy: RolloutPlan['strategy'];
  deploymentId?: number;
  steps: StepRecord[];
  result?: RolloutResult;
  reason?: string;
  /** Every analysis report, in step order. */
  reports: { stepIndex: number; report: JudgeReport }[];
}

/** The end of a run: the result, the deployment, and the progress it made. */
export interface RolloutOutcome extends RolloutProgress {
  result: RolloutResult;
  deploymentId: number;
  reason: string;
  /** The `deploy:rollback` deployment recorded when the rollout rolled back. */
  rollbackDeploymentId?: number;
}

/** What the recorder writes to, and about what. */
export interface RecorderOptions {
  plan: RolloutPlan;
  environment: string;
  /** The artifact rolled out, as the progress table and the logs name it. */
  imageRef: string;
  environmentUrl?: string;
  ledger: Ledger;
  logger: Logger;
  /** Waits between the tries at the final `success`. */
  clock: Clock;
  /** Most time between two statuses (default HEARTBEAT_MS). */
  heartbeatMs?: number;
  onProgress?: (progress: RolloutProgress) => void | Promise<void>;
}

/**
 * Tries at the final `success` (each also retried by the GitHub client) before the run says it
 * could not record it: three, 5 s then 10 s apart.
 */
const FINAL_STATUS_RETRY: RetryPolicy = { attempts: 3, firstDelayMs: 5_000, multiplier: 2, maxDelayMs: 10_000 };

/** The deployment statuses, progress table and step records of one rollout run. */
export class RolloutRecorder {
  /** The table handed to `onProgress`: one object, updated in place, for the whole run. */
  readonly progress: RolloutProgress;
  private weight: number | undefined;
  private index = 0;
  private deploymentId?: number;
  private heartbeat?: Heartbeat;

  constructor(private readonly options: RecorderOptions) {
    const { plan } = options;
    this.progress = {
      environment: options.environment,
      imageRef: options.imageRef,
      strategy: plan.strategy,
      steps: plan.steps.map((step, index) => ({ index, label: stepLabel(step), state: 'pending' })),
      reports: [],
    };
  }

  /** An earlier run already promoted the artifact: every step reads done. */
  allStepsDone(): void {
    this.progress.steps.forEach((record) => (record.state = 'done'));
  }

  /**
   * The run drives `deploymentId` from step `startIndex` on: the steps before it read done, and
   * from now on every status is a heartbeat, written again through a long pause or analysis so
   * another run can tell this one alive from one whose runner was lost.
   */
  open(deploymentId: number, startIndex: number): void {
    this.deploymentId = deploymentId;
    this.progress.deploymentId = deploymentId;
    this.progress.steps.slice(0, startIndex).forEach((record) => (record.state = 'done'));
    this.heartbeat = startHeartbeat(this.options, deploymentId);
  }

  /** The canary's share where the run stands: what each status names, and what an abort last saw (undefined before the router was read). */
  get canaryWeight(): number | undefined {
    return this.weight;
  }

  /** The router now sends `canaryWeight` percent to the new version. */
  trafficAt(canaryWeight: number): void {
    this.weight = canaryWeight;
  }

  /** Step `index` begins: it reads running, and the statuses from now on name it. Returns its label. */
  startStep(index: number): string {
    this.index = index;
    this.step.state = 'running';
    return this.step.label;
  }

  /** Writes where the run stands, at the current step: `canary 25% · step 3/6 · <note>`. */
  async status(note: string): Promise<void> {
    await this.writeInProgress(formatResumePoint({ ...this.stepPoint(), paused: false }, note));
  }

  /** Hands the progress table to `onProgress`. */
  async publish(): Promise<void> {
    await this.options.onProgress?.(this.progress);
  }

  /** The current step's analysis ended with `report`: its verdict, score and first reason go in the table. */
  analysed(report: JudgeReport): void {
    this.progress.reports.push({ stepIndex: this.index, report });
    Object.assign(this.step, { verdict: report.verdict, score: report.score, note: report.reasons[0] });
  }

  /** A note on the current step in the table (what its smoke check saw). */
  note(text: string): void {
    this.step.note = text;
  }

  /** The current step ran (whether it passed or not): the table shows the weight it left. */
  stepRan(): void {
    this.step.canaryWeight = this.canaryWeight;
  }

  /** The current step passed. */
  async stepDone(): Promise<void> {
    this.step.state = 'done';
    await this.publish();
  }

  /** The current step failed; what follows (a rollback) is the engine's. */
  stepFailed(): void {
    this.step.state = 'failed';
  }

  /**
   * The run stops at the current step on purpose and waits for a later run: with a reason (a
   * policy of pause) or without (an open-ended pause, "paused until the next run").
   */
  async pause(reason?: string): Promise<void> {
    this.step.state = 'paused';
    await this.writeInProgress(formatResumePoint({ ...this.stepPoint(), paused: true }, reason));
  }

  /**
   * The deploy step runs (before any traffic moves): written as is, not a resume point, so a run
   * that stops here starts again from the deploy, which converges.
   */
  async deploying(note: string): Promise<void> {
    await this.writeInProgress(note);
  }

  /** The run stops before any traffic moved (a deploy that failed or never became ready): the final status says so. */
  async stoppedBeforeTraffic(state: 'failure' | 'error', description: string): Promise<void> {
    const deploymentId = this.opened();
    await this.stopHeartbeat();
    await this.options.ledger.setStatus(deploymentId, { state, description, environmentUrl: this.options.environmentUrl });
  }

  /** Every step passed and the router is about to promote: a run that stops from here on promotes again. */
  async promoting(): Promise<void> {
    await this.writeInProgress(formatResumePoint({ phase: 'promoting', total: this.options.plan.steps.length }));
  }

  /** No heartbeat after this; resolves once the one in flight, if any, has landed (before a final status). */
  async stopHeartbeat(): Promise<void> {
    await this.heartbeat?.stop();
  }

  /** Writes the final `success` (default `promoted · <strategy> · N/N steps`), retried; when GitHub still refuses, says so without touching traffic. */
  async promoted(description?: string): Promise<void> {
    const { plan, ledger, clock, logger, imageRef } = this.options;
    const deploymentId = this.opened();
    await this.stopHeartbeat();
    const success = { state: 'success' as const, description: description ?? `promoted · ${plan.strategy} · ${plan.steps.length}/${plan.steps.length} steps`, environmentUrl: this.options.environmentUrl };
    try {
      await withRetry(() => ledger.setStatus(deploymentId, success), {
        policy: FINAL_STATUS_RETRY,
        // Every refusal is worth another try: the traffic is already moved, only the record is missing.
        classify: () => ({}),
        onRetry: ({ error }) => logger.warning(`Recording success on deployment #${deploymentId} failed (${errorMessage(error)}); trying again.`),
        clock,
      });
    } catch (error) {
      throw new SlipwayError(
        `${imageRef} is promoted: all traffic is on it, and it stays there. Recording success on deployment #${deploymentId} failed ${FINAL_STATUS_RETRY.attempts} times (${errorMessage(error)}). ` +
          'Fix: run the rollout again once GitHub accepts writes; it resumes at the promotion and records success without moving traffic.',
      );
    }
  }

  /** The run ends: the result goes in the table, which is published and logged, and becomes the outcome. */
  async finish(result: RolloutResult, deploymentId: number, reason: string, extra: Partial<RolloutOutcome> = {}): Promise<RolloutOutcome> {
    Object.assign(this.progress, { result, reason });
    await this.publish();
    this.options.logger.info(`Rollout of ${this.options.imageRef} to ${this.options.environment}: ${result} (${reason}).`);
    return { ...this.progress, result, deploymentId, reason, ...extra };
  }

  private get step(): StepRecord {
    return this.progress.steps[this.index];
  }

  private stepPoint() {
    if (this.weight === undefined) throw new Error('unreachable: a step runs only once traffic was read');
    return { phase: 'step' as const, strategy: this.options.plan.strategy, step: this.index + 1, total: this.options.plan.steps.length, canaryWeight: this.weight };
  }

  private async writeInProgress(description: string): Promise<void> {
    if (!this.heartbeat) throw new Error('unreachable: a status is written only once the deployment exists');
    await this.heartbeat.status({ state: 'in_progress', description, environmentUrl: this.options.environmentUrl });
  }

  private opened(): number {
    if (this.deploymentId === undefined) throw new Error('unreachable: the deployment exists before it is promoted');
    return this.deploymentId;
  }
}

/** The status writer of a live rollout: every write is a heartbeat, and a quiet stretch re-writes the last one. */
interface Heartbeat {
  /** Writes an in_progress status (queued behind any heartbeat in flight). */
  status(request: StatusRequest): Promise<void>;
  /** No heartbeat after this; resolves once the one in flight, if any, has landed (before a final status). */
  stop(): Promise<void>;
}

function startHeartbeat(options: RecorderOptions, deploymentId: number): Heartbeat {
  const { ledger, logger } = options;
  const every = options.heartbeatMs ?? HEARTBEAT_MS;
  let last: StatusRequest | undefined;
  let lastAt = Date.now();
  let stopped = false;
  // One write at a time, in order: a heartbeat can never land after the status that ends the run.
  let queue: Promise<unknown> = Promise.resolve();
  const write = (request: StatusRequest) => {
    const written = queue.then(() => ledger.setStatus(deploymentId, request));
    queue = written.catch(() => undefined);
    return written;
  };
  const timer = setInterval(() => {
    if (stopped || !last || Date.now() - lastAt < every) return;
    lastAt = Date.now();
    write(last).catch((error: unknown) => logger.warning(`Heartbeat on deployment #${deploymentId} failed: ${errorMessage(error)}`));
  }, Math.min(every, 60_000));
  timer.unref?.();
  return {
    async status(request) {
      last = request;
      lastAt = Date.now();
      await write(request);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await queue;
    },
  };
}
