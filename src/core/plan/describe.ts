import type { Slot } from '../deploy/types.js';
import type { PlanStep, RolloutPlan } from './plan.js';

/** A step in words, for logs, status descriptions and the PR comment: `setWeight 25%`, `analysis 2m`. */
export function stepLabel(step: PlanStep): string {
  switch (step.kind) {
    case 'setWeight':
      return `setWeight ${step.weight}%`;
    case 'pause':
      return step.durationSeconds === undefined ? 'pause (until the next run)' : `pause ${formatDuration(step.durationSeconds)}`;
    case 'analysis':
      return `analysis ${formatDuration(step.durationSeconds)}`;
    case 'setHeaderRoute':
      return step.route ? `header route ${step.name} (${step.route.name}: ${step.route.value})` : `header route ${step.name} removed`;
    case 'setMirrorRoute':
      return step.percentage === 0 ? `mirror route ${step.name} removed` : `mirror route ${step.name} ${step.percentage}%`;
    case 'preview':
      return `preview (${step.route.name}: ${step.route.value})`;
    case 'smokeCheck':
      return `smoke check ${step.url}`;
    case 'switch':
      return 'switch';
  }
}

/** `90s`, `2m`, `1h`, `1m30s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}

/**
 * The plan's slots and deploy in words, for a dry run and the log (empty without slots):
 * `slots blue (server blue, 127.0.0.1:8081) and green (…); deploy: run ./deploy.sh, ready when http://{address}/healthz answers 2xx within 60s`.
 */
export function describeSlots(plan: Pick<RolloutPlan, 'slots' | 'deploy'>): string {
  if (!plan.slots || !plan.deploy) return '';
  const slot = (s: Slot) => `${s.name} (${[s.server && `server ${s.server}`, s.address, s.service && `service ${s.service}`].filter(Boolean).join(', ') || 'no settings'})`;
  const { spec, ready } = plan.deploy;
  const how = spec.provider === 'command' ? `run ${spec.run.join(' ')}` : `kubectl set image deployment/${spec.deployment} ${spec.container}=<image>${spec.namespace ? ` -n ${spec.namespace}` : ''}, rollout status within ${formatDuration(spec.timeoutSeconds)}`;
  const readiness = ready ? `, ready when ${ready.url} answers 2xx within ${formatDuration(ready.timeoutSeconds)}` : '';
  return `slots ${slot(plan.slots[0])} and ${slot(plan.slots[1])}; deploy: ${how}${readiness}; the first release goes into ${plan.slots[0].name}`;
}
