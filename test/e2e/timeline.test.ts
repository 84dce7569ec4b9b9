/**
 * End to end: the time-travel timeline and the source-health panel in real headless Chromium.
 * Three small servers on the tiny three-station line (cheap to draw with software WebGL):
 * - a replay of a hand-written recording whose station states we know minute by minute,
 * - a live simulator with history (two pages: one scrubs, one stays live),
 * - a scripted source that turns a station stale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { History } from '../../server/hub/history.ts';
import { createApp, type App } from '../../server/app.ts';
import { readRecording } from '../../server/recording/reader.ts';
import { createReplaySource } from '../../server/sources/replay/index.ts';
import { createSimulatorSource } from '../../server/sources/simulator/index.ts';
import type { PlaybackStatus } from '../../protocol/events.ts';
import type { StateSnapshot, StationState } from '../../protocol/state.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { scriptedSource } from '../fixtures/scripted-source.ts';

const root = path.resolve(import.meta.dirname, '../..');
const staticDir = path.join(root, 'dist/client');
const assetsDir = path.join(root, 'assets');
const scene = tinyScene();
const STATIONS = scene.stations.map((s) => s.id);
const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-tl-'));

/** Start of the hand-written recording (a whole minute, so clock labels are round). */
const T0 = Date.UTC(2026, 10, 24, 8, 0, 0);
const MIN = 60_000;

/**
 * Ten minutes of the tiny line. Breakdowns: S2 from 1:30 to 2:00, S1 from 5:00 to the end, S3 from 8:00 to
 * 8:30. At 2:30 all three stations work; at 7:30 S1 is down and S3 starved.
 */
