import { DEFAULT_HISTORY_SECONDS } from '../analysis/loop.js';
import { describeSource } from '../metrics/source-settings.js';
import { renderSelector } from '../metrics/template.js';
import { webhookHost } from '../notify/webhook.js';
import { redact } from '../secrets/index.js';
import { describeSlots, formatDuration, stepLabel } from './describe.js';
import type { FailurePolicy, PlanStep, RolloutPlan } from './plan.js';

// `slipway plan check`'s dry run: what a rollout of the plan will do, step by step, in words — read
// from the validated plan alone, nothing reached. Router settings and URLs go through redact(), as
// everything Slipway prints.

/** The dry run of a validated plan, one line each: the set-up, then every step, then the end. */
export function dryRun(plan: RolloutPlan): string[] {
  const lines = [
    `A failed analysis or smoke check: ${policy(plan.onFailure)}; an inconclusive analysis: ${policy(plan.onInconclusive)}.`,
    `Router: ${plan.router.provider} (${settingsText(plan.router.settings)}).`,
  ];
  const slots = describeSlots(plan);
  if (slots) lines.push(`Slots: ${slots}.`);
  if (plan.analysis) {
    const a = plan.analysis;
    const metrics = a.metrics.map((m) => `${m.name} (${m.kind === 'rate' && m.latency ? 'latency' : m.kind}${m.critical ? ', critical' : ''}${m.muted ? ', muted' : ''})`).join(', ');
    const history = a.historySeconds === 0 ? 'no history' : `the baseline's last ${formatDuration(a.historySeconds ?? DEFAULT_HISTORY_SECONDS)} read first${a.historySelector ? ` from ${renderSelector(a.historySelector)}` : ''}`;
    lines.push(`Analysis: ${redact(describeSource(a.source))}, every ${formatDuration(a.intervalSeconds)}${a.source.delaySeconds ? ` (each read ${formatDuration(a.source.delaySeconds)} after it ends)` : ''}, α ${a.alpha ?? 0.01}; canary ${renderSelector(a.canary)} against baseline ${renderSelector(a.baseline)}; ${history}; metrics ${metrics}.`);
  }
  if (plan.notify) lines.push(`Notify: ${plan.notify.format} to ${webhookHost(plan.notify.url) ?? 'the webhook'} on ${plan.notify.events.join(', ')}.`);
  lines.push('Steps:');
  plan.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${stepLabel(step)}${step.line ? ` (line ${step.line})` : ''}: ${whatItDoes(step, plan, i)}`));
  lines.push(`Then: the new version is promoted (all traffic, the deployment marked success${plan.slots ? ', its slot stable from now on' : ''}).`);
  return lines;
}

function whatItDoes(step: PlanStep, plan: RolloutPlan, index: number): string {
  switch (step.kind) {
    case 'setWeight':
      return `the new version gets ${step.weight}% of the traffic, the stable one ${100 - step.weight}%.`;
    case 'pause':
      return step.durationSeconds === undefined
        ? `the job ends here with traffic as it is and the deployment waiting; the next run resumes at step ${index + 2 > plan.steps.length ? 'the promotion' : index + 2}.`
        : `waits ${formatDuration(step.durationSeconds)} with traffic as it is.`;
    case 'analysis': {
      // A plan with analysis steps has an analysis block (validate.ts).
      const interval = step.intervalSeconds ?? plan.analysis!.intervalSeconds;
      return `judges the new version against the baseline every ${formatDuration(interval)} for up to ${formatDuration(step.durationSeconds)}, stopping as soon as it is decided; fail: ${policy(plan.onFailure)}; inconclusive: ${policy(plan.onInconclusive)}.`;
    }
    case 'setHeaderRoute':
      return step.route ? `requests whose ${step.route.kind ?? 'header'} ${step.route.name} is ${step.route.value} go to the new version.` : 'the header route is removed.';
    case 'setMirrorRoute':
      return step.percentage === 0 ? 'mirroring stops.' : `${step.percentage}% of the requests are copied to the new version; the answers still come from the stable one.`;
    case 'preview':
      return `the new version answers requests whose ${step.route.kind ?? 'header'} ${step.route.name} is ${step.route.value}; everyone else stays on the stable one.`;
    case 'smokeCheck':
      return `GET ${redact(step.url)} must answer ${step.expectStatus} within ${formatDuration(step.timeoutSeconds)}; otherwise: ${policy(plan.onFailure)}.`;
    case 'switch':
      return 'all traffic goes to the new version at once; the old one keeps running for an instant switch back.';
  }
}

function policy(p: FailurePolicy): string {
  return p === 'rollback' ? 'roll back (traffic back to the stable version)' : 'pause (traffic held, the deployment waiting for a person)';
}

/** Router settings as `key value` pairs; nested values as compact JSON. */
function settingsText(settings: Record<string, unknown>): string {
  return redact(
    Object.entries(settings)
      .map(([key, value]) => `${key} ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`)
      .join(', '),
  );
}
