/**
 * Kiosk soak (issue 9; the show-floor screen runs all day unattended): the demo plant on the kiosk page, its
 * visitor tour looping, with the simulator fast-forwarded so that hours of plant (hundreds of car bodies
 * built and gone) pass in minutes. Measured at the start of a tour loop after a first whole loop (every step
 * shown once, models in, code compiled), and again at the start of a later loop, after a forced garbage
 * collection each time:
 * - the page's JavaScript heap at the end against its own size at the start (a leak grows with the hours
 *   and bodies that pass; the same page an hour later is the baseline);
 * - what the page holds that must come back to the same count at the same point of the loop: DOM nodes, event
 *   listeners, GPU geometries, textures and shader programs. Exact. (The draw calls of that view are reported,
 *   not counted: weld sparks and the like come and go with the robots, one call each.)
 * The tour's step times are cut (the same steps, faster) so that a loop fits a benchmark.
 */
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { parseScene } from '../../protocol/scene.ts';
import { ensureClientBuilt } from '../../server/client-build.ts';
import { buildDemoPlant } from '../../scripts/make-demo-plant.ts';
import { benchBrowser, drawCalls, openUntilReady, settled, startTwin } from './browser.ts';
import { repoRoot, row, sig, type BenchContext, type Benchmark, type Row } from './harness.ts';

const SOAK_NAMES = {
  heap: 'kiosk soak: page JS heap after the loops vs after the first',
  held: 'kiosk soak: nodes, listeners, GPU resources gained',
} as const;

type Footprint = {
  heapBytes: number;
  nodes: number;
  listeners: number;
  geometries: number;
  textures: number;
  programs: number;
  calls: number;
  /** The plant's clock (ms) and the tour loops gone round: how much show has passed. */
  plantTime: number;
  loops: number;
};

/** Read in the page. Source text, not functions: the TypeScript loader would wrap a function in a helper the page lacks. */
const IN_PAGE = {
  // Nodes in the document now: a walk (Chromium's Nodes metric also counts nodes not yet collected).
  info: `(() => {
    let nodes = 0;
    const walk = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    while (walk.nextNode()) nodes++;
    return { ...window.__linetwin.renderInfo(), loops: window.__linetwin.tourLoops(), nodes };
  })()`,
  kiosk: 'window.__linetwin.kiosk()',
  loopsAtLeast: (n: number) => `window.__linetwin.tourLoops() >= ${n}`,
};

/** The demo plant with its tours `faster` times quicker: the same steps, cameras and highlights. */
function quickTourPlant(faster: number) {
  const plant = buildDemoPlant();
  for (const tour of plant.tours ?? []) for (const step of tour.steps) step.duration = step.duration / faster;
  return parseScene(plant, 'demo-plant');
}

async function footprint(page: Page, cdp: CDPSession, plantTime: () => number): Promise<Footprint> {
  // Twice: a first collection can leave what only a finaliser of the first frees.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  const info = (await page.evaluate(IN_PAGE.info)) as { geometries: number; textures: number; programs: number; loops: number; nodes: number };
  const { calls } = await drawCalls(page);
  return {
    heapBytes: metric('JSHeapUsedSize'),
    nodes: info.nodes,
    listeners: metric('JSEventListeners'),
    geometries: info.geometries,
    textures: info.textures,
    programs: info.programs,
    calls,
    plantTime: plantTime(),
    loops: info.loops,
  };
}

/** Waits for the tour to start loop `n` (0 = the first), then for its first step's camera flight to end. */
async function atLoopStart(page: Page, n: number, loopMs: number, flightMs: number): Promise<void> {
  await page.waitForFunction(IN_PAGE.loopsAtLeast(n), undefined, { timeout: loopMs * 3 + 60_000, polling: 250 });
  await page.waitForTimeout(flightMs);
}

