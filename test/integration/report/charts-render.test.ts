import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Random } from '../../../bench/judge/random.js';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { runAnalysis, type AnalysisProgress, type AnalysisResult } from '../../../src/core/analysis/loop.js';
import { FileSource } from '../../../src/core/metrics/file.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { parseSelector } from '../../../src/core/metrics/template.js';
import type { RolloutProgress } from '../../../src/core/plan/recorder.js';
import { renderRolloutComment } from '../../../src/core/pr-comment/index.js';
import { analysisMarkdown, CHART_COLOURS } from '../../../src/core/report/index.js';
import { findBinary, serverAvailable } from '../../../testkit/bed/binaries.js';
import { HeadlessChromium } from '../../../testkit/bed/chromium.js';

// The job summary's charts as a reader sees them: the summary of a real analysis (the loop over
// saved series on a virtual clock, 90 intervals of 10 s) and the rollout's summary around the PR
// comment are rendered with Mermaid in headless Chromium, from the mermaid package's own bundle
// served on loopback. The checks read the drawn SVG: the lines' colours, the title that names
// them, axis labels that do not run into each other, and the canary's colour on the pixels. A
// chart in the old form (default palette, one label per interval) is the control the checks must
// reject. No timing is asserted: the machine may be busy.

const describeIf = serverAvailable('chromium') ? describe : describe.skip;

const START = new Date('2026-01-01T00:00:00Z');
const T0 = START.getTime() / 1000;
const INTERVAL = 10;
const INTERVALS = 90;
const selectors = { canary: parseSelector('version="v2"', 'canary-selector'), baseline: parseSelector('version="v1"', 'baseline-selector') };
const METRICS = parseMetricsYaml(
  `
- {name: error-rate, kind: rate, critical: true, errors: 'sum(errors{{{selector}}})', requests: 'sum(requests{{{selector}}})'}
- {name: latency, kind: continuous, query: 'latency{{{selector}}}', allowedIncrease: 10%}
`,
  'test',
);

/** Saved counters (errors at 2% of 2000 requests an interval on both versions) and latencies, from a seeded generator. */
function savedSeries(): Record<string, [number, number][]> {
  const random = new Random(7);
  const series: Record<string, [number, number][]> = {};
  for (const version of ['v1', 'v2']) {
    let errors = 0;
    series[`sum(requests{version="${version}"})`] = Array.from({ length: INTERVALS + 1 }, (_, i) => [T0 + i * INTERVAL, i * 2000]);
    series[`sum(errors{version="${version}"})`] = Array.from({ length: INTERVALS + 1 }, (_, i) => {
      if (i > 0) for (let r = 0; r < 2000; r++) if (random.next() < 0.02) errors++;
      return [T0 + i * INTERVAL, errors];
    });
    series[`latency{version="${version}"}`] = Array.from({ length: INTERVALS + 1 }, (_, i) => [T0 + i * INTERVAL, 0.1 + 0.01 * random.next()]);
  }
  return series;
}

/** The ```mermaid blocks of a markdown text. */
function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1]);
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface DrawnText {
  text: string;
  box: Box;
}
/** What the page reports of one rendered chart. */
interface DrawnChart {
  lineColours: string[];
  title: DrawnText[];
  xLabels: DrawnText[];
  yLabels: DrawnText[];
  axisTitles: DrawnText[];
  chart: Box;
  /** Pixels of each asked colour once the SVG is painted on a canvas. */
  pixels: Record<string, number>;
}

