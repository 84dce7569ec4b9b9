import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScene, type ResolvedScene } from '../../protocol/scene.ts';
import type { Change } from '../../protocol/changes.ts';
import type { StationState } from '../../protocol/state.ts';
import { StationTimelines } from '../../server/analytics/station-timelines.ts';
import { bottleneckKpis } from '../../server/analytics/bottlenecks.ts';
import { LineSimulation } from '../../server/sources/simulator/line-simulation.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { FrameChangeReader } from '../../protocol/frame-changes.ts';
import { lineKpis, stationKpis } from '../../server/analytics/kpis.ts';
import { loadSceneFile } from '../../server/scene-loader.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0); // 08:00
const at = (hh: number, mm: number) => Date.UTC(2026, 0, 5, hh, mm, 0);

/** A serial line of the given stations (cycle times in seconds), no robots or conveyors. */
function lineScene(cycles: Record<string, number>, extra: Record<string, unknown> = {}): ResolvedScene {
  const ids = Object.keys(cycles);
  return parseScene({
    specVersion: 1,
    id: 'line',
    name: 'Test line',
    taktTime: 60,
    areas: [{ id: 'A', name: 'Area', kind: 'body', center: [0, 0], size: [100, 10] }],
    stations: ids.map((id, i) => ({ id, name: `Station ${id}`, area: 'A', kind: 'weld', position: [i * 5, 0, 0], footprint: [4, 4], cycleTime: cycles[id], bufferCapacity: 2 })),
    ...extra,
  });
}

const st = (id: string, state: StationState, ts: number, job?: string | null): Change => ({ type: 'station', id, state, ts, ...(job !== undefined ? { job } : {}) });

/** Feeds changes (sorted by time) and ends the data at `end`. */
function storeOf(scene: ResolvedScene, changes: Change[], end: number, start = changes[0]?.ts ?? end): StationTimelines {
  const store = new StationTimelines(scene, { start, retentionMs: Infinity });
  for (const c of [...changes].sort((a, b) => a.ts - b.ts)) store.apply(c);
  store.advance(end);
  return store;
}

const byId = (k: ReturnType<typeof bottleneckKpis>) => Object.fromEntries(k.stations.map((s) => [s.id, s]));