export const soakBench: Benchmark = {
  name: 'soak',
  title: 'the kiosk for hours of plant: memory and GPU resources stay flat',
  async run(ctx: BenchContext): Promise<Row[]> {
    // Full: the tour 6× faster (a 32 s loop), the plant at ×90, three loops measured (about 2.4 h of plant).
    // Quick: 10× faster (19 s), ×120, one loop.
    const cfg = ctx.quick ? { faster: 10, speed: 120, loops: 1 } : { faster: 6, speed: 90, loops: 3 };
    const scene = quickTourPlant(cfg.faster);
    const tour = scene.tours[0];
    const loopMs = tour.steps.reduce((t, s) => t + s.duration, 0) * 1000;
    const targets = { heap: { op: '<=', value: 1.1 }, held: { op: '==', value: 0 } } as const;
    const closers: Array<() => Promise<void> | void> = [];
    try {
      // The browser first: a --gpu run on a machine without a usable GPU stops here, not after a build.
      const browser = await benchBrowser(ctx, 'soak', [
        [SOAK_NAMES.heap, targets.heap],
        [SOAK_NAMES.held, targets.held],
      ]);
      if (Array.isArray(browser)) return browser;
      closers.push(() => browser.close());
      const appDir = path.join(repoRoot, 'dist/client');
      // The client `npm start` serves, built first when its sources are newer (the test set-up builds it too).
      await ensureClientBuilt(repoRoot, appDir, { log: (m) => ctx.log(`soak: ${m}`) });
      const twin = await startTwin(scene, appDir, { speed: cfg.speed });
      closers.push(twin.close);
      let bodiesDone = 0;
      const off = twin.hub.onCommit((c) => {
        bodiesDone += c.removed.length;
      });
      closers.push(off);
      const page = await openUntilReady(browser, `${twin.url}?kiosk`, '__linetwin');
      closers.push(page.close);
      await settled(page.page);
      const cdp = await page.page.context().newCDPSession(page.page);
      await cdp.send('Performance.enable');
      // Half the first step: long enough for its camera flight, short of the next step.
      const flightMs = Math.min(2500, (tour.steps[0].duration * 1000) / 2);
      ctx.log(`soak: tour "${tour.id}" of ${tour.steps.length} steps in ${sig(loopMs / 1000)} s a loop, plant at ×${cfg.speed}; a first loop to warm up…`);
      await atLoopStart(page.page, 1, loopMs, flightMs);
      const kiosk = await page.page.evaluate(IN_PAGE.kiosk);
      if (kiosk !== 'tour') throw new Error(`the kiosk is not looping its tour (${kiosk})`);
      const plantTime = () => twin.hub.time;
      const first = await footprint(page.page, cdp, plantTime);
      const bodies0 = bodiesDone;
      ctx.log(`soak: start: heap ${sig(first.heapBytes / 1e6)} MB, ${first.nodes} nodes, ${first.geometries} geometries, ${first.textures} textures, ${first.programs} programs, ${first.calls} draw calls; ${cfg.loops} more loop(s)…`);
      await atLoopStart(page.page, 1 + cfg.loops, loopMs, flightMs);
      const last = await footprint(page.page, cdp, plantTime);
      const bodies = bodiesDone - bodies0;
      const plantHours = (last.plantTime - first.plantTime) / 3600_000;
      ctx.log(`soak: end: heap ${sig(last.heapBytes / 1e6)} MB, ${last.nodes} nodes, ${last.geometries} geometries, ${last.textures} textures, ${last.programs} programs, ${last.calls} draw calls; ${sig(plantHours, 2)} h of plant, ${bodies} bodies finished`);
      const held = ['nodes', 'listeners', 'geometries', 'textures', 'programs'] as const;
      const gained = Object.fromEntries(held.map((k) => [k, last[k] - first[k]])) as Record<(typeof held)[number], number>;
      return [
        row('soak', SOAK_NAMES.heap, last.heapBytes / first.heapBytes, targets.heap, {
          heapStartMB: sig(first.heapBytes / 1e6),
          heapEndMB: sig(last.heapBytes / 1e6),
          loops: last.loops - first.loops,
          plantHours: sig(plantHours, 2),
          bodiesFinished: bodies,
          speed: cfg.speed,
        }),
        row('soak', SOAK_NAMES.held, held.reduce((n, k) => n + Math.abs(gained[k]), 0), targets.held, {
          ...gained,
          nodesAtStart: first.nodes,
          geometriesAtStart: first.geometries,
          texturesAtStart: first.textures,
          programsAtStart: first.programs,
          callsAtStart: first.calls,
          callsAtEnd: last.calls,
        }),
      ];
    } finally {
      for (const c of closers.reverse()) await c();
    }
  },
};