/** Renders each block with Mermaid in the page and measures it (runs in the browser). */
const RENDER_IN_PAGE = `async (blocks, colours) => {
  mermaid.initialize({ startOnLoad: false });
  const box = (element) => { const r = element.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
  const texts = (root, selector) => [...root.querySelectorAll(selector)].map((t) => ({ text: t.textContent, box: box(t) }));
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const drawn = [];
  for (const [i, code] of blocks.entries()) {
    const { svg } = await mermaid.render('chart' + i, code);
    const host = document.createElement('div');
    host.innerHTML = svg;
    document.body.appendChild(host);
    const root = host.querySelector('svg');
    const image = new Image();
    image.src = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(root)], { type: 'image/svg+xml' }));
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = root.getBoundingClientRect().width;
    canvas.height = root.getBoundingClientRect().height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const pixels = {};
    for (const colour of colours) {
      const [r, g, b] = rgb(colour);
      let count = 0;
      for (let p = 0; p < data.length; p += 4) if (Math.abs(data[p] - r) + Math.abs(data[p + 1] - g) + Math.abs(data[p + 2] - b) < 24 && data[p + 3] > 200) count++;
      pixels[colour] = count;
    }
    drawn.push({
      lineColours: [...root.querySelectorAll('g.plot path')].map((path) => path.getAttribute('stroke')),
      title: texts(root, 'g.chart-title text'),
      xLabels: texts(root, 'g.bottom-axis g.label text'),
      yLabels: texts(root, 'g.left-axis g.label text'),
      axisTitles: texts(root, 'g.bottom-axis g.title text, g.left-axis g.title text'),
      chart: box(root),
      pixels,
    });
  }
  return drawn;
}`;

/** Whether two boxes share any area. */
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The pairs of labels (by text) whose boxes overlap. */
function collisions(labels: DrawnText[]): string[] {
  const found: string[] = [];
  labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => overlap(a.box, b.box) && found.push(`${a.text}/${b.text}`)));
  return found;
}

/** Whether `inner` lies within `outer` (a pixel of slack for rounding). */
const inside = (inner: Box, outer: Box) => inner.x >= outer.x - 1 && inner.y >= outer.y - 1 && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;

