/**
 * Browser benchmarks (issue 9), in headless Debian Chromium: on the machine's GPU where Chromium can use one,
 * otherwise with software WebGL (SwiftShader); see benchBrowser.
 * - rasterizer floor: the streaming frame time against every triangle of that view baked into one
 *   static mesh (client/src/scene/raster-floor.ts), same page, camera and resolution;
 * - useFrame share: the JavaScript of the frame's useFrame callbacks (client/src/scene/frame-probe.ts)
 *   against the frame time, while streaming;
 * - bundle: the app shell (every script the page loads but the 3D chunk) against a React-only hello
 *   world, and the 3D chunk against an R3F + drei hello world; all three built in this run with the
 *   app's own Vite config (test/bench/baselines/);
 * - draw calls: the demo plant at scale 10 draws with as many calls as at scale 1 (instancing);
 * - React: no React commits while states stream (window.__linetwin.reactCommits);
 * - per-frame overhead: frame time while streaming against the same page with the hub paused (same
 *   scene, same instances, no updates), in alternating windows;
 * - time to first frame: the app against the R3F hello world (`ready`: the plant drawn with live state; the
 *   draw-call and frame-time measurements wait for `settled`, the final look with the glTF models).
 * Quick mode measures only the exact counts (draw calls, commits), on the prebuilt client when there is one.
 *
 * In software, absolute frame times are the CPU rasteriser's and only the ratios mean something; on a GPU
 * (the results' `machine.webgl` says which drew) they count as they are.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import sirv from 'sirv';
import type { Browser, Page } from 'playwright-core';
import type { ResolvedScene } from '../../protocol/scene.ts';
import { createApp } from '../../server/app.ts';
import { viteBuildProduction } from '../../server/client-build.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createSimulatorSource } from '../../server/sources/simulator/index.ts';
import { isSoftwareRenderer } from '../../client/src/quality.ts';
import { launchChromium, webglRenderer } from '../e2e/browser.ts';
import { median, repoRoot, row, sig, skipped, sleep, sum, type BenchContext, type Benchmark, type Row, type Target } from './harness.ts';
import { scaledDemoScene } from './workload.ts';

/** A close function that runs once however often it is called (explicitly, then again on the way out). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
}

const baselines = path.join(import.meta.dirname, 'baselines');
const VIEWPORT = { width: 1280, height: 800 };

type Hook = {
  /** The first frame drawn with live state. */
  ready: boolean;
  /** The page's clock when `ready` turned true (the start of the next frame). */
  readyAt: number | null;
  /** The final look: models settled and the first KPI answer in. */
  settled: boolean;
  revision(): number;
  renderInfo(): { calls: number; triangles: number; frames: number };
  reactCommits(): number;
};
type HookWindow = { __linetwin?: Hook; __hello?: { ready: boolean; readyAt: number | null } };

/** A GPU's name, not a rasteriser on the CPU (nor no WebGL at all). */
function isGpu(renderer: string): boolean {
  return renderer !== 'no WebGL' && !isSoftwareRenderer(renderer);
}

/**
 * Chromium as the run asks, its WebGL renderer noted in the results, or every row in `rows` skipped when there
 * is no Chromium. `auto` (a full run's default): the machine's GPU where Chromium can use one, software WebGL
 * (SwiftShader) where not. `--gpu`: a browser that cannot start, or one that would draw in software all the
 * same, is an error, so figures labelled as a GPU's are a GPU's.
 */
