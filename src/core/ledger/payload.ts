import { parsePinnedReference } from '../artifact/reference.js';
import { PAYLOAD_SCHEMA } from './types.js';
import type { ArtifactInfo, CreateDeploymentRequest, DeploymentPayload, SourceInfo } from './types.js';
import { redact } from '../secrets/index.js';
import { isRecord } from '../objects.js';

// The slipway/v1 payload: built once when a deployment is created, parsed (strictly) whenever one
// is read back. Anything that is not a well-formed slipway/v1 payload is foreign and parses to null.

/** The longest description GitHub accepts on a deployment status. */
export const MAX_DESCRIPTION = 140;

/**
 * The artifact info of a digest-pinned reference (`name@sha256:<64 hex>`, the only reference
 * Slipway moves between stages); null when it is not one.
 */
export function artifactFromRef(ref: string, tags?: string[]): ArtifactInfo | null {
  try {
    const { digest } = parsePinnedReference('artifact', ref);
    return { ref, digest, ...(tags && tags.length > 0 ? { tags } : {}) };
  } catch {
    return null;
  }
}

/** The payload of a new deployment: the request's facts, the run's source and the lineage pointer. */
export function buildPayload(
  request: CreateDeploymentRequest,
  source: SourceInfo,
  previousGood: number | null | undefined,
  nonce: string,
): DeploymentPayload {
  const payload: DeploymentPayload = { schema: PAYLOAD_SCHEMA, source, nonce };
  if (request.artifact) payload.artifact = request.artifact;
  if (request.strategy) payload.strategy = request.strategy;
  if (request.promotedFrom) payload.promotedFrom = request.promotedFrom;
  if (request.rollbackOf !== undefined) payload.rollbackOf = request.rollbackOf;
  // undefined = "not known when created" (readers then scan); null = "there was no good one".
  if (previousGood !== undefined) payload.previousGood = previousGood;
  if (request.planDigest) payload.planDigest = request.planDigest;
  if (request.irreversible) payload.irreversible = true;
  if (request.lastIrreversible !== undefined) payload.lastIrreversible = request.lastIrreversible;
  if (request.slot) payload.slot = request.slot;
  return payload;
}

/**
 * The slipway/v1 payload of a deployment as GitHub returns it (an object, or a JSON string for
 * payloads created as strings); null for anything else, so foreign deployments are skipped.
 */
export function parsePayload(raw: unknown): DeploymentPayload | null {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!isRecord(value) || value.schema !== PAYLOAD_SCHEMA) return null;
  return isValidPayload(value) ? (value as unknown as DeploymentPayload) : null;
}

function isValidPayload(p: Record<string, unknown>): boolean {
  const s = p.source;
  if (!isRecord(s) || typeof s.sha !== 'string' || typeof s.runId !== 'number') return false;
  if (p.artifact !== undefined && !(isRecord(p.artifact) && typeof p.artifact.ref === 'string' && typeof p.artifact.digest === 'string')) return false;
  if (p.promotedFrom !== undefined && !(isRecord(p.promotedFrom) && isId(p.promotedFrom.deploymentId))) return false;
  if (p.rollbackOf !== undefined && !isId(p.rollbackOf)) return false;
  if (p.previousGood !== undefined && p.previousGood !== null && !isId(p.previousGood)) return false;
  if (p.lastIrreversible !== undefined && p.lastIrreversible !== null && !isId(p.lastIrreversible)) return false;
  if (p.nonce !== undefined && typeof p.nonce !== 'string') return false;
  // Payloads from before slots have none; a slot is a name the plan's grammar allows.
  if (p.slot !== undefined && !(typeof p.slot === 'string' && /^[a-z][a-z0-9-]{0,30}$/.test(p.slot))) return false;
  return true;
}

/**
 * A status description that fits GitHub's 140 characters: longer text is cut on a character
 * boundary (never inside a surrogate pair or an emoji sequence) and ends with '…'. Secrets are
 * removed before the cut: a secret cut in half would no longer match and its first half would show.
 */
export function cutDescription(raw: string, max: number = MAX_DESCRIPTION): string {
  const text = redact(raw);
  if ([...text].length <= max) return text;
  let kept = '';
  let length = 0;
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)) {
    const size = [...segment].length;
    if (length + size > max - 1) break;
    kept += segment;
    length += size;
  }
  return `${kept.trimEnd()}…`;
}


function isId(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
