import { InputError, SlipwayError } from '../errors.js';
import type { Ledger, LedgerDeployment } from '../ledger/types.js';
import { silentLogger, type Logger } from '../log.js';

/** Where to roll back to: the last good version before the bad one, a chosen deployment, or a digest. */
export type RollbackTo = { kind: 'previous' } | { kind: 'deployment'; id: number } | { kind: 'digest'; digest: string };

/** Rolling back is not possible or not allowed; the message says why and what to do. */
export class RollbackRefusedError extends SlipwayError {
  override readonly name = 'RollbackRefusedError';
}

/** What a rollback will do: take `bad` out, put `target` back, and the deployments it passes over. */
export interface RollbackDecision {
  bad: LedgerDeployment;
  /** Null only when the caller allowed it (`allowNoTarget`): traffic goes back, nothing is redeployed. */
  target: LedgerDeployment | null;
  /** Deployments between target (exclusive) and bad (inclusive) that the rollback undoes. */
  passed: LedgerDeployment[];
}

/** The result when there is nothing to do: the environment already runs the target (idempotent re-run). */
export interface AlreadyRolledBack {
  already: LedgerDeployment;
}

/** Parses the `to` input: `previous` (default), a deployment id, or `sha256:<64 hex>`. */
export function parseRollbackTo(value: string | undefined, input = 'to'): RollbackTo {
  const text = (value ?? '').trim();
  if (text === '' || text === 'previous') return { kind: 'previous' };
  if (/^\d+$/.test(text) && Number(text) > 0) return { kind: 'deployment', id: Number(text) };
  const digest = /^(?:.*@)?(sha256:[0-9a-f]{64})$/.exec(text);
  if (digest) return { kind: 'digest', digest: digest[1] };
  throw new InputError(input, text, '`previous`, a deployment id (e.g. 1234) or a digest `sha256:<64 hex>`', 'see the Deployments page or `slipway history` for ids and digests');
}

/** A deployment Slipway made that shipped an artifact and succeeded without being rolled back since. */
export function isGood(deployment: LedgerDeployment): boolean {
  const state = deployment.latestStatus?.state;
  // `inactive` is what GitHub makes of a success that a newer success superseded: still good.
  return Boolean(deployment.payload?.artifact) && (state === 'success' || state === 'inactive');
}

/**
 * Decides what a rollback in `environment` does, reading the ledger only (nothing is changed).
 * `previous` follows the bad deployment's `previousGood` lineage (a constant number of requests)
 * and scans the history only when the lineage is broken. Refuses with a RollbackRefusedError when
 * there is no good version, or when a passed deployment is marked irreversible and `force` is off.
 */
export async function decideRollback(
  ledger: Ledger,
  environment: string,
  to: RollbackTo,
  options: { bad?: LedgerDeployment; force?: boolean; allowNoTarget?: boolean; logger?: Logger } = {},
): Promise<RollbackDecision | AlreadyRolledBack> {
  const logger = options.logger ?? silentLogger;
  let bad = options.bad ?? null;
  let target: LedgerDeployment | null;
  let passed: LedgerDeployment[];
  if (to.kind === 'previous') {
    ({ bad, target, passed } = await previousGood(ledger, environment, bad, logger));
    if (bad && !options.bad && bad.task === 'deploy:rollback' && bad.latestStatus?.state === 'success') return { already: bad };
  } else {
    bad = bad ?? (await ledger.current(environment));
    target = bad && (to.kind === 'deployment' ? await chosenDeployment(ledger, environment, to.id) : await ledger.findSuccessfulByDigest(environment, to.digest));
    if (bad && !target) {
      throw new RollbackRefusedError(`Cannot roll back ${environment} to ${to.kind === 'digest' ? to.digest : to.id}: the ledger shows no successful deployment of that digest there. Only a version that once succeeded in ${environment} can be restored.`);
    }
    if (bad && target && (target.id === bad.id || sameArtifact(target, bad))) return { already: bad };
    passed = bad && target ? await between(ledger, environment, bad, target) : [];
  }
  if (!bad) {
    throw new RollbackRefusedError(`Nothing to roll back in ${environment}: the ledger has no Slipway deployment there (see \`slipway history --environment ${environment}\`).`);
  }
  if (!target && !options.allowNoTarget) {
    throw new RollbackRefusedError(`No good version to roll back to in ${environment}: no deployment before #${bad.id} succeeded there. Deploy a fixed version instead.`);
  }
  const blocker = [bad, ...passed].find((d) => d.payload?.irreversible);
  if (blocker && !options.force) {
    throw new RollbackRefusedError(
      `Refusing to roll back ${environment} past deployment #${blocker.id} (${blocker.payload?.artifact?.ref ?? blocker.sha}): its payload marks it irreversible ` +
        `(for example a contract-phase schema migration), so the older version may not work with what it changed. Roll forward with a fix, or set \`force: true\` if the older version is known to be safe.`,
    );
  }
  if (blocker) logger.warning(`Rolling back past irreversible deployment #${blocker.id} because force is set.`);
  return { bad, target, passed };
}

