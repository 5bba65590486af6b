import { PAGE_SIZE, pagesOf, rawDeployment, statusesOf } from './history.js';
import type { ReadContext } from './history.js';
import { parsePayload } from './payload.js';
import { toLedgerDeployment } from './records.js';
import type { RawDeployment } from './records.js';
import type { DeploymentPayload, LedgerDeployment } from './types.js';

// "Last good": the newest deployment that reached `success` and was not rolled back. A deployment
// X counts as rolled back when a later deployment names it in `rollbackOf`, or when a failure or
// error status follows its success. Every Slipway deployment carries `previousGood`, the last good
// one it replaces, so the answer is found by walking that lineage from the newest deployment: one
// page of deployments plus the statuses of one or two of them, whatever the history's length.
// Readers verify every hop, so a stale pointer costs one more hop, never a wrong answer; a broken
// lineage (foreign or deleted deployments, payloads without the pointer) falls back to a scan.

/** Lineage hops followed before falling back to a scan (each costs one or two requests). */
const MAX_HOPS = 4;

/** A status as far as the rules care. */
interface HasState {
  state: string;
}

/** Whether statuses (newest first) show a `success` that no later `failure` or `error` undid. */
export function succeededAndStood(statuses: readonly HasState[]): boolean {
  let succeeded = false;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const state = statuses[i].state;
    if (state === 'success') succeeded = true;
    else if (succeeded && (state === 'failure' || state === 'error')) return false;
  }
  return succeeded;
}

/** Ids named by `rollbackOf` in these deployments: each was rolled back. */
export function rolledBackIn(page: readonly RawDeployment[]): Set<number> {
  const ids = new Set<number>();
  for (const raw of page) {
    const rollbackOf = parsePayload(raw.payload)?.rollbackOf;
    if (rollbackOf !== undefined) ids.add(rollbackOf);
  }
  return ids;
}

/** The newest Slipway deployment of a page (foreign ones are noted and skipped). */
function newestSlipway(context: ReadContext, page: readonly RawDeployment[]): { raw: RawDeployment; payload: DeploymentPayload } | null {
  for (const raw of page) {
    const payload = parsePayload(raw.payload);
    if (payload) return { raw, payload };
    context.foreign.skipped(raw);
  }
  return null;
}

/**
 * The `previousGood` of a deployment about to be created, from the environment's first page: the
 * newest Slipway deployment when it stood, else that one's own pointer (readers verify it).
 * null = there never was a good one; undefined = not knowable cheaply (readers will scan).
 */
export async function lineageHead(context: ReadContext, page: readonly RawDeployment[], rollbackOf?: number): Promise<number | null | undefined> {
  const newest = newestSlipway(context, page);
  if (!newest) return page.length < PAGE_SIZE ? null : undefined;
  const rolledBack = rolledBackIn(page);
  if (rollbackOf !== undefined) rolledBack.add(rollbackOf);
  if (!rolledBack.has(newest.raw.id)) {
    const statuses = await statusesOf(context, newest.raw.id);
    if (statuses === null) return undefined;
    if (succeededAndStood(statuses)) return newest.raw.id;
  }
  return newest.payload.previousGood;
}

/**
 * The `lastIrreversible` pointer of a deployment about to be created, from the environment's
 * first page: the newest Slipway deployment when it is irreversible, else its own pointer.
 * null = no irreversible deployment before; undefined = not knowable from this page.
 */
export function lastIrreversibleOf(context: ReadContext, page: readonly RawDeployment[]): number | null | undefined {
  const newest = newestSlipway(context, page);
  if (!newest) return page.length < PAGE_SIZE ? null : undefined;
  return newest.payload.irreversible ? newest.raw.id : newest.payload.lastIrreversible;
}

/** The last good deployment of an environment, by the lineage (constant cost) or else a scan. */
export async function lastGoodDeployment(context: ReadContext, page: readonly RawDeployment[], environment: string): Promise<LedgerDeployment | null> {
  const walked = await walkLineage(context, page, environment);
  if (walked !== 'broken') return walked;
  return scanForGood(context, environment, () => true);
}

async function walkLineage(context: ReadContext, page: readonly RawDeployment[], environment: string): Promise<LedgerDeployment | null | 'broken'> {
  const byId = new Map(page.map((raw) => [raw.id, raw]));
  const rolledBack = rolledBackIn(page);
  const newest = newestSlipway(context, page);
  if (!newest) return page.length < PAGE_SIZE ? null : 'broken';
  let { raw, payload } = newest;
  const seen = new Set<number>();
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    seen.add(raw.id);
    const statuses = await statusesOf(context, raw.id);
    if (statuses === null) return 'broken';
    if (!rolledBack.has(raw.id) && succeededAndStood(statuses)) return toLedgerDeployment(raw, statuses[0] ?? null);
    const previous = payload.previousGood;
    if (previous === null) return null;
    if (previous === undefined || seen.has(previous)) return 'broken';
    const next = byId.get(previous) ?? (await rawDeployment(context, previous));
    const nextPayload = next ? parsePayload(next.payload) : null;
    // A pointer out of the environment is a broken (hand-edited or corrupt) lineage, never an answer.
    if (!next || !nextPayload || next.environment !== environment) return 'broken';
    raw = next;
    payload = nextPayload;
  }
  return 'broken';
}

/**
 * The newest deployment accepted by `accept` that reached success and was not rolled back, by a
 * scan through every page (cost grows with how far back it is, not with the whole history).
 */
export async function scanForGood(context: ReadContext, environment: string, accept: (payload: DeploymentPayload) => boolean): Promise<LedgerDeployment | null> {
  const rolledBack = new Set<number>();
  for await (const page of pagesOf(context, environment)) {
    // A rollback is always newer than what it rolls back, so reading page by page sees it first.
    for (const id of rolledBackIn(page)) rolledBack.add(id);
    for (const raw of page) {
      const payload = parsePayload(raw.payload);
      if (!payload) {
        context.foreign.skipped(raw);
        continue;
      }
      if (rolledBack.has(raw.id) || !accept(payload)) continue;
      const statuses = await statusesOf(context, raw.id);
      if (statuses && succeededAndStood(statuses)) return toLedgerDeployment(raw, statuses[0] ?? null);
    }
  }
  return null;
}
