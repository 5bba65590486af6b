import { describe, expect, test } from '@jest/globals';
import { commentMarker, renderRolloutComment, StickyComment, type IssueComment, type IssueCommentsPort } from '../../../../src/core/pr-comment/index.js';
import type { RolloutProgress } from '../../../../src/core/plan/index.js';
import type { MetricSeries } from '../../../../src/core/analysis/series.js';
import type { JudgeReport } from '../../../../src/core/judge/index.js';

/** An in-memory TEST DOUBLE of the issue-comments port, counting calls. */
function commentsDouble(initial: IssueComment[] = []) {
  const comments = [...initial];
  const calls: string[] = [];
  const port: IssueCommentsPort = {
    list: async () => (calls.push('list'), comments.map((c) => ({ ...c }))),
    create: async (_n, body) => (calls.push('create'), comments.push({ id: 500 + comments.length, body }), { ...comments.at(-1)! }),
    update: async (id, body) => {
      calls.push('update');
      const c = comments.find((x) => x.id === id)!;
      c.body = body;
      return { ...c };
    },
  };
  return { port, comments, calls };
}

const progress: RolloutProgress = {
  environment: 'production',
  imageRef: 'reg/app@sha256:' + 'a'.repeat(64),
  strategy: 'canary',
  deploymentId: 42,
  steps: [
    { index: 0, label: 'setWeight 10%', state: 'done', canaryWeight: 10 },
    { index: 1, label: 'analysis 2m', state: 'failed', canaryWeight: 10, verdict: 'fail', score: 0 },
  ],
  result: 'rolled-back',
  reason: 'analysis fail (score 0): error-rate high',
  reports: [],
};

describe('sticky PR comment', () => {
  test('the body carries the hidden marker, the result, and a row per step with verdicts', () => {
    const body = renderRolloutComment(progress, { runUrl: 'https://github.test/run/1' });
    expect(body.startsWith('<!-- slipway:production -->\n')).toBe(true);
    expect(body).toContain('### Slipway rollout to `production`: ↩️ rolled back');
    expect(body).toContain('| 2 | analysis 2m | ❌ failed | 10% | fail (0) |');
    expect(body).toContain('[run](https://github.test/run/1)');
  });

  test("each analysis's charts go under its metric table; with more than GitHub takes, they are left out and the comment says so", () => {
    const report = { verdict: 'fail', score: 0, reasons: [], metrics: [], config: { alpha: 0.01, thresholds: { pass: 95, marginal: 75 }, onNoData: 'inconclusive', onUndecided: 'pass' } } as unknown as JudgeReport;
    const series = (points: number): MetricSeries => ({
      name: 'p99',
      kind: 'continuous',
      times: Array.from({ length: points }, (_, i) => 1_700_000_000 + 60 * i),
      canary: Array.from({ length: points }, (_, i) => 100 + i),
      baseline: Array.from({ length: points }, () => 100),
      missingIntervals: 0,
    });
    const withReport = { ...progress, reports: [{ stepIndex: 1, report }] };
    const body = renderRolloutComment(withReport, {}, [[series(30)]]);
    const details = body.slice(body.indexOf('<details><summary>Step 2 analysis'));
    expect(details).toMatch(/<summary>p99 over time<\/summary>\n\n```mermaid\n%%\{init: .*"plotColorPalette"/);
    expect(details.indexOf('```mermaid')).toBeLessThan(details.lastIndexOf('</details>'));
    // Three hundred metrics' charts: far over GitHub's limit.
    const crowded = renderRolloutComment(withReport, {}, [Array.from({ length: 300 }, () => series(60))]);
    expect(crowded.length).toBeLessThan(65_536);
    expect(crowded).not.toContain('```mermaid');
    expect(crowded).toContain("The charts are left out here: with them this comment would pass GitHub's 65,536 characters. The run's summary has them.");
  });

  test('the first publish creates one comment; later ones update it in place', async () => {
    const { port, comments, calls } = commentsDouble([{ id: 1, body: 'LGTM' }]);
    const sticky = new StickyComment(port, 7, 'production');
    await sticky.publish(renderRolloutComment({ ...progress, result: undefined }));
    await sticky.publish(renderRolloutComment(progress));
    await sticky.publish(renderRolloutComment(progress));
    expect(comments).toHaveLength(2);
    expect(comments[1].body).toContain('rolled back');
    expect(calls).toEqual(['list', 'create', 'update']);
  });

  test('a new run finds the comment of an earlier run by its marker instead of adding another', async () => {
    const { port, comments, calls } = commentsDouble([{ id: 9, body: `${commentMarker('staging')}\nold` }, { id: 10, body: `${commentMarker('production')}\nold` }]);
    await new StickyComment(port, 7, 'production').publish('new body');
    expect(comments.find((c) => c.id === 10)?.body).toBe(`${commentMarker('production')}\nnew body`);
    expect(comments.find((c) => c.id === 9)?.body).toContain('old');
    expect(calls).toEqual(['list', 'update']);
  });
});