/**
 * Walks the history newest first, reading payloads only: the bad deployment is the given one,
 * else the newest Slipway deployment whatever its state (a canary still in progress, one an
 * analysis failed, or a promoted version found bad later); the target is the deployment its
 * `previousGood` names, or that one's own previousGood when it did not stand. On an intact lineage
 * this costs one page and the latest status of the target: the deployments on the way are judged
 * by their payloads. A pointer that leads nowhere (a foreign or deleted deployment) turns the walk
 * into a scan for the first good one. A newest deployment that is a finished rollback means there
 * is nothing left to do (re-runs converge).
 */
async function previousGood(ledger: Ledger, environment: string, given: LedgerDeployment | null, logger: Logger) {
  let bad = given;
  const passed: LedgerDeployment[] = [];
  let wanted = given?.payload?.previousGood;
  let scan = false;
  if (given && wanted === null) return { bad, target: null, passed };
  for await (const deployment of ledger.history(environment, { statuses: false })) {
    if (!bad) {
      bad = deployment;
      if (bad.task === 'deploy:rollback') {
        bad = { ...bad, latestStatus: await ledger.latestStatus(bad.id) };
        if (bad.latestStatus?.state === 'success') return { bad, target: null, passed };
      }
      wanted = bad.payload?.previousGood;
      if (wanted === null) break;
      continue;
    }
    if (deployment.id >= bad.id) continue;
    if (typeof wanted !== 'number') scan = true;
    else if (!scan && deployment.id < wanted) {
      logger.info(`The lineage of deployment #${bad.id} is broken (deployment #${wanted} is foreign or deleted); scanning the history of ${environment}.`);
      scan = true;
    }
    if (scan || deployment.id === wanted) {
      const withStatus = { ...deployment, latestStatus: await ledger.latestStatus(deployment.id) };
      if (isGood(withStatus)) return { bad, target: withStatus, passed };
    }
    passed.push(deployment);
    if (!scan && deployment.id === wanted) {
      wanted = deployment.payload?.previousGood;
      if (wanted === null) break;
    }
  }
  return { bad, target: null, passed };
}

async function chosenDeployment(ledger: Ledger, environment: string, id: number): Promise<LedgerDeployment> {
  const deployment = await ledger.getDeployment(id);
  if (!deployment) throw new RollbackRefusedError(`Cannot roll back to deployment ${id}: it does not exist in this repository.`);
  if (deployment.environment !== environment) throw new RollbackRefusedError(`Cannot roll back ${environment} to deployment ${id}: it was a deployment to ${deployment.environment}.`);
  if (!deployment.payload?.artifact) throw new RollbackRefusedError(`Cannot roll back to deployment ${id}: Slipway did not make it, so the ledger does not know its artifact.`);
  if (!isGood(deployment)) {
    throw new RollbackRefusedError(`Cannot roll back to deployment ${id}: its latest status is ${deployment.latestStatus?.state ?? 'none'}, not success; only a version that succeeded and was not rolled back can be restored.`);
  }
  return deployment;
}

/** The Slipway deployments older than `bad`, newest first (history pages are read as needed). */
async function* olderThan(ledger: Ledger, environment: string, bad: LedgerDeployment): AsyncIterable<LedgerDeployment> {
  let seen = false;
  for await (const deployment of ledger.history(environment)) {
    if (seen) yield deployment;
    else if (deployment.id === bad.id || deployment.createdAt < bad.createdAt) {
      seen = true;
      if (deployment.id !== bad.id) yield deployment;
    }
  }
}

async function between(ledger: Ledger, environment: string, bad: LedgerDeployment, target: LedgerDeployment): Promise<LedgerDeployment[]> {
  const passed: LedgerDeployment[] = [];
  for await (const deployment of olderThan(ledger, environment, bad)) {
    if (deployment.id === target.id) break;
    passed.push(deployment);
  }
  return passed;
}

function sameArtifact(a: LedgerDeployment, b: LedgerDeployment): boolean {
  return Boolean(a.payload?.artifact && a.payload.artifact.digest === b.payload?.artifact?.digest);
}
