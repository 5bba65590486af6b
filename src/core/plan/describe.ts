import type { PlanStep } from './plan.js';

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
      return step.route ? `header route ${step.route.name}: ${step.route.value}` : 'header route cleared';
    case 'mirror':
      return `mirror ${step.percent}%`;
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