function writeRecording(file: string): void {
  const st = (state: StationState, ts: number) => ({ state, quality: 'good', ts, job: null });
  const lines: unknown[] = [
    { format: 'linetwin-recording', version: 1, scene: 'tiny', start: T0, source: 'test', keyframeInterval: MIN },
    {
      type: 'keyframe',
      t: T0,
      rev: 1,
      state: {
        stations: { S1: st('working', T0), S2: st('working', T0), S3: st('working', T0) },
        robots: { R1: { state: 'working', quality: 'good', ts: T0, tool: false, joints: [0, -0.3, -0.5, 0, -0.6, 0] } },
        bodies: {},
      },
    },
  ];
  const at: Array<[number, string, StationState]> = [
    [1.5, 'S2', 'down'],
    [2, 'S2', 'working'],
    [4, 'S3', 'blocked'],
    [5, 'S1', 'down'],
    [6, 'S3', 'starved'],
    [8, 'S3', 'down'],
    [8.5, 'S3', 'starved'],
  ];
  let rev = 2;
  for (const [m, id, state] of at) {
    const t = T0 + m * MIN;
    lines.push({ type: 'changes', t, rev: rev++, changes: [{ type: 'station', id, state, ts: t }] });
  }
  // The last line sets the end of the history at 10:00.
  const end = T0 + 10 * MIN;
  lines.push({ type: 'changes', t: end, rev: rev++, changes: [{ type: 'robot', id: 'R1', state: 'idle', ts: end, tool: false, joints: [0, 0, 0, 0, 0, 0] }] });
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

type Hook = {
  ready: boolean;
  settled: boolean;
  stationState(id: string): string | null;
  stationQuality(id: string): string | null;
  playback(): PlaybackStatus | null;
  select(kind: string, id: string): void;
  screenPosition(kind: string, id: string): { x: number; y: number } | null;
};

const apps: App[] = [];
let replayUrl: string;
let liveUrl: string;
let scriptUrl: string;
let script: ReturnType<typeof scriptedSource>;
let heartbeat: ReturnType<typeof setInterval> | undefined;
let browser: Browser;
const pageErrors: string[] = [];
/**
 * Pages are opened when a test first needs them and closed when no later test does: every open page renders
 * continuously, and software WebGL on two cores has no room for four at once.
 */
const pages = new Map<string, Promise<Page>>();
const page = (url: string, name = url) => {
  let p = pages.get(name);
  if (!p) pages.set(name, (p = open(url)));
  return p;
};
async function closePage(name: string): Promise<void> {
  const p = pages.get(name);
  pages.delete(name);
  await (await p)?.close();
}

async function serve(app: App): Promise<string> {
  apps.push(app);
  return `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
}

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  page.on('pageerror', (e) => pageErrors.push(`${url}: ${e.message}`));
  await page.goto(`${url}/?quality=low`);
  await page.waitForFunction(() => (window as unknown as { __linetwin?: Hook }).__linetwin?.settled === true, undefined, { timeout: 60_000 });
  return page;
}

/** Runs fn(window.__linetwin, arg) in the page. */
function hook<T, A = undefined>(page: Page, fn: (h: Hook, arg: A) => T, arg?: A): Promise<T> {
  return page.evaluate(`(${fn.toString()})(window.__linetwin, ${JSON.stringify(arg ?? null)})`) as Promise<T>;
}

const mode = (page: Page) => page.getAttribute('[data-testid="timeline"]', 'data-mode');
const cursorTime = async (page: Page) => Number(await page.getAttribute('[data-testid="timeline-time"]', 'data-time'));
const statusOf = (page: Page) => hook(page, (h) => h.playback());

/**
 * Drags the scrubber from its middle to `fraction` of its width, like a hand would, and returns the time that
 * point stands for (the track's width maps linearly onto the scrubbable range).
 */
async function dragTo(page: Page, fraction: number): Promise<number> {
  const box = (await page.locator('[data-testid="timeline-track"]').boundingBox())!;
  const y = box.y + box.height / 2;
  const x = Math.round(box.x + box.width * fraction);
  await page.mouse.move(box.x + box.width / 2, y);
  await page.mouse.down();
  await page.mouse.move((box.x + box.width / 2 + x) / 2, y, { steps: 4 });
  await page.mouse.move(x, y, { steps: 4 });
  await page.mouse.up();
  // The range the page scrubbed over; a live history's end moves on, so read it now.
  const s = (await statusOf(page))!;
  const boxAfter = (await page.locator('[data-testid="timeline-track"]').boundingBox())!;
  expect(boxAfter.width, 'the track must not change scale while scrubbing').toBeCloseTo(box.width, 0);
  return s.from! + ((x - box.x) / box.width) * (s.to! - s.from!);
}

/** Waits until every station drawn agrees with GET /api/state?at=time; returns the API's states. */
async function expectViewAt(page: Page, url: string, time: number): Promise<Record<string, string>> {
  const api = (await (await fetch(`${url}/api/state?at=${Math.round(time)}`)).json()) as StateSnapshot;
  const want = Object.fromEntries(STATIONS.map((id) => [id, api.stations[id].state]));
  await expect
    .poll(() => hook(page, (h, ids: string[]) => Object.fromEntries(ids.map((id) => [id, h.stationState(id)])), STATIONS), { timeout: 10_000 })
    .toEqual(want);
  return want;
}

beforeAll(async () => {
  // Replay of the hand-written recording, slowly, so the shared cursor barely moves during the test.
  const file = path.join(dir, 'ten-minutes.jsonl');
  writeRecording(file);
  const { history, warnings } = await readRecording(file, scene);
  expect(warnings).toEqual([]);
  replayUrl = await serve(
    createApp({ hub: createHub({ scene }), sources: [createReplaySource(history, { speed: 0.25, loop: false })], history, liveSource: false, staticDir, assetsDir }),
  );

  // A live simulator keeping its history: two simulated seconds per real second.
  liveUrl = await serve(
    createApp({
      hub: createHub({ scene }),
      sources: [createSimulatorSource(scene, { seed: 11, speed: 2, warmup: 600 })],
      history: new History({ scene, keyframeIntervalMs: 10_000 }),
      liveSource: true,
      staticDir,
      assetsDir,
    }),
  );

  const now = Date.now();
  script = scriptedSource([
    ...STATIONS.map((id) => ({ type: 'station' as const, id, state: 'working' as const, ts: now })),
    { type: 'robot', id: 'R1', state: 'working', ts: now, tool: false, joints: [0, -0.3, -0.5, 0, -0.6, 0] },
  ]);
  scriptUrl = await serve(createApp({ hub: createHub({ scene }), sources: [script], staticDir, assetsDir }));
  // The robot reports now and then, as a real line would: the page stays live (a page that hears nothing
  // for a few seconds greys the whole view, which would hide the one stale station).
  heartbeat = setInterval(() => script.push({ type: 'robot', id: 'R1', state: 'working', ts: Date.now(), tool: false, joints: [0, -0.3, -0.5, 0, -0.6, 0] }), 400);

  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  clearInterval(heartbeat);
  await browser?.close();
  for (const a of apps) await a.close();
  rmSync(dir, { recursive: true, force: true });
});

// Tests that open a page wait for its first frame, which software WebGL can take a while to draw.
describe('time travel in the timeline', { timeout: 60_000 }, () => {
  it('[E2E-TT1] dragging the scrubber moves the cursor there, and the 3D view shows the recorded state at that time', async () => {
    const replayPage = await page(replayUrl);
    await expect.poll(() => statusOf(replayPage).then((s) => s?.from ?? null)).toBe(T0);
    expect((await statusOf(replayPage))!.to).toBe(T0 + 10 * MIN);
    expect(await mode(replayPage)).toBe('live');

    // A quarter in: 2:30, every station working.
    const early = await dragTo(replayPage, 0.25);
    expect(Math.abs(early - (T0 + 2.5 * MIN))).toBeLessThan(5000);
    await expect.poll(() => mode(replayPage)).toBe('playback');
    await expect.poll(async () => Math.abs((await cursorTime(replayPage)) - early)).toBeLessThan(1500);
    // The cursor shows the seek at once; the server's status for it can arrive a moment later than that
    // (after the status of the drag's previous seek): wait for it rather than read whichever came last.
    await expect.poll(async () => Math.abs((await statusOf(replayPage))!.time - early)).toBeLessThan(1500);
    const s1 = (await statusOf(replayPage))!;
    expect(s1).toMatchObject({ mode: 'playback', playing: false, liveSource: false });
    const at1 = await cursorTime(replayPage);
    const view1 = await expectViewAt(replayPage, replayUrl, at1);
    expect(view1).toEqual({ S1: 'working', S2: 'working', S3: 'working' });
    expect(await replayPage.textContent('[data-testid="timeline-time"]')).toMatch(/^\d\d:\d\d:\d\d$/);

    // Three quarters in: 7:30, S1 broken down since 5:00 and S3 starved since 6:00.
    const late = await dragTo(replayPage, 0.75);
    expect(Math.abs(late - (T0 + 7.5 * MIN))).toBeLessThan(5000);
    await expect.poll(async () => Math.abs((await cursorTime(replayPage)) - late)).toBeLessThan(1500);
    const view2 = await expectViewAt(replayPage, replayUrl, await cursorTime(replayPage));
    expect(view2).toEqual({ S1: 'down', S2: 'working', S3: 'starved' });

    // And back: the view follows the scrubbed time both ways.
    await dragTo(replayPage, 0.25);
    await expect.poll(() => hook(replayPage, (h) => h.stationState('S1'))).toBe('working');
  });

  it('[E2E-TT3] breakdown markers match /api/markers, and space toggles play', async () => {
    const replayPage = await page(replayUrl);
    const markers = (await (await fetch(`${replayUrl}/api/markers`)).json()) as { breakdowns: Array<{ station: string; start: number }> };
    expect(markers.breakdowns.map((b) => b.station)).toEqual(['S2', 'S1', 'S3']);
    const shown = replayPage.locator('[data-testid="timeline-breakdown"]');
    await expect.poll(() => shown.count()).toBe(markers.breakdowns.length);
    expect(await shown.evaluateAll((els) => els.map((e) => e.getAttribute('data-station')))).toEqual(['S2', 'S1', 'S3']);
    // Each marker sits where its start time is on the track.
    const box = (await replayPage.locator('[data-testid="timeline-track"]').boundingBox())!;
    const s1Box = (await shown.nth(1).boundingBox())!;
    expect(Math.abs(s1Box.x - (box.x + box.width * 0.5))).toBeLessThan(3);

    const playing = async () => {
      const s = (await statusOf(replayPage))!;
      return s.mode === 'live' || s.playing;
    };
    const before = await playing();
    await replayPage.locator('body').focus();
    await replayPage.keyboard.press('Space');
    await expect.poll(playing).toBe(!before);
    expect(await replayPage.getAttribute('[data-testid="timeline-play"]', 'data-playing')).toBe(String(!before));
    if (!before) {
      // Playing at ×1: the cursor moves on.
      const t0 = await cursorTime(replayPage);
      await expect.poll(() => cursorTime(replayPage)).toBeGreaterThan(t0 + 500);
    }
    await replayPage.keyboard.press('Space');
    await expect.poll(playing).toBe(before);
    await closePage(replayUrl);
  });

  it('[E2E-TT2] on a live server, pausing or scrubbing back puts one page into playback while another stays live; "Live" returns', async () => {
    const [pageA, pageB] = await Promise.all([page(liveUrl, 'A'), page(liveUrl, 'B')]);
    await expect.poll(() => mode(pageA)).toBe('live');
    await expect.poll(() => mode(pageB)).toBe('live');
    expect(await pageA.locator('[data-testid="timeline-live"]').count()).toBe(0);
    expect((await statusOf(pageA))!.liveSource).toBe(true);

    await pageA.click('[data-testid="timeline-play"]');
    await expect.poll(() => mode(pageA)).toBe('playback');
    expect((await statusOf(pageA))!.playing).toBe(false);
    await expect.poll(() => pageA.locator('[data-testid="timeline-live"]').isVisible()).toBe(true);

    // Wait for some history, then scrub back a good way.
    await expect.poll(async () => { const s = (await statusOf(pageA))!; return s.to! - s.from!; }, { timeout: 15_000 }).toBeGreaterThan(8000);
    const target = await dragTo(pageA, 0.2);
    await expect.poll(async () => Math.abs((await cursorTime(pageA)) - target)).toBeLessThan(2000);
    await expectViewAt(pageA, liveUrl, await cursorTime(pageA));

    // The other page never left live, and its time runs ahead of A's frozen cursor.
    expect(await mode(pageB)).toBe('live');
    const b = (await statusOf(pageB))!;
    expect(b.mode).toBe('live');
    expect(b.time).toBeGreaterThan((await cursorTime(pageA)) + 2000);
    expect(await pageB.locator('[data-testid="timeline-live"]').count()).toBe(0);

    await pageA.click('[data-testid="timeline-live"]');
    await expect.poll(() => mode(pageA)).toBe('live');
    expect(await pageA.locator('[data-testid="timeline-live"]').count()).toBe(0);
    // Back with the others: A's time is B's time again (both follow the one live stream).
    await expect.poll(async () => Math.abs((await cursorTime(pageA)) - (await cursorTime(pageB))), { timeout: 5000 }).toBeLessThan(3000);
    await closePage('B');
  });
});

describe('data quality and source health', { timeout: 60_000 }, () => {
  it('[E2E-LD1] the source-health panel lists the simulator; a stale station is shown stale in the panel and greyed in 3D; a refused command is a toast', async () => {
    const pageA = await page(liveUrl, 'A');
    const health = pageA.locator('[data-testid="source-health"]');
    await health.locator('[data-testid="source-health-toggle"]').click();
    const rows = health.locator('[data-testid="source-row"]');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-kind')).toBe('simulator');
    expect(await rows.first().textContent()).toContain('Simulator');
    await closePage('A');

    const scriptPage = await page(scriptUrl);
    await hook(scriptPage, (h) => h.select('station', 'S2'));
    const panel = scriptPage.locator('[data-testid="entity-panel"]');
    await expect.poll(() => panel.locator('[data-testid="entity-id"]').textContent()).toBe('S2');
    expect(await panel.locator('[data-testid="entity-stale"]').isVisible()).toBe(false);
    const pos = (await hook(scriptPage, (h) => h.screenPosition('station', 'S2')))!;
    expect(pos).not.toBeNull();
    // Strongly green pixels around the station: its slab and stack light in the 'working' colour.
    const clip = { x: Math.max(0, pos.x - 100), y: Math.max(0, pos.y - 100), width: 200, height: 180 };
    const greenPixels = async () => {
      const png = PNG.sync.read(await scriptPage.screenshot({ clip }));
      let n = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i + 1] > png.data[i] + 40 && png.data[i + 1] > png.data[i + 2]) n++;
      return n;
    };
    const greenWhenGood = await greenPixels();
    script.push({ type: 'station', id: 'S2', state: 'working', quality: 'stale', ts: Date.now() - 30_000 });
    await expect.poll(() => hook(scriptPage, (h) => h.stationQuality('S2'))).toBe('stale');
    await expect.poll(() => panel.locator('[data-testid="entity-stale"]').isVisible()).toBe(true);
    const note = (await panel.locator('[data-testid="entity-stale"]').textContent())!;
    expect(note).toMatch(/^Stale since \d\d:\d\d:\d\d/);
    expect(await panel.textContent()).toContain('stale (not updated recently)');
    // In 3D the station is greyed: almost nothing of it is drawn in the state colour any more.
    await expect.poll(greenPixels).toBeLessThan(greenWhenGood / 4);

    // Good again: the note goes, the colour comes back.
    script.push({ type: 'station', id: 'S2', state: 'working', ts: Date.now() });
    await expect.poll(() => panel.locator('[data-testid="entity-stale"]').isVisible()).toBe(false);
    expect(await hook(scriptPage, (h) => h.stationQuality('S2'))).toBe('good');
    await expect.poll(greenPixels).toBeGreaterThan(greenWhenGood / 2);

    // This server keeps no history: a pause is refused, and the refusal is a toast, not an error page.
    expect(await scriptPage.getAttribute('[data-testid="timeline-play"]', 'disabled')).not.toBeNull();
    await scriptPage.locator('body').focus();
    await scriptPage.keyboard.press('Space');
    const toast = scriptPage.locator('[data-testid="toast"]');
    await expect.poll(() => toast.isVisible()).toBe(true);
    expect(await toast.textContent()).toMatch(/Pause failed: this server keeps no history/);
    // In Chinese the server's reason is Chinese too (worded from its code), not an English sentence in a Chinese toast.
    await scriptPage.click('[data-testid="language-button"]');
    await scriptPage.locator('body').focus();
    await scriptPage.keyboard.press('Space');
    await expect.poll(() => toast.textContent()).toMatch(/^暂停失败：此服务器不保存历史记录/);
    expect(await mode(scriptPage)).toBe('live');
    expect(await panel.isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
