/**
 * The plant drawn from the glTF models, end to end: the real server serving assets/, the built client in
 * headless Chromium (software WebGL, small viewport to stay quick on two cores).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { distinctColours } from './pixels.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { createSimulatorSource } from '../../server/sources/simulator/index.ts';
import { parseScene, type ResolvedScene } from '../../protocol/scene.ts';
import type { SceneInput } from '../../protocol/scene-schema.ts';
import { scaleScene } from '../../scripts/generate-scene.ts';

const root = path.resolve(import.meta.dirname, '../..');
const demoInput = JSON.parse(readFileSync(path.join(root, 'scenes/demo-plant/scene.json'), 'utf8')) as SceneInput;
const VIEWPORT = { width: 800, height: 560 };

type Hook = { ready: boolean; settled: boolean; renderInfo(): { calls: number; triangles: number; frames: number } };

let browser: Browser;
let page: Page;
let assets: string;
const apps: App[] = [];
const pageErrors: string[] = [];

async function serve(scene: ResolvedScene): Promise<string> {
  const hub = createHub({ scene });
  // Slow simulated time: bodies and arms barely move between two screenshots.
  const source = createSimulatorSource(scene, { seed: 7, speed: 0.2, warmup: 900 });
  const app = createApp({ hub, sources: [source], staticDir: path.join(root, 'dist/client'), assetsDir: assets });
  apps.push(app);
  return `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}/`;
}

/** Opens `url`, waits until the twin has settled (models settled, a frame drawn with them and live state). */
async function open(url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __linetwin?: Hook }).__linetwin?.settled === true, undefined, { timeout: 60_000 });
}

/** The commonest draw-call count of a few frames (a frame may add a tool glow or drop one). */
async function drawCalls(): Promise<{ calls: number; triangles: number }> {
  const samples: { calls: number; triangles: number }[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(await page.evaluate(() => (window as unknown as { __linetwin: Hook }).__linetwin.renderInfo()));
    await new Promise((r) => setTimeout(r, 120));
  }
  const counts = new Map<number, number>();
  for (const s of samples) counts.set(s.calls, (counts.get(s.calls) ?? 0) + 1);
  const calls = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  return { calls, triangles: samples.find((s) => s.calls === calls)!.triangles };
}

/** Eases the camera to the scene's "Body shop" preset (robots, bodies, fences and fixtures up close). */
async function bodyShopView(): Promise<void> {
  await page.getByRole('button', { name: 'Body shop', exact: true }).click();
  // The transition takes 1.4 s of wall-clock time, however slowly frames come.
  await new Promise((r) => setTimeout(r, 2500));
}

async function canvasShot(): Promise<PNG> {
  return PNG.sync.read(await page.locator('canvas').first().screenshot());
}

/** Share of pixels whose colour differs by more than a small tolerance (anti-aliasing, easing). */
function differing(a: PNG, b: PNG): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const d = Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
    if (d > 48) n++;
  }
  return n / (a.width * a.height);
}

let demoUrl: string;
let bigUrl: string;
let brokenUrl: string;

beforeAll(async () => {
  // The server's assets folder: the generated models, plus a scene's own broken one.
  assets = mkdtempSync(path.join(os.tmpdir(), 'linetwin-assets-'));
  symlinkSync(path.join(root, 'assets/models'), path.join(assets, 'models'), 'dir');
  mkdirSync(path.join(assets, 'custom'));
  writeFileSync(path.join(assets, 'custom/broken-robot.glb'), 'exported from a CAD tool that forgot the binary\n');
  const broken = structuredClone(demoInput);
  broken.robots![0].model3d = 'assets/custom/broken-robot.glb';
  // A real glTF that is no robot: read fine, then refused by the shared rules (no joint nodes).
  broken.robots![1].model3d = 'assets/models/body-sedan.glb';
  [demoUrl, bigUrl, brokenUrl] = await Promise.all([serve(parseScene(demoInput)), serve(parseScene(scaleScene(demoInput, 3))), serve(parseScene(broken))]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORT });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(apps.map((a) => a.close()));
  if (assets) rmSync(assets, { recursive: true, force: true });
});

describe('the plant from glTF models', () => {
  let models: PNG;
  let demoCalls = 0;

  it('[MDL1] draws the demo plant with models: not blank, a bounded number of draw calls, no model notice', async () => {
    await open(demoUrl);
    // Counted from the first camera preset (the whole plant), as for the larger plant below.
    const info = await drawCalls();
    demoCalls = info.calls;
    // One instanced mesh per kit part, whatever the plant's size: robots 3 models × 7 links × 2 levels (42),
    // tools 5 × 2, bodies (2 styles × painted/bare × 2 levels, glass) and skids ~15, equipment kinds and
    // fences ~20, stations, conveyors and floor ~15, so about a hundred; far fewer than one per robot (85).
    expect(info.calls).toBeGreaterThan(60);
    expect(info.calls).toBeLessThanOrEqual(150);
    expect(info.triangles).toBeGreaterThan(20_000);
    await bodyShopView();
    models = await canvasShot();
    expect(distinctColours(models)).toBeGreaterThan(150);
    expect(await page.locator('[data-testid="model-notice"]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('[MDL2] differs clearly from the ?models=off rendering of the same view', async () => {
    // What the plant's own motion changes in a second: the floor for "clearly different".
    await new Promise((r) => setTimeout(r, 1000));
    const noise = differing(models, await canvasShot());
    await open(`${demoUrl}?models=off`);
    await bodyShopView();
    const primitives = await canvasShot();
    expect(distinctColours(primitives)).toBeGreaterThan(100);
    const diff = differing(models, primitives);
    expect(diff, `models vs primitives ${diff}, motion alone ${noise}`).toBeGreaterThan(Math.max(0.05, noise * 4));
  });

  it('[MDL3] a plant three times larger draws with exactly as many draw calls', async () => {
    await open(bigUrl);
    const big = await drawCalls();
    expect(big.calls).toBe(demoCalls);
  });

  it('[MDL4] a robot pointing at a broken model file: a calm notice naming the file, the plant still drawn', async () => {
    await open(brokenUrl);
    const notice = page.locator('[data-testid="model-notice"]');
    await expect.poll(() => notice.isVisible()).toBe(true);
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain('assets/custom/broken-robot.glb');
    expect(text).toContain('is not a glTF file');
    expect(text).toContain('built-in model is drawn instead');
    expect(text).toContain('assets/models/body-sedan.glb has no joint nodes "base", "shoulder"');
    expect(distinctColours(await canvasShot())).toBeGreaterThan(150);
    // The robots fall back to the built-in model of their kind: the same pools as the demo plant.
    expect((await drawCalls()).calls).toBe(demoCalls);
    expect(pageErrors).toEqual([]);
  });

  it('[MDL5] with ?lang=zh-CN the notice is Chinese, the shared rules\' findings included', async () => {
    await open(`${brokenUrl}?lang=zh-CN`);
    const notice = page.locator('[data-testid="model-notice"]');
    await expect.poll(() => notice.isVisible()).toBe(true);
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain('assets/custom/broken-robot.glb 不是 glTF 文件');
    expect(text).toContain('assets/models/body-sedan.glb 缺少关节节点“base”、“shoulder”');
    expect(text).toContain('已改用内置模型绘制');
    expect(text).not.toMatch(/joint node|built-in/);
    expect(pageErrors).toEqual([]);
  });
});
