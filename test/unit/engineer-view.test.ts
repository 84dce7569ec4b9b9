/**
 * Pure logic of the engineer view: heatmap colour scales, the deep-link encoding (property-tested round
 * trip), buffer fill counting, search resolution, and the server's per-body route store.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LocationKind } from '../../protocol/codec.ts';
import { heatmapModes, heatRgb, heatScales, isHeatmapMode, NO_DATA_HEX, rgbToHex, type HeatStation } from '../../client/src/store/heat-scale.ts';
import { decodeView, encodeView, type LinkedView } from '../../client/src/store/deep-link.ts';
import { countOnConveyors, fillRatio } from '../../client/src/scene/buffer-fill.ts';
import { resolveLocal } from '../../client/src/ui/SearchBox.tsx';
import { stateShares } from '../../client/src/ui/StationInsights.tsx';
import { BodyRoutes } from '../../server/analytics/body-routes.ts';
import { MIN_RATE_SECONDS, shownRate } from '../../client/src/store/analytics-feed.ts';
import { ROUTE_POLL_MS, ROUTE_SCRUB_MS, routeDue, type RouteAsked, type RouteView } from '../../client/src/store/body-route.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';

const station = (over: Partial<HeatStation['shares']> = {}, cycle: { count: number; meanVsTakt: number | null } = { count: 0, meanVsTakt: null }, total = 0): HeatStation => ({
  id: 'S',
  shares: { working: 0, starved: 0, blocked: 0, down: 0, setup: 0, off: 0, unknown: 0, ...over },
  cycleTime: cycle,
  bottleneck: { total },
});
const hexOf = (scale: (typeof heatScales)[keyof typeof heatScales], v: number | null) => {
  const out = [0, 0, 0];
  heatRgb(scale, v, out);
  return rgbToHex(out[0], out[1], out[2]);
};

describe('heatmap scales', () => {
  it('[HEAT1] the ends and stops of each scale are its stop colours; values outside the domain clamp', () => {
    for (const [mode, scale] of Object.entries(heatScales)) {
      const [lo, hi] = scale.domain;
      expect(hexOf(scale, lo), mode).toBe(scale.stops[0][1]);
      expect(hexOf(scale, hi), mode).toBe(scale.stops[scale.stops.length - 1][1]);
      expect(hexOf(scale, lo - 10), mode).toBe(scale.stops[0][1]);
      expect(hexOf(scale, hi + 10), mode).toBe(scale.stops[scale.stops.length - 1][1]);
      const mid = scale.stops[2];
      expect(hexOf(scale, lo + (hi - lo) * mid[0]), mode).toBe(mid[1]);
    }
  });

  it('[HEAT2] null, NaN and infinite values draw the no-data colour', () => {
    for (const scale of Object.values(heatScales)) for (const v of [null, NaN, Infinity]) expect(hexOf(scale, v)).toBe(NO_DATA_HEX);
  });

  it('[HEAT3] values: shares of planned time (off and unknown left out), bottleneck total, cycle vs takt only with cycles', () => {
    const s = station({ working: 0.3, blocked: 0.1, starved: 0.1, off: 0.5 });
    expect(heatScales.utilisation.value(s)).toBeCloseTo(0.6);
    expect(heatScales.blocked.value(s)).toBeCloseTo(0.2);
    expect(heatScales.starved.value(s)).toBeCloseTo(0.2);
    expect(heatScales.utilisation.value(station({ off: 0.4, unknown: 0.6 }))).toBeNull();
    expect(heatScales.bottleneck.value(station({}, undefined, 0.45))).toBe(0.45);
    expect(heatScales.cycle.value(station({}, { count: 0, meanVsTakt: 1.2 }))).toBeNull();
    expect(heatScales.cycle.value(station({}, { count: 3, meanVsTakt: 1.2 }))).toBe(1.2);
  });

  it('[HEAT4] every mode but "state" has a scale; a higher value is never lighter on the sequential scales', () => {
    expect(heatmapModes.filter((m) => m !== 'state').every((m) => m in heatScales)).toBe(true);
    expect(isHeatmapMode('utilisation')).toBe(true);
    expect(isHeatmapMode('nope')).toBe(false);
    const lum = (h: string) => {
      const n = parseInt(h.slice(1), 16);
      return 0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
    };
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [x, y] = a <= b ? [a, b] : [b, a];
        return lum(hexOf(heatScales.utilisation, y)) <= lum(hexOf(heatScales.utilisation, x)) + 1;
      }),
    );
  });
});

describe('deep links', () => {
  const coord = fc.double({ min: -5000, max: 5000, noNaN: true });
  const id = fc.string({ minLength: 1, maxLength: 40 });
  const view: fc.Arbitrary<LinkedView> = fc.record(
    {
      camera: fc.record({ position: fc.tuple(coord, coord, coord), target: fc.tuple(coord, coord, coord) }),
      selection: fc.record({ kind: fc.constantFrom('station' as const, 'robot' as const, 'body' as const), id }),
      heatmap: fc.constantFrom(...heatmapModes.filter((m) => m !== 'state')),
      time: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    },
    { requiredKeys: [] },
  );

  it('[LINK1] decode(encode(view)) gives the view back (camera to the centimetre), and encoding is stable', () => {
    fc.assert(
      fc.property(view, (v) => {
        const hash = encodeView(v);
        const back = decodeView(hash);
        expect(back.selection).toEqual(v.selection);
        expect(back.heatmap).toEqual(v.heatmap);
        expect(back.time).toEqual(v.time);
        if (v.camera) {
          for (let k = 0; k < 3; k++) {
            expect(Math.abs(back.camera!.position[k] - v.camera.position[k])).toBeLessThanOrEqual(0.005 + 1e-9);
            expect(Math.abs(back.camera!.target[k] - v.camera.target[k])).toBeLessThanOrEqual(0.005 + 1e-9);
          }
        } else expect(back.camera).toBeUndefined();
        expect(encodeView(back)).toBe(hash);
      }),
      { numRuns: 300 },
    );
  });

  it('[LINK2] the format: readable keys, the state mode left out, ISO time; malformed parts are dropped, not thrown', () => {
    expect(encodeView({ camera: { position: [1, 2.345, -3], target: [0, 0, 0] }, selection: { kind: 'station', id: 'BS-020' }, heatmap: 'blocked', time: Date.UTC(2026, 10, 24, 8, 3) })).toBe(
      '#cam=1%2C2.35%2C-3%2C0%2C0%2C0&sel=station%3ABS-020&heat=blocked&t=2026-11-24T08%3A03%3A00.000Z',
    );
    expect(encodeView({ heatmap: 'state' })).toBe('');
    expect(decodeView('#t=1767600000000')).toEqual({ time: 1767600000000 });
    expect(decodeView('cam=1,2,3&sel=station:S:1')).toEqual({ selection: { kind: 'station', id: 'S:1' } });
    expect(decodeView('#cam=1,2,x,4,5,6&sel=truck:T1&heat=rainbow&t=yesterday')).toEqual({});
    fc.assert(fc.property(fc.string(), (s) => typeof decodeView(s) === 'object'));
  });
});

describe('buffer fill', () => {
  it('[BUF1] counts alive bodies located on each conveyor; others (at stations, dead slots, out of range) do not count', () => {
    const alive = Uint8Array.from([1, 1, 1, 0, 1, 1]);
    const kind = Uint8Array.from([LocationKind.conveyor, LocationKind.conveyor, LocationKind.station, LocationKind.conveyor, LocationKind.conveyor, LocationKind.conveyor]);
    const index = Int32Array.from([0, 1, 0, 1, 1, 7]);
    const out = new Int32Array(2);
    countOnConveyors(alive, kind, index, 6, out);
    expect([...out]).toEqual([1, 2]);
    countOnConveyors(alive, kind, index, 1, out);
    expect([...out]).toEqual([1, 0]);
    expect(fillRatio(1, 2)).toBe(0.5);
    expect(fillRatio(3, 2)).toBe(1);
    expect(fillRatio(1, 0)).toBe(0);
  });
});

describe('search and the station panel', () => {
  const scene = tinyScene();
  it('[FIND1] a station by id or name (any case), a robot by id, a body by VIN; nothing for an unknown text', () => {
    expect(resolveLocal('S2', scene, [])).toEqual({ kind: 'station', id: 'S2' });
    expect(resolveLocal(' respot ', scene, [])).toEqual({ kind: 'station', id: 'S2' });
    expect(resolveLocal('r1', scene, [])).toEqual({ kind: 'robot', id: 'R1' });
    expect(resolveLocal('WVW123', scene, ['ABC', 'WVW123'])).toEqual({ kind: 'body', id: 'WVW123' });
    expect(resolveLocal('wvw123', scene, ['WVW123'])).toEqual({ kind: 'body', id: 'WVW123' });
    expect(resolveLocal('nothing', scene, ['WVW123'])).toBeNull();
    expect(resolveLocal('  ', scene, [])).toBeNull();
  });

  it('[GANTT1] state shares of the window from the timeline intervals', () => {
    const sh = stateShares({ window: { fromMs: 0, toMs: 100, seconds: 0.1 }, intervals: [{ from: 0, to: 25, state: 'working' }, { from: 25, to: 50, state: 'down' }, { from: 50, to: 100, state: 'working' }] });
    expect(sh).toEqual({ working: 0.75, down: 0.25 });
  });
});

describe('body routes (server)', () => {
  it('[ROUTE1] visits open and close as the body moves; moving along one conveyor is one visit; removal closes the route', () => {
    const r = new BodyRoutes();
    r.locate('B', 'station', 'S1', 10, true);
    r.locate('B', 'conveyor', 'C1', 20);
    r.locate('B', 'conveyor', 'C1', 25);
    r.locate('B', 'station', 'S2', 30);
    r.remove('B', 45);
    expect(r.get('B')).toEqual({
      id: 'B',
      firstSeen: 10,
      removed: 45,
      droppedVisits: 0,
      visits: [
        { kind: 'station', id: 'S1', from: 10, to: 20, enteredBeforeData: true },
        { kind: 'conveyor', id: 'C1', from: 20, to: 30, enteredBeforeData: false },
        { kind: 'station', id: 'S2', from: 30, to: 45, enteredBeforeData: false },
      ],
    });
    // Seen again after its removal (a looping replay): a new route.
    r.locate('B', 'station', 'S1', 100);
    expect(r.get('B')).toMatchObject({ firstSeen: 100, removed: null, visits: [{ id: 'S1', from: 100, to: null }] });
  });

  it('[ROUTE2] bounded: bodies that left are forgotten beyond maxGone or before the cutoff; visits beyond maxVisits drop the oldest', () => {
    const r = new BodyRoutes({ maxGone: 2, maxVisits: 3 });
    for (let i = 0; i < 4; i++) {
      r.locate(`B${i}`, 'station', 'S1', i);
      r.remove(`B${i}`, i + 1);
    }
    expect([0, 1, 2, 3].map((i) => r.get(`B${i}`) !== null)).toEqual([false, false, true, true]);
    r.trim(4);
    expect(r.get('B2')).toBeNull();
    expect(r.get('B3')).not.toBeNull();
    for (let t = 0; t < 5; t++) r.locate('X', 'station', t % 2 ? 'S1' : 'S2', 10 + t);
    expect(r.get('X')!.visits.map((v) => v.from)).toEqual([12, 13, 14]);
    expect(r.get('X')!.droppedVisits).toBe(2);
  });
});

describe('following a body in playback (client)', () => {
  const live: RouteView = { asOf: null, playing: true, rate: 1 };
  const paused = (asOf: number): RouteView => ({ asOf, playing: false, rate: 1 });
  const playing = (asOf: number, rate = 1): RouteView => ({ asOf, playing: true, rate });
  const asked = (at: number | null, sentAt: number, over: Partial<RouteAsked> = {}): RouteAsked => ({ at, sentAt, ok: true, removed: null, ...over });
  const T = 1_767_600_000_000;

  it('[ROUTE-F1] live: asked without a time every few seconds until the body has left the plant; going into the past asks at once', () => {
    expect(routeDue(live, null, 0)).toBe(true);
    expect(routeDue(live, asked(null, 0), ROUTE_POLL_MS - 1)).toBe(false);
    expect(routeDue(live, asked(null, 0), ROUTE_POLL_MS)).toBe(true);
    expect(routeDue(live, asked(null, 0, { removed: T }), 10 * ROUTE_POLL_MS)).toBe(false);
    expect(routeDue(live, asked(null, 0, { ok: false }), ROUTE_POLL_MS)).toBe(true);
    // Into playback, and back to live: at once, even with a final route.
    expect(routeDue(paused(T), asked(null, 0, { removed: T - 1 }), 1)).toBe(true);
    expect(routeDue(live, asked(T, 0, { removed: T - 1 }), 1)).toBe(true);
  });

  it('[ROUTE-F2] in the past: asked again only when the cursor moved, at most every ROUTE_SCRUB_MS while scrubbing; a body gone as of the cursor is not asked again', () => {
    // Paused where it was asked: the answer stands.
    expect(routeDue(paused(T), asked(T, 0), 60_000)).toBe(false);
    // A seek long after the last question: at once; while dragging: throttled.
    expect(routeDue(paused(T - 90_000), asked(T, 0), 5000)).toBe(true);
    expect(routeDue(paused(T - 90_000), asked(T, 0), ROUTE_SCRUB_MS - 1)).toBe(false);
    expect(routeDue(paused(T - 90_000), asked(T, 0), ROUTE_SCRUB_MS)).toBe(true);
    // Gone as of the last answer and of the cursor: the same answer, not asked; before the removal: asked.
    expect(routeDue(paused(T + 60_000), asked(T, 0, { removed: T - 1000 }), 5000)).toBe(false);
    expect(routeDue(playing(T + 60_000), asked(T, 0, { removed: T - 1000 }), 5000)).toBe(false);
    expect(routeDue(paused(T - 2000), asked(T, 0, { removed: T - 1000 }), 5000)).toBe(true);
    // A failed answer (server gone, not yet in the plant) is asked again after a while.
    expect(routeDue(paused(T), asked(T, 0, { ok: false }), ROUTE_POLL_MS - 1)).toBe(false);
    expect(routeDue(paused(T), asked(T, 0, { ok: false }), ROUTE_POLL_MS)).toBe(true);
  });

  it('[ROUTE-F3] playing in the past: asked every few seconds as the cursor runs on; a jump (a seek, a replay looping) is asked within ROUTE_SCRUB_MS', () => {
    expect(routeDue(playing(T + 1000), asked(T, 0), 1000)).toBe(false);
    expect(routeDue(playing(T + ROUTE_POLL_MS), asked(T, 0), ROUTE_POLL_MS)).toBe(true);
    // At ×60 a cursor 60 s on after a second has not jumped.
    expect(routeDue(playing(T + 60_000, 60), asked(T, 0), 1000)).toBe(false);
    // Back by ten minutes (a seek while playing, or the replay looping): soon.
    expect(routeDue(playing(T - 600_000), asked(T, 0), ROUTE_SCRUB_MS - 1)).toBe(false);
    expect(routeDue(playing(T - 600_000), asked(T, 0), ROUTE_SCRUB_MS)).toBe(true);
    expect(routeDue(playing(T + 3_600_000, 60), asked(T, 0), ROUTE_SCRUB_MS)).toBe(true);
  });
});

describe('line KPIs shown', () => {
  it('[KPI-R1] a rate is shown only over ten minutes of data or more (one body in 20 s is not "180 per hour")', () => {
    expect(shownRate(180, 20)).toBeNull();
    expect(shownRate(58.5, MIN_RATE_SECONDS - 1)).toBeNull();
    expect(shownRate(58.5, MIN_RATE_SECONDS)).toBe(58.5);
    expect(shownRate(Number.NaN, 3600)).toBeNull();
  });
});