describe('active period method (Roser, Nakano, Tanaka)', () => {
  it('BN1 the published three-station example: A 08:10–08:35, B 08:20–08:47, C 08:30–08:55', () => {
    // Derivation from the method's definition (window 08:00–09:00, 60 min):
    //   Active period lengths: A 25 min, B 27 min, C 25 min.
    //   Momentary bottleneck (longest period covering t, measured over its whole extent):
    //     08:10–08:20 only A is active                   → A
    //     08:20–08:47 B (27) is longer than A and C (25) → B
    //     08:47–08:55 only C is active                   → C
    //   So the bottleneck sequence is A → B → C.
    //   Shifting = overlap of consecutive bottlenecks' active periods:
    //     A∩B = 08:20–08:35 (15 min) → shifting for A and for B
    //     B∩C = 08:30–08:47 (17 min) → shifting for B and for C
    //   A: sole 08:10–08:20 = 10 min, shifting 15 min
    //   B: sole 0 (all of 08:20–08:47 overlaps A or C), shifting 08:20–08:47 = 27 min
    //   C: sole 08:47–08:55 = 8 min, shifting 17 min
    //   No bottleneck 08:00–08:10 and 08:55–09:00: 15 min.
    //   Check: sole 10 + 8 = 18 min, plus shifting time of the line 08:20–08:47 = 27 min, is 45 min = 08:10–08:55.
    const scene = lineScene({ A: 60, B: 60, C: 60 });
    const changes = [
      st('A', 'starved', at(8, 0)),
      st('B', 'starved', at(8, 0)),
      st('C', 'starved', at(8, 0)),
      st('A', 'working', at(8, 10)),
      st('A', 'starved', at(8, 35)),
      st('B', 'working', at(8, 20)),
      st('B', 'blocked', at(8, 47)),
      st('C', 'working', at(8, 30)),
      st('C', 'starved', at(8, 55)),
    ];
    const store = storeOf(scene, changes, at(9, 0));
    const k = bottleneckKpis(store, at(8, 0), at(9, 0));
    const s = byId(k);
    expect(s.A.soleSeconds).toBe(10 * 60);
    expect(s.A.shiftingSeconds).toBe(15 * 60);
    expect(s.B.soleSeconds).toBe(0);
    expect(s.B.shiftingSeconds).toBe(27 * 60);
    expect(s.C.soleSeconds).toBe(8 * 60);
    expect(s.C.shiftingSeconds).toBe(17 * 60);
    expect(s.A.sole).toBeCloseTo(10 / 60, 6);
    expect(s.A.shifting).toBeCloseTo(15 / 60, 6);
    expect(s.B.shifting).toBeCloseTo(27 / 60, 6);
    expect(s.C.sole).toBeCloseTo(8 / 60, 6);
    expect(s.C.shifting).toBeCloseTo(17 / 60, 6);
    expect(k.noBottleneck).toBeCloseTo(15 / 60, 6);
    expect(k.main).toBe('B');
    expect(k.ranking).toEqual(['B', 'A', 'C']); // 27 min; 25 min with 10 sole; 25 min with 8 sole
    expect(k.atEnd).toBeNull(); // nothing is active at 09:00
  });

  it('BN2 the same example seen in a window (08:30–08:50) counts only what falls inside it', () => {
    // Same segments; clipped to 08:30–08:50 (20 min):
    //   A: sole 08:10–08:20 is outside; shifting 08:20–08:35 → 08:30–08:35 = 5 min
    //   B: shifting 08:20–08:47 → 08:30–08:47 = 17 min
    //   C: shifting 08:30–08:47 = 17 min; sole 08:47–08:50 = 3 min
    const scene = lineScene({ A: 60, B: 60, C: 60 });
    const store = storeOf(
      scene,
      [st('A', 'starved', at(8, 0)), st('B', 'starved', at(8, 0)), st('C', 'starved', at(8, 0)), st('A', 'working', at(8, 10)), st('A', 'starved', at(8, 35)), st('B', 'working', at(8, 20)), st('B', 'blocked', at(8, 47)), st('C', 'working', at(8, 30)), st('C', 'starved', at(8, 55))],
      at(9, 0),
    );
    const s = byId(bottleneckKpis(store, at(8, 30), at(8, 50)));
    expect([s.A.soleSeconds, s.A.shiftingSeconds]).toEqual([0, 5 * 60]);
    expect([s.B.soleSeconds, s.B.shiftingSeconds]).toEqual([0, 17 * 60]);
    expect([s.C.soleSeconds, s.C.shiftingSeconds]).toEqual([3 * 60, 17 * 60]);
    const k = bottleneckKpis(store, at(8, 30), at(8, 50));
    expect(k.atEnd).toMatchObject({ station: 'C', sinceMs: at(8, 30), activeSeconds: 25 * 60 });
  });

  it('BN3 hand-computed timelines: a long period hides a short one; a longer one takes over; down and setup are active', () => {
    // Minutes from 08:00, window 0–100.
    //   P: working 0–10, down 10–30, working 30–40 (down is active: one period 0–40, 40 min), then starved.
    //   Q: working 5–20 (15 min, inside P's period and shorter: never the bottleneck), then blocked.
    //   R: setup 30–35, working 35–90 (one period 30–90, 60 min: takes over from P at 30), then off.
    //   Momentary: P 0–30, R 30–90, none 90–100.
    //   P∩R = 30–40: shifting for both. P sole 0–30 = 30; R sole 40–90 = 50.
    const scene = lineScene({ P: 60, Q: 60, R: 60 });
    const m = (x: number) => T0 + x * MIN;
    const store = storeOf(
      scene,
      [
        st('P', 'working', m(0)),
        st('Q', 'starved', m(0)),
        st('R', 'starved', m(0)),
        st('Q', 'working', m(5)),
        st('P', 'down', m(10)),
        st('Q', 'blocked', m(20)),
        st('P', 'working', m(30)),
        st('R', 'setup', m(30)),
        st('R', 'working', m(35)),
        st('P', 'starved', m(40)),
        st('R', 'off', m(90)),
      ],
      m(100),
    );
    const s = byId(bottleneckKpis(store, m(0), m(100)));
    expect([s.P.soleSeconds, s.P.shiftingSeconds]).toEqual([30 * 60, 10 * 60]);
    expect([s.Q.soleSeconds, s.Q.shiftingSeconds]).toEqual([0, 0]);
    expect([s.R.soleSeconds, s.R.shiftingSeconds]).toEqual([50 * 60, 10 * 60]);
  });

  it('BN4 back-to-back periods do not overlap: two sole bottlenecks, no shifting', () => {
    // A active 0–10, B active 10–30 (starts as A stops): A sole 10, B sole 20; no overlap, no shifting.
    const scene = lineScene({ A: 60, B: 60 });
    const m = (x: number) => T0 + x * MIN;
    const store = storeOf(scene, [st('A', 'working', m(0)), st('B', 'starved', m(0)), st('A', 'blocked', m(10)), st('B', 'working', m(10)), st('B', 'starved', m(30))], m(30));
    const s = byId(bottleneckKpis(store, m(0), m(30)));
    expect([s.A.soleSeconds, s.A.shiftingSeconds, s.B.soleSeconds, s.B.shiftingSeconds]).toEqual([600, 0, 1200, 0]);
  });

  it('BN9 a wait of no duration does not end an active period', () => {
    // A: working 0–10, blocked and working again at 10, starved at 20: one period 0–20 (20 min).
    // B: working 5–18 (13 min). A's 20 min beat B's 13 everywhere: A sole 0–20, B never.
    // (Split at 10, A would have two 10-min periods and B would be the bottleneck 5–18.)
    const scene = lineScene({ A: 60, B: 60 });
    const m = (x: number) => T0 + x * MIN;
    const store = storeOf(scene, [st('A', 'working', m(0)), st('B', 'starved', m(0)), st('B', 'working', m(5)), st('A', 'blocked', m(10)), st('A', 'working', m(10)), st('B', 'starved', m(18)), st('A', 'starved', m(20))], m(20));
    const s = byId(bottleneckKpis(store, m(0), m(20)));
    expect([s.A.soleSeconds, s.A.shiftingSeconds, s.B.soleSeconds, s.B.shiftingSeconds]).toEqual([1200, 0, 0, 0]);
  });

  it('BN5 live: the momentary bottleneck now is the active station whose period began first; ongoing periods grow', () => {
    const scene = lineScene({ A: 60, B: 60, C: 60 });
    const m = (x: number) => T0 + x * MIN;
    const store = new StationTimelines(scene, { start: m(0) });
    for (const id of ['A', 'B', 'C']) store.apply(st(id, 'starved', m(0)));
    expect(store.currentBottleneck()).toBeNull();
    store.apply(st('A', 'working', m(10)));
    store.advance(m(15));
    expect(store.currentBottleneck()).toEqual({ station: 'A', since: m(10), activeMs: 5 * MIN });
    store.apply(st('B', 'working', m(20)));
    store.advance(m(30));
    expect(store.currentBottleneck()?.station).toBe('A');
    store.apply(st('A', 'starved', m(35)));
    expect(store.currentBottleneck()).toEqual({ station: 'B', since: m(20), activeMs: 15 * MIN });
    // Up to now (35): A 10–35 (25 min, ended); B 20–now (15 min so far) → A is the bottleneck 10–35,
    // B has not yet been the longest anywhere (it only is from 35 on, where nothing else is active).
    const k = bottleneckKpis(store, m(0), m(35));
    expect(byId(k).A.soleSeconds + byId(k).A.shiftingSeconds).toBe(25 * 60);
    expect(byId(k).B.soleSeconds + byId(k).B.shiftingSeconds).toBe(0);
    store.advance(m(50)); // B now 30 min long: it takes over where it started (20), overlapping A 20–35
    const k2 = bottleneckKpis(store, m(0), m(50));
    expect([byId(k2).A.soleSeconds, byId(k2).A.shiftingSeconds]).toEqual([10 * 60, 15 * 60]);
    expect([byId(k2).B.soleSeconds, byId(k2).B.shiftingSeconds]).toEqual([15 * 60, 15 * 60]);
    expect(k2.now).toMatchObject({ station: 'B', sinceMs: m(20), activeSeconds: 30 * 60 });
  });

  it('BN6 incremental answers equal a brute-force evaluation of the definition minute by minute', () => {
    const stations = ['S0', 'S1', 'S2', 'S3'];
    const scene = lineScene(Object.fromEntries(stations.map((s) => [s, 60])));
    const states: StationState[] = ['working', 'starved', 'blocked', 'down', 'setup', 'off'];
    const timelineArb = fc.array(fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom(...states)), { minLength: 1, maxLength: 14 }), { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(timelineArb, fc.array(fc.integer({ min: 1, max: 150 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 150 }), (lines, checkpoints, wFrom, wLen) => {
        // Each station: consecutive (duration in minutes, state) runs from minute 0.
        const changes: Array<[number, number, StationState]> = [];
        lines.forEach((runs, s) => {
          let t = 0;
          for (const [d, state] of runs) {
            changes.push([t, s, state]);
            t += d;
          }
        });
        changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const store = new StationTimelines(scene, { start: T0, retentionMs: Infinity });
        let i = 0;
        for (const now of [...checkpoints].sort((a, b) => a - b)) {
          for (; i < changes.length && changes[i][0] <= now; i++) store.apply(st(stations[changes[i][1]], changes[i][2], T0 + changes[i][0] * MIN));
          store.advance(T0 + now * MIN);
          const from = Math.min(wFrom, now - 1);
          const to = Math.min(from + wLen, now);
          const got = bottleneckKpis(store, T0 + from * MIN, T0 + to * MIN);
          const want = bruteForce(changes.filter((c) => c[0] <= now), stations.length, now, from, to);
          for (let s = 0; s < stations.length; s++) {
            expect(got.stations[s].soleSeconds).toBe(want.sole[s] * 60);
            expect(got.stations[s].shiftingSeconds).toBe(want.shifting[s] * 60);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('BN7 a simulated line: the station with the longest cycle time comes out as the main bottleneck', () => {
    // S3's nominal cycle (75 s) is far above the others (40–45 s); no breakdowns, no changeovers.
    const scene = lineScene({ S1: 40, S2: 45, S3: 75, S4: 42, S5: 40 });
    const start = T0;
    const sim = new LineSimulation(scene, { seed: 7, startTime: start });
    const store = new StationTimelines(scene, { start });
    const end = start + 4 * 3600_000;
    sim.runUntil(end, (c) => store.apply(c), { sample: false });
    store.advance(end);
    const k = bottleneckKpis(store, start + 3600_000, end);
    expect(k.main).toBe('S3');
    expect(k.ranking[0]).toBe('S3');
    const s3 = byId(k).S3;
    expect(s3.total).toBeGreaterThan(0.9);
    for (const id of ['S1', 'S2', 'S4', 'S5']) expect(byId(k)[id].total).toBeLessThan(0.1);
    expect(k.now?.station).toBe('S3');
  });

  it('BN8 the same simulated line through a live hub (attachToHub) finds the same bottleneck', () => {
    const scene = lineScene({ S1: 40, S2: 70, S3: 45 });
    const { hub, sim } = simulatedHub(scene, 3);
    const store = new StationTimelines(scene);
    const stop = store.attachToHub(hub);
    for (let t = T0 + 1000; t <= T0 + 2 * 3600_000; t += 1000) {
      sim.runUntil(t, (c) => hub.sink.apply(c), { sample: false });
      hub.sink.time?.(t);
      hub.tick();
    }
    stop();
    const k = bottleneckKpis(store, T0 + 1800_000, store.to!);
    expect(k.main).toBe('S2');
    expect(byId(k).S2.total).toBeGreaterThan(0.9);
  });

  it.each([
    ['a three-station line', () => lineScene({ S1: 40, S2: 70, S3: 45 }), 3600_000],
    ['the demo plant (conveyors: bodies report progress every tick)', () => loadSceneFile(new URL('../../scenes/demo-plant/scene.json', import.meta.url).pathname), 900_000],
  ] as const)('BN10 a live hub feeds the timelines from its commits exactly as from its delta frames: %s', (_name, makeScene, runMs) => {
    const scene = makeScene();
    const { hub, sim } = simulatedHub(scene, 11);
    const fromCommits = new StationTimelines(scene);
    const stop = fromCommits.attachToHub(hub);
    // The reference: every tick's frame decoded into changes.
    const { store: fromFrames, off } = followFrames(hub);
    for (let t = T0 + 1000; t <= T0 + runMs; t += 1000) {
      // Sampled: bodies on conveyors report their progress, as from the live simulator.
      sim.runUntil(t, (c) => hub.sink.apply(c), { sample: true });
      hub.sink.time?.(t);
      hub.tick();
    }
    stop();
    off();
    expect(fromCommits.to).toBe(fromFrames.to);
    expect(bottleneckKpis(fromCommits, T0, fromCommits.to!)).toEqual(bottleneckKpis(fromFrames, T0, fromFrames.to!));
    for (let i = 0; i < scene.stations.length; i++) expect(stationKpis(fromCommits, i, T0, fromCommits.to!)).toEqual(stationKpis(fromFrames, i, T0, fromFrames.to!));
    expect(lineKpis(fromCommits, T0, fromCommits.to!)).toEqual(lineKpis(fromFrames, T0, fromFrames.to!));
    // Follow-a-body routes too.
    const vins = [...hub.tables.bodies.slotOf.keys()].slice(0, 20);
    expect(vins.length).toBeGreaterThan(0);
    for (const vin of vins) expect(fromCommits.routes.get(vin)).toEqual(fromFrames.routes.get(vin));
  });

  it('BN11 commits are applied in batches, yet every read in between sees every commit so far, and the queue stays bounded', () => {
    // The demo plant, sampled: bodies on conveyors report progress, so every tick commits.
    const scene = loadSceneFile(new URL('../../scenes/demo-plant/scene.json', import.meta.url).pathname);
    const { hub, sim } = simulatedHub(scene, 5);
    const fromCommits = new StationTimelines(scene);
    const stop = fromCommits.attachToHub(hub);
    // The reference, fed at every commit as it happens.
    const { store: direct, off } = followFrames(hub);
    const queued = () => (fromCommits as unknown as { queued: unknown[] }).queued.length;
    let longest = 0;
    let reads = 0;
    // Reads at uneven moments (each reading method on its own), then a long stretch with none.
    const readAt = (tick: number) => tick < 600 && (tick * 7919) % 13 === 0;
    for (let tick = 1; tick <= 3000; tick++) {
      const t = T0 + tick * 500;
      sim.runUntil(t, (c) => hub.sink.apply(c), { sample: true });
      hub.sink.time?.(t);
      hub.tick();
      longest = Math.max(longest, queued());
      if (!readAt(tick)) continue;
      reads++;
      switch (reads % 6) {
        case 0:
          expect(fromCommits.to).toBe(direct.to);
          break;
        case 1:
          expect(fromCommits.currentBottleneck()).toEqual(direct.currentBottleneck());
          break;
        case 2:
          expect(fromCommits.bodiesInPlant).toBe(direct.bodiesInPlant);
          break;
        case 3:
          for (const station of scene.stations) expect(fromCommits.timeline(station.id, T0, t)).toEqual(direct.timeline(station.id, T0, t));
          break;
        case 4:
          expect(fromCommits.departures.length).toBe(direct.departures.length);
          break;
        default:
          expect(bottleneckKpis(fromCommits, T0, t)).toEqual(bottleneckKpis(direct, T0, t));
      }
      // A read applied everything queued.
      expect(queued()).toBe(0);
    }
    expect(reads).toBeGreaterThan(30);
    // 2400 ticks without a read: the queue was applied whenever it grew long.
    expect(longest).toBeGreaterThan(400);
    expect(longest).toBeLessThanOrEqual(512);
    stop();
    off();
    expect(lineKpis(fromCommits, T0, fromCommits.to!)).toEqual(lineKpis(direct, T0, direct.to!));
  });
});

/** Timelines fed with every frame the hub sends, decoded into changes and applied at once (the reference for attachToHub). */
function followFrames(hub: ReturnType<typeof createHub>): { store: StationTimelines; off: () => void } {
  const store = new StationTimelines(hub.scene);
  const reader = new FrameChangeReader(hub.index);
  const first = reader.read(hub.snapshotFrame());
  store.init(first.changes, first.header.time);
  const off = hub.onTick((frame) => {
    const read = reader.read(frame);
    for (const c of read.changes) store.apply(c);
    store.advance(read.header.time);
  });
  return { store, off };
}

/** A hub holding the simulated line's state at T0, and the simulation to run on from there. */
function simulatedHub(scene: ResolvedScene, seed: number) {
  const hub = createHub({ scene, tickMs: 1 << 30 });
  const sim = new LineSimulation(scene, { seed, startTime: T0 });
  for (const c of sim.fullState()) hub.sink.apply(c);
  hub.sink.time?.(T0);
  hub.tick();
  return { hub, sim };
}

/**
 * The definition evaluated minute by minute: the momentary bottleneck of each minute is the longest
 * period covering it (ties: earlier start, then lower station); consecutive bottlenecks' periods
 * overlapping make shifting time for both; the rest of a bottleneck minute is sole.
 */
function bruteForce(changes: Array<[number, number, StationState]>, n: number, now: number, from: number, to: number) {
  const active = (s: StationState) => s === 'working' || s === 'down' || s === 'setup';
  const periods: Array<{ s: number; a: number; b: number }> = [];
  for (let s = 0; s < n; s++) {
    const mine = changes.filter((c) => c[1] === s);
    let start = -1;
    for (let i = 0; i < mine.length; i++) {
      const t = mine[i][0];
      // Several changes at one minute: only the last counts.
      if (i + 1 < mine.length && mine[i + 1][0] === t) continue;
      const on = active(mine[i][2]);
      if (on && start < 0) start = t;
      if (!on && start >= 0) {
        if (t > start) periods.push({ s, a: start, b: t });
        start = -1;
      }
    }
    if (start >= 0 && now > start) periods.push({ s, a: start, b: now });
  }
  const better = (p: (typeof periods)[number], q: (typeof periods)[number]) => p.b - p.a > q.b - q.a || (p.b - p.a === q.b - q.a && (p.a < q.a || (p.a === q.a && p.s < q.s)));
  const top: Array<(typeof periods)[number] | null> = [];
  for (let t = 0; t < now; t++) {
    let best: (typeof periods)[number] | null = null;
    for (const p of periods) if (p.a <= t && t < p.b && (!best || better(p, best))) best = p;
    top.push(best);
  }
  const seq: Array<{ p: (typeof periods)[number]; a: number; b: number }> = [];
  for (let t = 0; t < now; t++) {
    const p = top[t];
    if (!p) continue;
    const last = seq[seq.length - 1];
    if (last && last.p === p && last.b === t) last.b = t + 1;
    else seq.push({ p, a: t, b: t + 1 });
  }
  const sole = new Array(n).fill(0);
  const shifting = new Array(n).fill(0);
  seq.forEach((g, k) => {
    const shiftMinute = (t: number) => [seq[k - 1], seq[k + 1]].some((o) => o && Math.max(o.p.a, g.p.a) <= t && t < Math.min(o.p.b, g.p.b));
    for (let t = from; t < to; t++) {
      if (shiftMinute(t)) shifting[g.p.s]++;
      else if (g.a <= t && t < g.b) sole[g.p.s]++;
    }
  });
  return { sole, shifting };
}