export async function benchBrowser(ctx: BenchContext, bench: string, rows: ReadonlyArray<readonly [string, Target]>): Promise<Browser | Row[]> {
  let mode = ctx.browser;
  // An earlier benchmark of this run already found no GPU: no need to look again.
  if (mode.gpu === 'auto' && ctx.machine.webgl?.endsWith('(software)')) mode = { gpu: false };
  if (mode.gpu === 'auto') {
    try {
      const b = await launchChromium({ gpu: true });
      const renderer = await webglRenderer(b).catch(() => 'no WebGL');
      if (isGpu(renderer)) return noted(ctx, bench, b, renderer);
      await b.close();
    } catch {
      // No GPU launch: software, as below.
    }
    mode = { gpu: false };
  }
  let browser: Browser;
  try {
    browser = await launchChromium(mode);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    if (mode.gpu) throw new Error(`--gpu: Chromium did not start${mode.headed ? ' with a window (is there a display? DISPLAY is ' + (process.env.DISPLAY ?? 'not set') + ')' : ''}: ${why}`);
    return rows.map(([name, target]) => skipped(bench, name, target, `no Chromium: ${why}`));
  }
  try {
    const renderer = await webglRenderer(browser);
    if (mode.gpu && !isGpu(renderer)) {
      throw new Error(
        `--gpu: WebGL is drawn by "${renderer}", ${renderer === 'no WebGL' ? 'nothing' : 'a rasteriser on the CPU'}, not a GPU, so there are no GPU frame times to measure here. ` +
          `Chromium found no GPU it could use${mode.headed ? '' : ' headless: try --headed on a desktop'}${mode.angle ? '' : ', or name ANGLE\'s backend with --angle vulkan (or gl, gl-egl)'}; without --gpu a run falls back to software WebGL where there is no GPU.`,
      );
    }
    return noted(ctx, bench, browser, renderer);
  } catch (e) {
    await browser.close();
    throw e;
  }
}

function noted(ctx: BenchContext, bench: string, browser: Browser, renderer: string): Browser {
  ctx.machine.webgl = `${renderer} (${isGpu(renderer) ? 'GPU' : 'software'})`;
  ctx.log(`${bench}: WebGL on ${ctx.machine.webgl}`);
  return browser;
}

/** Builds `root` with the app's Vite config into `outDir`, the way the app itself is built (production). */
async function viteBuild(root: string, outDir: string): Promise<void> {
  await viteBuildProduction(root, path.join(repoRoot, 'vite.config.ts'), { outDir, emptyOutDir: true }, 'silent');
}

type Bundle = { shell: { raw: number; gz: number; files: string[] }; three: { raw: number; gz: number; files: string[] } };

/**
 * Scripts the built page loads (entry and preloads), split into the 3D chunk and everything else. A page that
 * loads the 3D chunk on demand (the app: its shell imports the app dynamically) has no tag for it: the 3D
 * chunk is then the built `three-*.js` file.
 */
function bundleOf(outDir: string): Bundle {
  const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g)].map((m) => m[1]);
  const out: Bundle = { shell: { raw: 0, gz: 0, files: [] }, three: { raw: 0, gz: 0, files: [] } };
  for (const src of new Set(scripts)) {
    const bytes = readFileSync(path.join(outDir, src));
    // The app's Vite config names the chunk of three.js and React Three Fiber "three".
    const part = /(^|\/)three-[^/]*\.js$/.test(src) ? out.three : out.shell;
    part.raw += bytes.byteLength;
    part.gz += gzipSync(bytes).byteLength;
    part.files.push(path.basename(src));
  }
  if (out.three.files.length === 0) {
    const dir = path.join(outDir, 'bundle');
    const lazy = existsSync(dir) ? readdirSync(dir).filter((f) => /^three-[^/]*\.js$/.test(f)) : [];
    for (const f of lazy) {
      const bytes = readFileSync(path.join(dir, f));
      out.three.raw += bytes.byteLength;
      out.three.gz += gzipSync(bytes).byteLength;
      out.three.files.push(f);
    }
  }
  return out;
}

