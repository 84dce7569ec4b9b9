/**
 * End to end, as a person would see it: the real server (demo plant, built-in simulator) and the
 * built client in real headless Chromium (software WebGL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { createSimulatorSource } from '../../server/sources/simulator/index.ts';
import { loadSceneFile } from '../../server/scene-loader.ts';
import type { StateSnapshot } from '../../protocol/state.ts';

const root = path.resolve(import.meta.dirname, '../..');
const scene = loadSceneFile(path.join(root, 'scenes/demo-plant/scene.json'));

type Hook = {
  ready: boolean;
  settled: boolean;
  revision(): number;
  screenPosition(kind: string, id: string): { x: number; y: number } | null;
  renderInfo(): { calls: number; triangles: number; frames: number };
  reactCommits(): number;
  stationState(id: string): string | null;
  earlySocket(): boolean;
  earlyState(): boolean;
  connectedAt(): number | null;
  readyAt: number | null;
};

let app: App;
let url: string;
/** Socket.IO connections the server saw while the first page loaded. */
let connectionsAtLoad = 0;
/** The handshake auth of the first page's connection. */
let authAtLoad: Record<string, unknown> = {};
let firstEpoch = '';
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  const hub = createHub({ scene });
  firstEpoch = hub.epoch;
  // Slow simulated time so a station's state holds still while the test reads it.
  const source = createSimulatorSource(scene, { seed: 7, speed: 0.2, warmup: 1800 });
  app = createApp({ hub, sources: [source], staticDir: path.join(root, 'dist/client'), assetsDir: path.join(root, 'assets') });
  url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  let connections = 0;
  const count = (socket: { handshake: { auth: Record<string, unknown> } }) => {
    if (connections++ === 0) authAtLoad = socket.handshake.auth;
  };
  app.io.on('connection', count);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __linetwin?: Hook }).__linetwin?.settled === true, undefined, { timeout: 90_000 });
  connectionsAtLoad = connections;
  app.io.off('connection', count);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Runs fn(window.__linetwin) in the page. */
const hook = <T>(fn: (h: Hook) => T) => page.evaluate(`(${fn.toString()})(window.__linetwin)`) as Promise<T>;

