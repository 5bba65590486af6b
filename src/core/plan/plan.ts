/**
 * The rollout plan (docs/architecture.md; the format is documented in docs/rollout.md): what
 * the root `rollout` action runs, parsed from YAML by parse.ts and checked by validate.ts.
 */
import type { PlanDeploy, Slot } from '../deploy/types.js';
import type { MetricDefinition } from '../metrics/metrics-config.js';
import type { SourceSettings } from '../metrics/source-settings.js';
import type { NotifySettings } from '../notify/settings.js';
import type { LabelMatcher } from '../metrics/template.js';
import type { HeaderRoute } from '../traffic/types.js';

/** How the new version takes over: weighted steps, or a preview then one atomic switch. */
export type Strategy = 'canary' | 'blue-green';

/** What a failed analysis (or smoke check) does: traffic back to stable, or hold for a human. */
export type FailurePolicy = 'rollback' | 'pause';

/** Sends `weight` percent of traffic to the new version. */
export interface SetWeightStep {
  kind: 'setWeight';
  weight: number;
}

/** Waits `durationSeconds`; open-ended (undefined) ends the run `paused` until a later run resumes it. */
export interface PauseStep {
  kind: 'pause';
  durationSeconds?: number;
}

/** Judges the new version against the baseline for `durationSeconds` (early stop when decided). */
export interface AnalysisStep {
  kind: 'analysis';
  durationSeconds: number;
  /** Overrides the plan's analysis interval for this step. */
  intervalSeconds?: number;
}

/**
 * Routes requests carrying a header (or cookie) to the new version; null clears the route. Argo
 * Rollouts' `setHeaderRoute`: `name` is the route's, `match` its header (docs/migrating-from-argo-rollouts.md).
 */
export interface HeaderRouteStep {
  kind: 'setHeaderRoute';
  name: string;
  route: HeaderRoute | null;
}

/** Mirrors `percentage` of requests to the new version, responses discarded (0 removes the mirror). Argo Rollouts' `setMirrorRoute`. */
export interface MirrorRouteStep {
  kind: 'setMirrorRoute';
  name: string;
  percentage: number;
}

/** Blue-green: makes the new version reachable through a header route before the switch. */
export interface PreviewStep {
  kind: 'preview';
  route: HeaderRoute;
}

/** An HTTP GET that must answer `expectStatus` (default 200) within `timeoutSeconds` (default 10). */
export interface SmokeCheckStep {
  kind: 'smokeCheck';
  url: string;
  expectStatus: number;
  headers: Record<string, string>;
  timeoutSeconds: number;
}

/** Blue-green: all traffic to the new version at once; the old one stays up for an instant switch back. */
export interface SwitchStep {
  kind: 'switch';
}

/** One step of a plan, with the (1-based) line of the plan file it came from. */
export type PlanStep = (SetWeightStep | PauseStep | AnalysisStep | HeaderRouteStep | MirrorRouteStep | PreviewStep | SmokeCheckStep | SwitchStep) & {
  line?: number;
};

/** The plan's `analysis:` block: where metrics come from and how they are judged. */
export interface PlanAnalysis {
  /** Where the metrics are read (`source:`, or `prometheus:` for a Prometheus URL). */
  source: SourceSettings;
  /** The metric definitions, in the shared metrics format (src/core/metrics/metrics-config.ts). */
  metrics: MetricDefinition[];
  /** Seconds between two looks at the metrics. Default 60. */
  intervalSeconds: number;
  /** False-alarm rate of each test. Default 0.01. */
  alpha?: number;
  /** What missing data makes of the verdict. Default 'inconclusive'. */
  onNoData?: 'fail' | 'inconclusive';
  /** A rate metric undecided at the end: passes when the data could have caught its `detect` ratio, or stays inconclusive. Default 'pass'. */
  onUndecided?: 'pass' | 'inconclusive';
  /** Failed intervals in a row after which an analysis stops without data. Default 4; 0 never stops. */
  consecutiveErrorLimit?: number;
  /** Seconds of the baseline's error counts read before each analysis (`history`). Default 1800; 0 reads none. */
  historySeconds?: number;
  /** Label matchers of the series the history is read from (`historySelector`). Default: the baseline's. */
  historySelector?: LabelMatcher[];
  /** Prometheus label matchers of the new version and of the baseline (`canarySelector`, `baselineSelector`). */
  canary: LabelMatcher[];
  baseline: LabelMatcher[];
}

/** A validated rollout plan. */
export interface RolloutPlan {
  strategy: Strategy;
  /**
   * The traffic provider and its settings, handed to the traffic registry. With `slots`, the
   * stable and canary settings are the slots' (the first slot stable, the second canary); a
   * rollout turns them to the slots it picks (slotRouterSettings, slots.ts).
   */
  router: { provider: string; settings: Record<string, unknown> };
  /** The two places versions take turns in, in the plan's order: the first takes an environment's first release. */
  slots?: [Slot, Slot];
  /** How the new version is started in the canary slot before any traffic moves (needs `slots`). */
  deploy?: PlanDeploy;
  analysis?: PlanAnalysis;
  steps: PlanStep[];
  /** Default 'rollback'. */
  onFailure: FailurePolicy;
  /** Default 'pause': an inconclusive analysis is never a pass. */
  onInconclusive: FailurePolicy;
  /** Where the rollout's events are posted (docs/notifications.md); default nowhere. */
  notify?: NotifySettings;
}