async function serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const handler = sirv(dir, { single: true, dev: false });
  const server: Server = createServer((req, res) => handler(req, res, () => {
    res.writeHead(404).end();
  }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The app on the demo plant at `scale` (or on `scene`), simulator live at `speed`, serving `staticDir`. */
export async function startTwin(plant: number | ResolvedScene, staticDir: string, options: { speed?: number } = {}) {
  const scene = typeof plant === 'number' ? scaledDemoScene(plant) : plant;
  const hub = createHub({ scene });
  const source = createSimulatorSource(scene, { seed: 7, speed: options.speed ?? 1, warmup: 3600 });
  const app = createApp({ hub, sources: [source], staticDir, assetsDir: path.resolve(import.meta.dirname, '../../assets'), limits: { connectionsPerMinute: 1_000_000 } });
  const port = await app.listen(0, '127.0.0.1');
  return { close: once(() => app.close()), hub, scene, url: `http://127.0.0.1:${port}/` };
}

/**
 * Opens a fresh context (cold cache) and waits for `ready`; resolves with the page's clock when the page set it
 * (ms since navigation). That is the page's own record, not the moment this poll saw it: a poll in animation
 * frames sees the flag only after the frame that set it has been drawn as well (and whatever runs right after
 * it), which for the plant in software rendering is a whole frame more and for the hello world almost nothing.
 */
export async function openUntilReady(browser: Browser, url: string, flag: '__linetwin' | '__hello', timeoutMs = 120_000): Promise<{ page: Page; readyAt: number; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url);
    const handle = await page.waitForFunction(
      (f) => {
        const hook = (window as unknown as HookWindow)[f as '__linetwin'];
        return hook?.ready ? hook.readyAt : false;
      },
      flag,
      { timeout: timeoutMs, polling: 'raf' },
    );
    const readyAt = (await handle.jsonValue()) as number;
    return { page, readyAt, close: once(() => context.close()) };
  } catch (e) {
    await context.close();
    throw new Error(`${url} did not get ready${errors.length ? ` (page errors: ${errors.slice(0, 3).join('; ')})` : ''}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Waits for the final look (glTF models in, first KPI answer), which may come a while after the first frame. */
export async function settled(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction(() => (window as unknown as HookWindow).__linetwin?.settled === true, undefined, { timeout: timeoutMs });
}

/** The draw calls of the frames drawn now: the commonest of a few samples (a frame may add a highlight). */
export async function drawCalls(page: Page): Promise<{ calls: number; triangles: number }> {
  const samples: Array<{ calls: number; triangles: number }> = [];
  for (let i = 0; i < 5; i++) {
    samples.push(await page.evaluate(() => (window as unknown as HookWindow).__linetwin!.renderInfo()));
    await sleep(150);
  }
  const count = new Map<number, number>();
  for (const s of samples) count.set(s.calls, (count.get(s.calls) ?? 0) + 1);
  const calls = [...count.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  return { calls, triangles: Math.max(...samples.filter((s) => s.calls === calls).map((s) => s.triangles)) };
}

type Window = { frames: number; frameMs: number; commits: number; ms: number; revisions: number; jsFrames: number; jsMs: number };

/**
 * Frames, React commits and revisions over `ms` of page time. Frame time is the span between the
 * first and last animation frame in the window over the frames between them, so a window of a few
 * slow software-rendered frames is not rounded to whole frames.
 */
function measureWindow(page: Page, ms: number): Promise<Window> {
  // Source text, not a function: the TypeScript loader would wrap inner functions in a helper the page lacks.
  return page.evaluate(`(async () => {
    const h = window.__linetwin;
    const f0 = h.renderInfo().frames;
    const c0 = h.reactCommits();
    const r0 = h.revision();
    const j0 = h.frameJs();
    const t0 = performance.now();
    const stamps = [];
    let on = true;
    const tick = (t) => {
      stamps.push(t);
      if (on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    await new Promise((r) => setTimeout(r, ${Math.round(ms)}));
    on = false;
    const n = stamps.length;
    return {
      frames: h.renderInfo().frames - f0,
      frameMs: n >= 2 ? (stamps[n - 1] - stamps[0]) / (n - 1) : ${Math.round(ms)},
      commits: h.reactCommits() - c0,
      ms: performance.now() - t0,
      revisions: h.revision() - r0,
      jsFrames: h.frameJs().frames - j0.frames,
      jsMs: h.frameJs().ms - j0.ms,
    };
  })()`) as Promise<Window>;
}

const NAMES = {
  shell: 'bundle: app shell vs React-only build (gzip)',
  three: 'bundle: 3D chunk vs R3F + drei hello world (gzip)',
  calls: 'browser: draw calls at scale 10 vs scale 1',
  commits: 'browser: React commits per second while streaming',
  frame: 'browser: frame time streaming vs no updates (scale 10)',
  floor: 'browser: frame time streaming vs one merged static mesh (scale 10)',
  js: 'browser: useFrame JavaScript vs frame time (scale 10, streaming)',
  ttff: 'browser: time to first frame vs R3F hello world',
};

export const browserBench: Benchmark = {
  name: 'browser',
  title: 'bundle sizes, draw calls, React commits, frame time and first frame in headless Chromium',
  async run(ctx: BenchContext): Promise<Row[]> {
    const rows: Row[] = [];
    const work = mkdtempSync(path.join(tmpdir(), 'linetwin-bench-browser-'));
    const closers: Array<() => Promise<void> | void> = [];
    try {
      // The browser first: a --gpu run on a machine without a usable GPU stops here, not after the builds.
      const browser = await benchBrowser(ctx, 'browser', [
        [NAMES.calls, { op: '==', value: 1 }],
        [NAMES.commits, { op: '==', value: 0 }],
        [NAMES.frame, { op: '<=', value: 1.15 }],
        [NAMES.floor, { op: '<=', value: 2.5 }],
        [NAMES.js, { op: '<=', value: 0.1 }],
        [NAMES.ttff, { op: '<=', value: 1.5 }],
      ]);
      if (!Array.isArray(browser)) closers.push(() => browser.close());
      // The client: built now (full run), or the prebuilt one when quick and there is one.
      const prebuilt = path.join(repoRoot, 'dist/client');
      let appDir: string;
      let helloDir: string | null = null;
      if (ctx.quick && existsSync(path.join(prebuilt, 'index.html'))) appDir = prebuilt;
      else {
        appDir = path.join(work, 'app');
        ctx.log('browser: building the client…');
        await viteBuild(path.join(repoRoot, 'client'), appDir);
      }
      if (!ctx.quick) {
        ctx.log('browser: building the React and R3F hello worlds…');
        const reactDir = path.join(work, 'react-hello');
        helloDir = path.join(work, 'r3f-hello');
        await viteBuild(path.join(baselines, 'react-hello'), reactDir);
        await viteBuild(path.join(baselines, 'r3f-hello'), helloDir);
        const app = bundleOf(appDir);
        const react = bundleOf(reactDir);
        const r3f = bundleOf(helloDir);
        rows.push(
          row('browser', NAMES.shell, app.shell.gz / (react.shell.gz + react.three.gz), { op: '<=', value: 1.1 }, {
            appShellKB: sig(app.shell.gz / 1000),
            reactOnlyKB: sig((react.shell.gz + react.three.gz) / 1000),
            appShellRawKB: sig(app.shell.raw / 1000),
            reactOnlyRawKB: sig((react.shell.raw + react.three.raw) / 1000),
            chunks: app.shell.files.map((f) => f.replace(/-[\w-]{8}\.js$/, '')).join('+'),
          }),
          row('browser', NAMES.three, r3f.three.gz ? app.three.gz / r3f.three.gz : null, { op: '<=', value: 1.25 }, {
            app3dKB: sig(app.three.gz / 1000),
            r3fHelloKB: sig(r3f.three.gz / 1000),
            app3dRawKB: sig(app.three.raw / 1000),
            r3fHelloRawKB: sig(r3f.three.raw / 1000),
          }),
        );
      }

      if (Array.isArray(browser)) return [...rows, ...browser];

      // Scale 1: draw calls, and the first-frame time against the hello world.
      const one = await startTwin(1, appDir);
      closers.push(one.close);
      const ttff = { app: [] as number[], hello: [] as number[] };
      const hello = helloDir ? await serveStatic(helloDir) : null;
      if (hello) closers.push(() => hello.close());
      let calls1 = { calls: 0, triangles: 0 };
      // Eleven cold loads each: on a shared machine single loads of either page swing by a third (the hello world
      // 0.30 to 0.49 s, the app 0.45 to 0.63 s in one run of fifteen), and with five the ratio of the medians moved
      // by ±0.15 from run to run of the same code.
      const loads = ctx.quick ? 1 : 11;
      for (let i = 0; i < loads; i++) {
        // Alternate, cold cache each time, so neither gets the warmer machine.
        if (hello) {
          const h = await openUntilReady(browser, hello.url, '__hello');
          ttff.hello.push(h.readyAt);
          await h.close();
        }
        const a = await openUntilReady(browser, one.url, '__linetwin');
        ttff.app.push(a.readyAt);
        if (i === 0) {
          await settled(a.page);
          await sleep(500);
          calls1 = await drawCalls(a.page);
        }
        await a.close();
      }
      await one.close();
      ctx.log(`browser: scale 1 ready in ${Math.round(median(ttff.app))} ms, ${calls1.calls} draw calls`);

      // Scale 10: draw calls, then streaming and paused windows on the same page.
      const ten = await startTwin(10, appDir);
      closers.push(ten.close);
      const p = await openUntilReady(browser, ten.url, '__linetwin', 180_000);
      closers.push(p.close);
      await settled(p.page, 180_000);
      await sleep(500);
      const calls10 = await drawCalls(p.page);
      ctx.log(`browser: scale 10 ready in ${Math.round(p.readyAt)} ms, ${calls10.calls} draw calls`);
      const windowMs = ctx.quick ? 1500 : 6000;
      const pairs = ctx.quick ? 1 : 3;
      const live: Window[] = [];
      const still: Window[] = [];
      const measureStill = async () => {
        // Paused hub: the page keeps drawing the same instances, and no frame arrives.
        ten.hub.stop();
        await sleep(500);
        still.push(await measureWindow(p.page, windowMs));
      };
      const measureLive = async () => {
        ten.hub.start();
        // Let the catch-up delta after a pause land before timing.
        await sleep(700);
        live.push(await measureWindow(p.page, windowMs));
      };
      for (let i = 0; i < pairs; i++) {
        if (ctx.quick) await measureLive();
        // Alternate the order, so a machine that speeds up or slows down favours neither.
        else if (i % 2 === 0) {
          await measureStill();
          await measureLive();
        } else {
          await measureLive();
          await measureStill();
        }
      }
      // The rasterizer floor: the same triangles as one static mesh, same page, camera and resolution.
      const floor: Window[] = [];
      let floorTriangles = 0;
      if (!ctx.quick) {
        ten.hub.stop();
        floorTriangles = (await p.page.evaluate('window.__linetwin.rasterFloor(true)')) as number;
        await sleep(1000);
        for (let i = 0; i < pairs; i++) floor.push(await measureWindow(p.page, windowMs));
        await p.page.evaluate('window.__linetwin.rasterFloor(false)');
      }
      await p.close();
      await ten.close();

      const liveMs = sum(live.map((w) => w.ms));
      const commitsPerS = sum(live.map((w) => w.commits)) / (liveMs / 1000);
      const revisions = sum(live.map((w) => w.revisions));
      rows.push(
        row('browser', NAMES.calls, calls1.calls ? calls10.calls / calls1.calls : null, { op: '==', value: 1 }, {
          calls1x: calls1.calls,
          calls10x: calls10.calls,
          triangles1x: calls1.triangles,
          triangles10x: calls10.triangles,
        }),
        // Without revisions arriving, zero commits would prove nothing.
        row('browser', NAMES.commits, revisions > 0 ? commitsPerS : null, { op: '==', value: 0 }, {
          commits: sum(live.map((w) => w.commits)),
          seconds: sig(liveMs / 1000),
          revisionsReceived: revisions,
        }, revisions > 0 ? undefined : 'no revision arrived while streaming'),
      );
      if (!ctx.quick) {
        const frameMs = (w: Window) => w.frameMs;
        const ratios = live.map((w, i) => frameMs(w) / frameMs(still[i]));
        rows.push(
          row('browser', NAMES.frame, median(ratios), { op: '<=', value: 1.15 }, {
            liveFrameMs: sig(median(live.map(frameMs))),
            stillFrameMs: sig(median(still.map(frameMs))),
            liveFrames: sum(live.map((w) => w.frames)),
            // Each pair's ratio: the judged value is their median, not the ratio of the medians above.
            pairRatios: ratios.map((r) => sig(r, 2)).join('/'),
            stillRevisions: sum(still.map((w) => w.revisions)),
            robots: ten.scene.robots.length,
          }),
          row('browser', NAMES.floor, median(live.map(frameMs)) / median(floor.map(frameMs)), { op: '<=', value: 2.5 }, {
            liveFrameMs: sig(median(live.map(frameMs))),
            floorFrameMs: sig(median(floor.map(frameMs))),
            floorTriangles,
            liveTriangles: calls10.triangles,
          }),
          row('browser', NAMES.js, median(live.map((w) => w.jsMs / Math.max(1, w.jsFrames) / w.frameMs)), { op: '<=', value: 0.1 }, {
            useFrameMsPerFrame: sig(median(live.map((w) => w.jsMs / Math.max(1, w.jsFrames))), 3),
            liveFrameMs: sig(median(live.map(frameMs))),
            framesMeasured: sum(live.map((w) => w.jsFrames)),
          }),
          row('browser', NAMES.ttff, median(ttff.app) / median(ttff.hello), { op: '<=', value: 1.5 }, {
            appMs: Math.round(median(ttff.app)),
            r3fHelloMs: Math.round(median(ttff.hello)),
            loads,
          }),
        );
      }
      return rows;
    } finally {
      for (const c of closers.reverse()) {
        try {
          await c();
        } catch {
          // Already closed.
        }
      }
      rmSync(work, { recursive: true, force: true });
    }
  },
};