describe('the twin in Chromium', () => {
  it('[E2E0] the client built for the tests is the production build npm start serves, though the tests run with NODE_ENV=test', () => {
    expect(process.env.NODE_ENV).toBe('test');
    const dir = path.join(root, 'dist/client/bundle');
    const scripts = readdirSync(dir).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(3);
    // React's development build greets the console with this line; its production build has no such text.
    expect(scripts.filter((f) => readFileSync(path.join(dir, f), 'utf8').includes('Download the React DevTools'))).toEqual([]);
  });

  it('[E2E1] loads with no page error and shows the live badge and the legend', async () => {
    await expect.poll(() => page.getAttribute('[data-testid="connection-badge"]', 'data-status'), { timeout: 15_000 }).toBe('live');
    const legend = await page.textContent('[data-testid="legend"]');
    for (const s of ['working', 'starved', 'blocked', 'down', 'setup', 'off']) expect(legend?.toLowerCase()).toContain(s);
    expect(pageErrors).toEqual([]);
  });

  it('[E2E1b] one connection per page; the first frame is drawn from the state fetched with the scene, and the socket then resumes from it', async () => {
    // The shell fetches the current state over HTTP (GET /api/state/frame) beside the scene; the plant is drawn
    // from it, and only then does the socket connect, its handshake naming that hub and revision, so the hub sends
    // only what changed since. The shell opens no socket of its own then.
    expect(await hook((h) => h.earlyState())).toBe(true);
    expect(await hook((h) => h.earlySocket())).toBe(false);
    expect(connectionsAtLoad).toBe(1);
    expect(authAtLoad.epoch).toBe(firstEpoch);
    expect(Number.isInteger(authAtLoad.revision)).toBe(true);
    const at = await hook((h) => ({ ready: h.readyAt, connected: h.connectedAt() }));
    expect(at.ready).not.toBeNull();
    expect(at.connected).toBeGreaterThan(at.ready!);
    expect(await hook((h) => h.revision())).toBeGreaterThan(0);
  });

  it('[E2E2] the 3D canvas is not blank: many colours, and the plant draws', async () => {
    const shot = PNG.sync.read(await page.locator('canvas').first().screenshot());
    const colours = new Set<number>();
    for (let i = 0; i < shot.data.length; i += 4 * 7) colours.add((shot.data[i] << 16) | (shot.data[i + 1] << 8) | shot.data[i + 2]);
    expect(colours.size).toBeGreaterThan(200);
    const info = await hook((h) => h.renderInfo());
    expect(info.calls).toBeGreaterThan(5);
    expect(info.triangles).toBeGreaterThan(1000);
  });

  it('[E2E3] clicking a station opens its panel, and the state shown matches /api/state', async () => {
    // Stations without robots are not hidden behind an arm.
    const withRobots = new Set(scene.robots.map((r) => r.station));
    const candidates = scene.stations.filter((s) => !withRobots.has(s.id));
    let clicked: string | null = null;
    for (const s of candidates) {
      const pos = await page.evaluate((id) => (window as unknown as { __linetwin: Hook }).__linetwin.screenPosition('station', id), s.id);
      if (!pos) continue;
      await page.mouse.click(pos.x, pos.y);
      const panel = page.locator('[data-testid="entity-panel"]');
      if (!(await panel.isVisible().catch(() => false))) continue;
      if ((await panel.locator('[data-testid="entity-id"]').textContent())?.trim() === s.id) {
        clicked = s.id;
        break;
      }
    }
    expect(clicked, 'no station could be clicked on screen').not.toBeNull();
    // States change now and then; the panel and the API must agree within a few reads.
    let agreed = false;
    for (let i = 0; i < 10 && !agreed; i++) {
      const shown = (await page.textContent('[data-testid="entity-state"]'))?.trim();
      const api = (await (await fetch(`${url}/api/state`)).json()) as StateSnapshot;
      agreed = shown === api.stations[clicked!].state;
      if (!agreed) await new Promise((r) => setTimeout(r, 300));
    }
    expect(agreed).toBe(true);
  });

  it('[E2E5] the connection badge says reconnecting while the server is away, and live again after it restarts', async () => {
    const port = Number(new URL(url).port);
    // The old server has reached a far higher revision than a new one will have.
    const oldRevision = await hook((h) => h.revision());
    expect(oldRevision).toBeGreaterThan(5);
    await app.close();
    await expect.poll(() => page.getAttribute('[data-testid="connection-badge"]', 'data-status'), { timeout: 20_000 }).toBe('reconnecting');
    // The page keeps showing the last state meanwhile: no blank canvas, no error page.
    // The 3D view's canvas: panels may draw charts on canvases of their own.
    expect(await page.locator('.viewport canvas').count()).toBe(1);
    const hub = createHub({ scene });
    app = createApp({ hub, sources: [createSimulatorSource(scene, { seed: 8, speed: 0.2, warmup: 600 })], staticDir: path.join(root, 'dist/client'), assetsDir: path.join(root, 'assets') });
    await app.listen(port, '127.0.0.1');
    await expect.poll(() => page.getAttribute('[data-testid="connection-badge"]', 'data-status'), { timeout: 30_000 }).toBe('live');
    // It resynchronised with the new server (a new epoch, so a fresh snapshot).
    // The page must now follow the new hub's revisions.
    expect(hub.revision).toBeLessThan(oldRevision);
    await expect.poll(async () => Math.abs((await hook((h) => h.revision())) - hub.revision), { timeout: 10_000 }).toBeLessThanOrEqual(3);
    expect(pageErrors).toEqual([]);
  });

  it('[E2E6] ready is the first frame: the plant drawn with live state, before the models and the KPIs settle', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    fresh.on('pageerror', (e) => errors.push(e.message));
    const station = scene.stations[0].id;
    try {
      await fresh.goto(url);
      // Read in the same animation frame that sees `ready`, so nothing has moved on since.
      const seen = await fresh.waitForFunction(
        (id) => {
          const h = (window as unknown as { __linetwin?: Hook }).__linetwin;
          if (!h?.ready) return false;
          return { settled: h.settled, revision: h.revision(), frames: h.renderInfo().frames, calls: h.renderInfo().calls, state: h.stationState(id), boot: !!document.querySelector('[data-testid="boot-screen"]') };
        },
        station,
        { timeout: 90_000, polling: 'raf' },
      );
      const first = (await seen.jsonValue()) as { settled: boolean; revision: number; frames: number; calls: number; state: string | null; boot: boolean };
      expect(first.revision).toBeGreaterThanOrEqual(0);
      expect(first.frames).toBeGreaterThanOrEqual(2);
      expect(first.calls).toBeGreaterThan(0);
      expect(first.state).not.toBeNull();
      // Visible, not drawn under the loading screen.
      expect(first.boot).toBe(false);
      // Then the final look: the glTF models and the first KPI answer, with the panels up and the loading screen gone.
      await fresh.waitForFunction(() => (window as unknown as { __linetwin?: Hook }).__linetwin?.settled === true, undefined, { timeout: 90_000 });
      expect(await fresh.locator('[data-testid="boot-screen"]').count()).toBe(0);
      await expect.poll(() => fresh.getAttribute('[data-testid="connection-badge"]', 'data-status'), { timeout: 15_000 }).toBe('live');
      expect(errors).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('[E2E6b] without the state over HTTP (the request fails), the shell opens the socket early and the first frame comes from its snapshot', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    fresh.on('pageerror', (e) => errors.push(e.message));
    await fresh.route('**/api/state/frame', (r) => r.abort('connectionrefused'));
    try {
      await fresh.goto(url);
      await fresh.waitForFunction(() => (window as unknown as { __linetwin?: Hook }).__linetwin?.ready === true, undefined, { timeout: 90_000 });
      const seen = await fresh.evaluate(() => {
        const h = (window as unknown as { __linetwin: Hook }).__linetwin;
        return { earlyState: h.earlyState(), earlySocket: h.earlySocket(), revision: h.revision() };
      });
      expect(seen.earlyState).toBe(false);
      expect(seen.earlySocket).toBe(true);
      expect(seen.revision).toBeGreaterThanOrEqual(0);
      await expect.poll(() => fresh.getAttribute('[data-testid="connection-badge"]', 'data-status'), { timeout: 15_000 }).toBe('live');
      expect(errors).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('[E2E4] streaming state causes no React commits', async () => {
    const before = await hook((h) => [h.reactCommits(), h.revision()] as const);
    await new Promise((r) => setTimeout(r, 3000));
    const after = await hook((h) => [h.reactCommits(), h.revision()] as const);
    expect(after[1]).toBeGreaterThan(before[1]);
    expect(after[0] - before[0]).toBe(0);
  });

  it('[E2E7] ?stats shows the frame rate, the draw calls and GPU resources of the view and the GPU, rewritten without React commits', async () => {
    expect(await page.locator('[data-testid="perf-overlay"]').count()).toBe(0);
    const stats = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await stats.goto(`${url}/?stats`);
      await stats.waitForFunction(() => (window as unknown as { __linetwin?: Hook }).__linetwin?.settled === true, undefined, { timeout: 90_000 });
      const text = (id: string) => stats.textContent(`[data-testid="perf-${id}"]`);
      await expect.poll(async () => Number(await text('fps')), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await text('frame')).toMatch(/^\d+\.\d ms, worst \d+ ms$/);
      const drawn = /^(\d+) calls, ([\d,]+) triangles$/.exec((await text('calls')) ?? '');
      expect(drawn).not.toBeNull();
      const info = (await stats.evaluate('window.__linetwin.renderInfo()')) as { calls: number; geometries: number; textures: number; programs: number };
      // Sampled half a second apart: a weld spark may come or go in between (one call).
      expect(Math.abs(Number(drawn![1]) - info.calls)).toBeLessThanOrEqual(2);
      await expect.poll(() => text('memory')).toBe(`${info.geometries} geometries, ${info.textures} textures, ${info.programs} shaders`);
      expect(await text('gpu')).toMatch(/\S+ \((low|high) quality\)$/);
      // Five rewrites in 2.5 s, no commit.
      const commits = () => stats.evaluate('window.__linetwin.reactCommits()') as Promise<number>;
      const before = await commits();
      await new Promise((r) => setTimeout(r, 2500));
      expect((await commits()) - before).toBe(0);
    } finally {
      await stats.close();
    }
  });

  it('[E2E8] the 3D view follows the window: a resized page gets a drawing buffer of its new shape, and frames keep coming', async () => {
    const view = () =>
      page.evaluate(() => {
        const c = document.querySelector('.viewport canvas') as HTMLCanvasElement;
        return { w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight };
      });
    const before = await view();
    expect(before.w / before.h).toBeCloseTo(1280 / 800, 2);
    try {
      await page.setViewportSize({ width: 760, height: 900 });
      await expect.poll(view, { timeout: 10_000 }).toMatchObject({ cssW: 760, cssH: 900 });
      // The drawing buffer (the renderer's size times its pixel ratio) takes the window's new, upright shape.
      const aspect = (w: number, h: number) => Math.round((w / h) * 100) / 100;
      await expect.poll(async () => { const v = await view(); return aspect(v.w, v.h); }, { timeout: 10_000 }).toBe(aspect(760, 900));
      const frames = await hook((h) => h.renderInfo().frames);
      await expect.poll(() => hook((h) => h.renderInfo().frames), { timeout: 10_000 }).toBeGreaterThan(frames + 2);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
