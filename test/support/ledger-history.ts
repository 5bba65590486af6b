import { PAYLOAD_SCHEMA, succeededAndStood } from '../../src/core/ledger/index.js';
import type { DeploymentPayload, DeploymentState } from '../../src/core/ledger/index.js';
import type { GitHubSimulator } from '../../testkit/github-sim/index.js';

// Builds deployment histories in the GitHub simulator fast (no HTTP), with slipway/v1 payloads
// whose `previousGood` lineage is what Slipway itself would have written: for the ledger's
// integration tests and for bench/ledger.bench.ts.

/** A run of the same kind of deployment to add. */
export interface HistoryEntry {
  /** Statuses in order (default in_progress, success). */
  states?: DeploymentState[];
  task?: 'deploy' | 'deploy:promote' | 'deploy:rollback';
  rollbackOf?: number;
  /** A deployment Slipway did not make (no slipway/v1 payload). */
  foreign?: boolean;
  digest?: string;
  /** Leave `previousGood` and `lastIrreversible` out (a payload from before the pointers existed). */
  withoutLineage?: boolean;
  /** Mark them irreversible (e.g. a contract-phase migration). */
  irreversible?: boolean;
  /** When they were created (default: now, as the simulator keeps creation times in order). */
  createdAt?: Date;
}

/** A deployment history of one environment in the simulator, newest last. */
export class HistoryBuilder {
  /** Ids in creation order. */
  readonly ids: number[] = [];
  /** The last good deployment as Slipway would compute it now. */
  lastGood: number | null = null;
  /** The newest irreversible deployment so far, as Slipway's `lastIrreversible` pointer names it. */
  lastIrreversible: number | null = null;
  private readonly previousOf = new Map<number, number | null>();

  constructor(private readonly sim: GitHubSimulator, readonly environment: string) {}

  /** Adds `count` deployments of one kind; returns their ids. */
  add(count: number, entry: HistoryEntry = {}): number[] {
    const added: number[] = [];
    const states = entry.states ?? ['in_progress', 'success'];
    for (let i = 0; i < count; i++) {
      // A rollback replaces what the rolled-back deployment replaced.
      const previous = entry.rollbackOf !== undefined && entry.rollbackOf === this.lastGood ? (this.previousOf.get(entry.rollbackOf) ?? null) : this.lastGood;
      const payload: DeploymentPayload = {
        schema: PAYLOAD_SCHEMA,
        source: { sha: 'a'.repeat(40), ref: 'refs/heads/main', runId: 1000 + this.ids.length, runAttempt: 1, actor: 'octocat', workflow: 'deploy' },
        ...(entry.withoutLineage ? {} : { previousGood: previous, lastIrreversible: this.lastIrreversible }),
        ...(entry.irreversible ? { irreversible: true } : {}),
        ...(entry.rollbackOf === undefined ? {} : { rollbackOf: entry.rollbackOf }),
        ...(entry.digest ? { artifact: { ref: `app@${entry.digest}`, digest: entry.digest } } : {}),
      };
      const [id] = this.sim.seedDeployments(1, {
        environment: this.environment,
        task: entry.task ?? 'deploy',
        payload: entry.foreign ? { deployedBy: 'someone else' } : payload,
        creator: entry.foreign ? 'other-tool[bot]' : 'github-actions[bot]',
        states,
        ...(entry.createdAt ? { createdAt: () => entry.createdAt as Date } : {}),
      });
      this.ids.push(id);
      added.push(id);
      this.previousOf.set(id, previous);
      this.lastGood = previous;
      if (entry.irreversible) this.lastIrreversible = id;
      if (!entry.foreign && succeededAndStood([...states].reverse().map((state) => ({ state })))) this.lastGood = id;
    }
    return added;
  }
}
