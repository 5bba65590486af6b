import * as core from '@actions/core';
import { redact } from '../../core/secrets/index.js';

// Everything an action shows through GitHub — log lines, annotations, outputs, the job summary,
// the failure message — leaves through these functions, and each passes the one redaction
// boundary (docs/security.md). Nothing in src/actions calls @actions/core's writers directly
// (test/security/redaction.test.ts checks).

/** A log line (masked by the runner too, but only for secrets it was told of). */
export function info(message: string): void {
  core.info(redact(message));
}

/** A warning annotation. */
export function warning(message: string): void {
  core.warning(redact(message));
}

/** An error annotation. */
export function error(message: string): void {
  core.error(redact(message));
}

/** A debug line. */
export function debug(message: string): void {
  core.debug(redact(message));
}

/** A step output (later steps may post it anywhere). */
export function setOutput(name: string, value: string): void {
  core.setOutput(name, redact(value));
}

type Summary = typeof core.summary;

/** Appends to the job summary: Markdown, or what a builder adds with the toolkit's helpers (tables, headings). */
export async function writeSummary(content: string | ((summary: Summary) => Summary)): Promise<void> {
  const text = typeof content === 'string' ? content : content(core.summary).stringify();
  await core.summary.emptyBuffer().addRaw(redact(text)).write();
}

/** Fails the step with `message`. */
export function setFailed(message: string): void {
  core.setFailed(redact(message));
}

/** Runs `task` inside a collapsible log group. */
export function group<T>(name: string, task: () => Promise<T>): Promise<T> {
  return core.group(redact(name), task);
}