describeIf('charts in the job summary and the PR comment, rendered by Mermaid in headless Chromium', () => {
  let browser: HeadlessChromium;
  let server: Server;
  let result: AnalysisResult;
  const progress: AnalysisProgress[] = [];

  /** Renders the blocks in a fresh page and measures them. */
  async function render(blocks: string[], colours: string[] = Object.values(CHART_COLOURS)): Promise<DrawnChart[]> {
    await browser.open(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return browser.evaluate<DrawnChart[]>(`(${RENDER_IN_PAGE})(${JSON.stringify(blocks)}, ${JSON.stringify(colours)})`);
  }

  beforeAll(async () => {
    const bundle = readFileSync(new URL('../../../node_modules/mermaid/dist/mermaid.min.js', import.meta.url));
    server = createServer((request, response) => {
      if (request.url === '/mermaid.min.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body style="margin:0;width:900px"><script src="/mermaid.min.js"></script></body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await HeadlessChromium.launch(findBinary('chromium')!);
    result = await runAnalysis({
      source: new FileSource({ document: { series: savedSeries() } }),
      metrics: METRICS,
      ...selectors,
      durationSeconds: INTERVALS * INTERVAL,
      intervalSeconds: INTERVAL,
      historySeconds: 0,
      clock: new VirtualClock(START),
      onProgress: (p) => void progress.push(p),
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('the analysis keeps the ratio bounds the judge reported after every interval, and they narrow', () => {
    const bounds = result.series.find((s) => s.name === 'error-rate')!.ratioBounds!;
    expect(result.intervals).toBe(INTERVALS);
    expect(bounds.lower).toHaveLength(INTERVALS);
    expect(bounds).toMatchObject({ allowedRatio: 1.2, direction: 'increase' });
    progress.forEach(({ interval, report }) => {
      const { lower, upper } = report.metrics.find((m) => m.name === 'error-rate')!.sequential!.ratio;
      expect([bounds.lower[interval - 1], bounds.upper[interval - 1]]).toEqual([lower, upper]);
    });
    const width = (i: number) => bounds.upper[i] - bounds.lower[i];
    expect(width(INTERVALS - 1)).toBeLessThan(width(9));
    expect(bounds.upper[INTERVALS - 1]).toBeLessThan(1.2);
  });

  test('the summary draws the canary red and the baseline blue, names both in the title, with x labels apart', async () => {
    const blocks = mermaidBlocks(analysisMarkdown({ ...result, intervalSeconds: INTERVAL }));
    expect(blocks).toHaveLength(3); // error-rate and latency over time, error-rate's ratio bounds
    const charts = await render(blocks);
    const [errorRate, , latency] = [charts[0], charts[1], charts[2]];
    for (const chart of [errorRate, latency]) {
      expect(chart.lineColours).toEqual([CHART_COLOURS.canary, CHART_COLOURS.baseline]);
      expect(chart.title.map((t) => t.text).join(' ')).toMatch(/canary \(red\) vs baseline \(blue\)/);
      expect(chart.pixels[CHART_COLOURS.canary]).toBeGreaterThan(100);
      expect(chart.pixels[CHART_COLOURS.baseline]).toBeGreaterThan(100);
    }
    for (const chart of charts) {
      expect(chart.xLabels.length).toBeGreaterThanOrEqual(3);
      expect(chart.xLabels.length).toBeLessThanOrEqual(20);
      expect(collisions(chart.xLabels)).toEqual([]);
      expect(collisions(chart.yLabels)).toEqual([]);
      expect(chart.axisTitles.map((t) => t.text)).toContain('minutes into the analysis');
      for (const text of [...chart.title, ...chart.xLabels, ...chart.axisTitles]) expect(inside(text.box, chart.chart)).toBe(true);
    }
  });

  test('a rate metric gets a second chart: its ratio bounds narrowing against the allowed ratio', async () => {
    const ratio = mermaidBlocks(analysisMarkdown({ ...result, intervalSeconds: INTERVAL }))[1];
    const [chart] = await render([ratio]);
    expect(chart.title.map((t) => t.text).join(' ')).toBe('error-rate: ratio bounds (red) vs allowed 1.2 (green)');
    expect(chart.lineColours).toEqual([CHART_COLOURS.canary, CHART_COLOURS.canary, CHART_COLOURS.allowed]);
    expect(chart.pixels[CHART_COLOURS.canary]).toBeGreaterThan(100);
    expect(chart.pixels[CHART_COLOURS.allowed]).toBeGreaterThan(100);
    // The y axis reaches past twice the allowed ratio, so the bounds' narrowing toward it shows.
    const top = Number(chart.axisTitles.map((t) => t.text).join(' ').match(/canary\/baseline ratio \(up to ([\d.]+)\)/)?.[1]);
    expect(top).toBeGreaterThanOrEqual(2.4);
    expect(Math.max(...chart.yLabels.map((label) => Number(label.text)))).toBe(top);
  });

  test("the rollout's summary renders the PR comment with the analyses' charts under it", async () => {
    const report = result.report;
    const rollout: RolloutProgress = {
      environment: 'production',
      imageRef: 'registry.example/app@sha256:abc',
      strategy: 'canary',
      deploymentId: 42,
      steps: [{ index: 0, label: 'analysis 15m', state: 'done', verdict: report.verdict, score: report.score }],
      reports: [{ stepIndex: 0, report }],
      result: 'promoted',
    };
    const comment = renderRolloutComment(rollout);
    const summary = [comment, analysisMarkdown({ ...result, intervalSeconds: INTERVAL }, 'Analysis 1')].join('\n');
    const charts = await render(mermaidBlocks(summary));
    expect(charts).toHaveLength(3);
    expect(charts.every((chart) => chart.pixels[CHART_COLOURS.canary] > 100 && collisions(chart.xLabels).length === 0)).toBe(true);
    // The pull request's comment itself carries the same charts, under its step's metric table.
    const inComment = await render(mermaidBlocks(renderRolloutComment(rollout, {}, [result.series])));
    expect(inComment.map((chart) => chart.title)).toEqual(charts.map((chart) => chart.title));
    expect(inComment.every((chart) => chart.pixels[CHART_COLOURS.canary] > 100 && collisions(chart.xLabels).length === 0)).toBe(true);
  });

  test('the control: the old chart (default palette, a label per interval) fails the same checks', async () => {
    const values = result.series[0].canary.map((v) => String(Number((v * 100).toPrecision(4))));
    const old = ['xychart-beta', '    title "error-rate: canary (1st line) vs baseline (2nd line)"', `    x-axis "seconds into the analysis" [${values.map((_, i) => (i + 1) * INTERVAL).join(', ')}]`, '    y-axis "error rate %"', `    line [${values.join(', ')}]`, `    line [${values.join(', ')}]`].join('\n');
    const [chart] = await render([old], ['#ECECFF', CHART_COLOURS.canary]);
    expect(chart.lineColours[0]).toBe('#ECECFF');
    expect(chart.pixels[CHART_COLOURS.canary]).toBe(0);
    expect(collisions(chart.xLabels).length).toBeGreaterThan(10);
  });
});
