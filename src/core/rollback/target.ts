import { InputError, SlipwayError } from '../errors.js';
import { wentLive } from '../ledger/open.js';
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
  /**
   * Slipway deployments between target (exclusive) and bad (exclusive), newest first, as far as
   * the decision read them: all of them for `previous` and a digest; for a deployment id only
   * those on the environment's newest page (the rollback undoes every one in between either way).
   */
  passed: LedgerDeployment[];
  /** False when `passed` stops short of the target (a far-back `to: <id>`); absent: every one was read. */
  complete?: boolean;
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
  // `inactive` is what GitHub makes of a success that a newer success superseded: still good.
  return Boolean(deployment.payload?.artifact) && wentLive(deployment.latestStatus?.state);
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
  /** Where the deployments read end, when they did not reach the target (`to: <id>` far back). */
  let unread: { edge: LedgerDeployment; target: LedgerDeployment } | null = null;
  let complete = true;
  if (to.kind === 'previous') {
    ({ bad, target, passed } = await previousGood(ledger, environment, bad, logger));
    if (bad && !options.bad && bad.task === 'deploy:rollback' && bad.latestStatus?.state === 'success') return { already: bad };
  } else {
    ({ bad, target, passed, complete } = to.kind === 'deployment' ? await chosenTarget(ledger, environment, to.id, bad) : await newestOfDigest(ledger, environment, to.digest, bad));
    if (bad && !target) {
      throw new RollbackRefusedError(`Cannot roll back ${environment} to ${to.kind === 'digest' ? to.digest : to.id}: the ledger shows no successful deployment of that digest there. Only a version that once succeeded in ${environment} can be restored.`);
    }
    if (bad && target && (target.id === bad.id || sameArtifact(target, bad))) {
      // The newest deployment ships the target's artifact: nothing to do when it stands.
      if (target.id !== bad.id && !bad.latestStatus) bad = { ...bad, latestStatus: await ledger.latestStatus(bad.id) };
      if (target.id === bad.id || bad.latestStatus?.state === 'success') return { already: bad };
    }
    if (bad && target && !complete) unread = { edge: passed.at(-1) ?? bad, target };
  }
  if (!bad) {
    throw new RollbackRefusedError(`Nothing to roll back in ${environment}: the ledger has no Slipway deployment there (see \`slipway history --environment ${environment}\`).`);
  }
  if (!target && !options.allowNoTarget) {
    throw new RollbackRefusedError(`No good version to roll back to in ${environment}: no deployment before #${bad.id} succeeded there. Deploy a fixed version instead.`);
  }
  const blocker = [bad, ...passed].find((d) => d.payload?.irreversible) ?? (unread && (await irreversibleBeyond(ledger, environment, unread.edge, unread.target, logger)));
  if (blocker && !options.force) {
    throw new RollbackRefusedError(
      `Refusing to roll back ${environment} past deployment #${blocker.id} (${blocker.payload?.artifact?.ref ?? blocker.sha}): its payload marks it irreversible ` +
        `(for example a contract-phase schema migration), so the older version may not work with what it changed. Roll forward with a fix, or set \`force: true\` if the older version is known to be safe.`,
    );
  }
  if (blocker) logger.warning(`Rolling back past irreversible deployment #${blocker.id} because force is set.`);
  return { bad, target, passed, ...(complete ? {} : { complete }) };
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

/**
 * `to: <id>`: the target read by id (its deployment and latest status), and the newest page of the
 * environment (payloads only) for the bad deployment — the given one, else the newest Slipway
 * deployment whatever its state, as for `previous` — and the deployments in between that it shows.
 * Three requests however far back the target is; `complete` says whether the page reached it.
 */
async function chosenTarget(ledger: Ledger, environment: string, id: number, given: LedgerDeployment | null) {
  const target = await chosenDeployment(ledger, environment, id);
  let bad = given;
  const passed: LedgerDeployment[] = [];
  let complete = false;
  for await (const deployment of ledger.history(environment, { statuses: false, pages: 1 })) {
    if (!bad) bad = deployment;
    else if (deployment.id <= target.id) {
      complete = true;
      break;
    } else if (deployment.id < bad.id) passed.push(deployment);
  }
  return { bad, target, passed, complete: complete || bad?.id === target.id };
}

/**
 * `to: sha256:…`: the newest deployment of the digest that was not rolled back (a later
 * `rollbackOf` names it) and whose latest status is success or inactive. Reads pages of payloads
 * back to it, and the status of each candidate (usually one): a page per 100 deployments, plus one.
 */
async function newestOfDigest(ledger: Ledger, environment: string, digest: string, given: LedgerDeployment | null) {
  let bad = given;
  const passed: LedgerDeployment[] = [];
  const rolledBack = new Set<number>();
  for await (const deployment of ledger.history(environment, { statuses: false })) {
    // A rollback is always newer than what it rolls back: reading newest first sees it first.
    if (deployment.payload?.rollbackOf !== undefined) rolledBack.add(deployment.payload.rollbackOf);
    if (!bad) bad = deployment;
    else if (deployment.id < bad.id) {
      if (deployment.payload?.artifact?.digest === digest && !rolledBack.has(deployment.id)) {
        const withStatus = { ...deployment, latestStatus: await ledger.latestStatus(deployment.id) };
        if (isGood(withStatus)) return { bad, target: withStatus, passed, complete: true };
      }
      passed.push(deployment);
    }
  }
  return { bad, target: null, passed, complete: true };
}

/**
 * The newest irreversible deployment between `target` and `edge` (both exclusive), which the
 * decision did not read: `edge`'s `lastIrreversible` pointer says, at the cost of reading that one
 * deployment when it blocks. A payload from before the pointer existed costs a walk of the pages
 * back to the target (payloads only).
 */
async function irreversibleBeyond(ledger: Ledger, environment: string, edge: LedgerDeployment, target: LedgerDeployment, logger: Logger): Promise<LedgerDeployment | null> {
  const pointer = edge.payload?.lastIrreversible;
  if (pointer === null || (typeof pointer === 'number' && pointer <= target.id)) return null;
  if (typeof pointer === 'number') {
    // Deleted since: still named, so the refusal says which one it was.
    return (await ledger.getDeployment(pointer)) ?? { ...edge, id: pointer, sha: 'deleted since', payload: null, latestStatus: null };
  }
  logger.info(`Deployment #${edge.id} predates the lastIrreversible pointer; reading the history of ${environment} back to #${target.id} for irreversible deployments.`);
  for await (const deployment of ledger.history(environment, { statuses: false })) {
    if (deployment.id <= target.id) break;
    if (deployment.id < edge.id && deployment.payload?.irreversible) return deployment;
  }
  return null;
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

function sameArtifact(a: LedgerDeployment, b: LedgerDeployment): boolean {
  return Boolean(a.payload?.artifact && a.payload.artifact.digest === b.payload?.artifact?.digest);
}
