import { describe, expect, it } from 'vitest';
import { parseScene, type ResolvedScene } from '../../protocol/scene.ts';
import type { Change } from '../../protocol/changes.ts';
import type { StationState } from '../../protocol/state.ts';
import { StationTimelines } from '../../server/analytics/station-timelines.ts';
import { lineKpis, stationKpis } from '../../server/analytics/kpis.ts';
import { analyse } from '../../server/analytics/report.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { History, recordHubHistory } from '../../server/hub/history.ts';
import { LineSimulation } from '../../server/sources/simulator/line-simulation.ts';

const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);
const s = (x: number) => T0 + x * 1000;

function scene2(extra: Record<string, unknown> = {}): ResolvedScene {
  return parseScene({
    specVersion: 1,
    id: 'two',
    name: 'Two stations',
    taktTime: 60,
    areas: [{ id: 'A', name: 'Area', kind: 'body', center: [0, 0], size: [40, 10] }],
    stations: [
      { id: 'A', name: 'Weld, "left"', area: 'A', kind: 'weld', position: [0, 0, 0], footprint: [4, 4], cycleTime: 50, bufferCapacity: 2 },
      { id: 'B', name: 'Inspect', area: 'A', kind: 'inspection', position: [10, 0, 0], footprint: [4, 4], cycleTime: 40, bufferCapacity: 0 },
    ],
    ...extra,
  });
}

const st = (id: string, state: StationState, x: number, job?: string | null): Change => ({ type: 'station', id, state, ts: s(x), ...(job !== undefined ? { job } : {}) });
const body = (id: string, station: string, x: number): Change => ({ type: 'body', id, model: 'sedan', color: null, location: { kind: 'station', station }, ts: s(x) });
const gone = (id: string, x: number): Change => ({ type: 'body-remove', id, ts: s(x) });

/** Station A's hand-made timeline, seconds from T0 (see KPI1 for the derivation). */
const timelineA: Change[] = [
  st('A', 'working', 0, 'J1'),
  st('A', 'working', 50, 'J2'), // J1 done: worked 50
  st('A', 'down', 110), // J2 stays; worked 60 so far
  st('A', 'working', 170),
  st('A', 'blocked', 180), // J2 done: worked 60 + 10 = 70
  st('A', 'working', 200, 'J3'),
  st('A', 'starved', 260, null), // J3 done: worked 60
  st('A', 'setup', 300),
  st('A', 'off', 330),
  st('A', 'starved', 400),
  st('A', 'working', 420, 'J4'),
  st('A', 'working', 480, 'J5'), // J4 done: worked 60; J5 in progress at the end
];

function storeOf(changes: Change[], end: number, scene = scene2()): StationTimelines {
  const store = new StationTimelines(scene, { start: s(0), retentionMs: Infinity });
  for (const c of changes) store.apply(c);
  store.advance(s(end));
  return store;
}

describe('station KPIs', () => {
  it('KPI1 state shares, net and gross cycle times, throughput, availability, performance and OEE of a hand-made timeline', () => {
    const k = stationKpis(storeOf(timelineA, 600), 0, s(0), s(600));
    // Shares of 600 s: working 0–110, 170–180, 200–260, 420–600 = 360; down 110–170 = 60;
    // blocked 180–200 = 20; starved 260–300, 400–420 = 60; setup 300–330 = 30; off 330–400 = 70.
    expect(k.shares).toEqual({ working: 0.6, starved: 0.1, blocked: round6(20 / 600), down: 0.1, setup: 0.05, off: round6(70 / 600), unknown: 0 });
    // Completed: J1 (50 s of work), J2 (70), J3 (60), J4 (60); J5 still in progress.
    expect(k.jobsCompleted).toBe(4);
    expect(k.throughputPerHour).toBe(24); // 4 jobs in 10 minutes
    // Net cycle: sorted 50, 60, 60, 70 → mean 60; p50 at rank 1.5 → 60; p95 at rank 2.85 → 60 + 0.85 × 10 = 68.5.
    expect(k.cycleTime).toMatchObject({ count: 4, mean: 60, p50: 60, p95: 68.5 });
    expect(k.cycleTime.meanVsTakt).toBe(1); // takt 60 s
    expect(k.cycleTime.p95VsTakt).toBeCloseTo(68.5 / 60, 6);
    expect(k.cycleTime.meanVsNominal).toBe(1.2); // nominal 50 s
    expect(k.cycleTime.p50VsNominal).toBe(1.2);
    expect(k.cycleTime.p95VsNominal).toBe(1.37);
    // Gross (start to next start): J1→J2 50, J2→J3 150, J3→J4 220, J4→J5 60 → sorted 50, 60, 150, 220:
    // mean 120; p50 = 60 + 0.5 × 90 = 105; p95 = 150 + 0.85 × 70 = 209.5.
    expect(k.jobInterval).toEqual({ count: 4, mean: 120, p50: 105, p95: 209.5 });
    // Planned = 600 − 70 off = 530 s; availability = 1 − 60/530; run = 530 − 60 = 470 s;
    // performance = 50 × 4 / 470; OEE = their product = 200/530.
    expect(k.plannedSeconds).toBe(530);
    expect(k.runSeconds).toBe(470);
    expect(k.availability).toBeCloseTo(1 - 60 / 530, 6);
    expect(k.performance).toBeCloseTo(200 / 470, 6);
    expect(k.quality).toBeNull();
    expect(k.oee).toBeCloseTo(200 / 530, 6);
  });

  it('KPI4 the timeline of a station: state intervals and jobs in a window, and the job in progress', () => {
    const store = storeOf(timelineA, 600);
    const tl = store.timeline('A', s(100), s(270))!;
    expect(tl.intervals.map((i) => [(i.from - T0) / 1000, (i.to - T0) / 1000, i.state])).toEqual([
      [100, 110, 'working'],
      [110, 170, 'down'],
      [170, 180, 'working'],
      [180, 200, 'blocked'],
      [200, 260, 'working'],
      [260, 270, 'starved'],
    ]);
    expect(tl.jobs.map((j) => [j.job, (j.start - T0) / 1000, (j.end - T0) / 1000, j.workMs / 1000])).toEqual([
      ['J2', 50, 180, 70],
      ['J3', 200, 260, 60],
    ]);
    expect(tl.current).toEqual({ job: 'J5', start: s(480), workMs: 120_000 });
    expect(store.timeline('nope', s(0), s(1))).toBeNull();
  });

  it('KPI2 a window counts jobs by completion time and clips state time; jobs begun before the data are excluded from cycle times', () => {
    const store = storeOf(timelineA, 600);
    const k = stationKpis(store, 0, s(100), s(300));
    // [100, 300): working 100–110, 170–180, 200–260 = 80; down 60; blocked 20; starved 260–300 = 40.
    expect(k.shares.working).toBeCloseTo(80 / 200, 6);
    expect(k.shares.down).toBeCloseTo(60 / 200, 6);
    expect(k.jobsCompleted).toBe(2); // J2 at 180, J3 at 260
    expect(k.cycleTime).toMatchObject({ count: 2, mean: 65 });
    // A store that starts (from a snapshot) while J1 is in progress: J1 counts as completed, not in cycle times.
    const late = new StationTimelines(scene2(), { start: s(20), retentionMs: Infinity });
    late.init([st('A', 'working', 10, 'J1')], s(20));
    for (const c of timelineA.slice(1)) late.apply(c);
    late.advance(s(600));
    const k2 = stationKpis(late, 0, s(20), s(600));
    expect(k2.jobsCompleted).toBe(4);
    expect(k2.cycleTime).toMatchObject({ count: 3, mean: round3((70 + 60 + 60) / 3) });
    expect(k2.jobInterval.count).toBe(3); // J1→J2 is not a whole interval
  });

  it('KPI3 time before a station\'s first report is unknown and not planned; sources without job ids get one job per working stretch', () => {
    const store = storeOf([st('A', 'working', 100), st('A', 'blocked', 150), st('A', 'working', 160), st('A', 'down', 170), st('A', 'working', 180), st('A', 'starved', 200)], 300);
    const k = stationKpis(store, 0, s(0), s(300));
    expect(k.shares.unknown).toBeCloseTo(100 / 300, 6);
    expect(k.plannedSeconds).toBe(200);
    // Working 100–150 (one job, 50 s) and 160–200 with a 10 s stop (a second job, 30 s of work).
    expect(k.jobsCompleted).toBe(2);
    expect(k.cycleTime).toMatchObject({ count: 2, mean: 40 });
    expect(k.availability).toBeCloseTo(1 - 10 / 200, 6);
  });
});

describe('line KPIs', () => {
  it('LINE1 finished bodies, JPH, takt adherence and work in progress from body reports', () => {
    const changes: Change[] = [
      body('X1', 'A', 0),
      body('X2', 'A', 20),
      body('X3', 'A', 40),
      body('X4', 'A', 90),
      body('X1', 'B', 95),
      gone('X1', 100),
      body('X2', 'B', 140),
      gone('X2', 150),
      body('X5', 'A', 200),
      body('X3', 'B', 220),
      gone('X3', 230),
      body('X6', 'A', 250),
      body('X4', 'B', 290),
      gone('X4', 300),
      gone('X6', 330), // scrapped at A: leaves the plant, not a finished body
    ];
    const store = storeOf(changes, 360);
    const l = lineKpis(store, s(0), s(360));
    expect(l.endStations).toEqual(['B']);
    expect(l.departuresFrom).toBe('body-removals');
    expect(l.bodiesCompleted).toBe(4);
    expect(l.jobsPerHour).toBe(40); // 4 in 6 minutes
    expect(l.plannedJobsPerHour).toBe(60);
    expect(l.jphVsPlan).toBeCloseTo(40 / 60, 6);
    // Inter-departure 50, 80, 70: one of three within the 60 s takt.
    expect(l.taktAdherence).toBeCloseTo(1 / 3, 6);
    expect(l.interDeparture).toEqual({ count: 3, mean: round3(200 / 3), p50: 70, p95: 79 });
    // Bodies in the plant: 1 (0–20), 2 (20–40), 3 (40–90), 4 (90–100), 3 (100–150), 2 (150–200),
    // 3 (200–230), 2 (230–250), 3 (250–300), 2 (300–330), 1 (330–360): area 870 body·s over 360 s.
    expect(l.wip).toEqual({ atEnd: 1, mean: round3(870 / 360) });
  });

  it('LINE2 without body reports, finished bodies are the end station\'s completed jobs, and WIP is unknown', () => {
    const store = storeOf([st('B', 'working', 0, 'X1'), st('B', 'starved', 40, null), st('B', 'working', 60, 'X2'), st('B', 'working', 100, 'X3'), st('B', 'starved', 150, null)], 200);
    const l = lineKpis(store, s(0), s(200));
    expect(l.departuresFrom).toBe('end-station-jobs');
    expect(l.bodiesCompleted).toBe(3);
    expect(l.interDeparture).toMatchObject({ count: 2, mean: 55 }); // 40 → 100 → 150
    expect(l.wip).toEqual({ atEnd: null, mean: null });
    const r = analyse(store, s(0), s(200));
    expect(r.notes.join('\n')).toMatch(/end stations/);
    expect(r.notes.join('\n')).toMatch(/work in progress is unknown/);
  });
});

describe('store lifecycle', () => {
  it('TL1 retention: memory stays bounded and the last hours read the same as an unbounded store', () => {
    // Balanced stations handing over directly: both wait often, so active periods end and time settles.
    const scene = scene2({
      stations: [
        { id: 'A', name: 'Weld', area: 'A', kind: 'weld', position: [0, 0, 0], footprint: [4, 4], cycleTime: 49, bufferCapacity: 0 },
        { id: 'B', name: 'Inspect', area: 'A', kind: 'inspection', position: [10, 0, 0], footprint: [4, 4], cycleTime: 50, bufferCapacity: 0 },
      ],
    });
    const sim = new LineSimulation(scene, { seed: 5, startTime: T0 });
    const bounded = new StationTimelines(scene, { start: T0, retentionMs: 3600_000 });
    const full = new StationTimelines(scene, { start: T0, retentionMs: Infinity });
    const end = T0 + 6 * 3600_000;
    sim.runUntil(end, (c) => {
      bounded.apply(c);
      full.apply(c);
    }, { sample: false });
    bounded.advance(end);
    full.advance(end);
    expect(bounded.from).toBeGreaterThanOrEqual(end - 3600_000 - 3600_000 / 64 - 1);
    for (const s of [0, 1]) {
      expect(bounded.track(s).states.length).toBeLessThan(full.track(s).states.length / 3);
      expect(bounded.track(s).jobs.length).toBeLessThan(full.track(s).jobs.length / 3);
      expect(bounded.track(s).periods.length).toBeLessThan(full.track(s).periods.length / 3);
    }
    expect(bounded.segments(false).length).toBeGreaterThan(10);
    expect(bounded.segments(false).length).toBeLessThan(full.segments(false).length / 3);
    expect(bounded.settledUntil).toBeGreaterThan(end - 3600_000);
    const from = end - 1800_000;
    const a = analyse(bounded, from, end);
    const b = analyse(full, from, end);
    expect(a.stations).toEqual(b.stations);
    expect(a.line).toEqual(b.line);
    expect(a.bottlenecks).toEqual(b.bottlenecks);
  });

  it('TL2 fromHistory over a recorded hub history gives the KPIs of feeding the changes directly', () => {
    const scene = scene2();
    const hub = createHub({ scene, tickMs: 1 << 30 });
    const history = new History({ scene, retentionMs: Infinity, keyframeIntervalMs: 60_000 });
    const sim = new LineSimulation(scene, { seed: 9, startTime: T0 });
    for (const c of sim.fullState()) hub.sink.apply(c);
    hub.sink.time?.(T0);
    hub.tick();
    recordHubHistory(hub, history, 0);
    const direct = new StationTimelines(scene, { start: T0, retentionMs: Infinity });
    direct.init(sim.fullState(), T0);
    // One tick per simulated event time, so the hub never merges two reports of one station.
    const end = T0 + 2 * 3600_000;
    const pending: Change[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      const t = pending[0].ts;
      for (const c of pending) hub.sink.apply(c);
      hub.sink.time?.(t);
      hub.tick();
      pending.length = 0;
    };
    sim.runUntil(end, (c) => {
      direct.apply(c);
      if (pending.length > 0 && (pending[0].ts !== c.ts || pending.some((p) => p.type === c.type && p.id === c.id))) flush();
      pending.push(c);
    }, { sample: false });
    flush();
    hub.sink.time?.(end);
    hub.tick();
    direct.advance(end);
    const from = T0 + 3600_000;
    const to = T0 + 5400_000;
    const replayed = StationTimelines.fromHistory(history, from, to, { marginMs: 3600_000 });
    const a = analyse(replayed, from, to);
    const b = analyse(direct, from, to);
    expect(a.stations).toEqual(b.stations);
    expect(a.line).toEqual(b.line);
    expect(a.bottlenecks.stations).toEqual(b.bottlenecks.stations);
    expect(a.stations[0].jobsCompleted).toBeGreaterThan(20);
  });

  it('TL3 attachToHub: stations the hub never heard of stay unknown; reports arrive through the hub commits', () => {
    const scene = scene2();
    const hub = createHub({ scene, tickMs: 1 << 30 });
    hub.sink.apply({ type: 'station', id: 'A', state: 'working', ts: s(0), job: null });
    hub.tick();
    const store = new StationTimelines(scene);
    const stop = store.attachToHub(hub);
    hub.sink.apply({ type: 'station', id: 'A', state: 'blocked', ts: s(30) });
    hub.sink.apply({ type: 'station', id: 'B', state: 'working', ts: s(30) });
    hub.tick();
    hub.sink.time?.(s(60));
    hub.tick(); // nothing changed: no frame, but the hub's clock moved on
    expect(store.to).toBe(s(30));
    store.sync();
    stop();
    expect(store.to).toBe(s(60));
    const a = stationKpis(store, 0, s(0), s(60));
    const b = stationKpis(store, 1, s(0), s(60));
    expect(a.shares).toMatchObject({ working: 0.5, blocked: 0.5 });
    expect(b.shares).toMatchObject({ unknown: 0.5, working: 0.5 });
    expect(store.currentBottleneck()).toEqual({ station: 'B', since: s(30), activeMs: 30_000 });
  });
});

describe('store lifecycle (continued)', () => {
  it('TL4 attached to a hub that has no data yet, the timelines begin with the first report, not at time 0', () => {
    const scene = scene2();
    const hub = createHub({ scene, tickMs: 1 << 30 });
    const store = new StationTimelines(scene);
    store.attachToHub(hub);
    expect(store.from).toBeNull();
    hub.sink.apply({ type: 'station', id: 'A', state: 'working', ts: s(10) });
    hub.tick();
    expect(store.from).toBe(s(10));
    hub.sink.time?.(s(40));
    hub.tick();
    const r = analyse(store, 0, s(40)); // analyse catches up with the hub's clock
    expect(r.window).toMatchObject({ fromMs: s(10), toMs: s(40), seconds: 30 });
    expect(r.stations[0].shares.working).toBe(1);
  });

  it('TL5 attached to a hub with no data yet: once a commit is queued, later commits queue only bodies that changed place', () => {
    const scene = scene2();
    const hub = createHub({ scene, tickMs: 1 << 30 });
    const store = new StationTimelines(scene);
    store.attachToHub(hub);
    const queued = () => (store as unknown as { queued: unknown[] }).queued.length;
    hub.sink.apply(body('B1', 'A', 10));
    hub.tick();
    // The new body, then the commit's time; nothing applied yet, so the timelines have not begun.
    expect(queued()).toBe(2);
    // The same body reported again where it is: no change of place, so only the commit's time is queued.
    hub.sink.apply(body('B1', 'A', 20));
    hub.tick();
    expect(queued()).toBe(3);
    expect(store.bodiesInPlant).toBe(1);
    expect(store.routes.get('B1')?.visits).toHaveLength(1);
    expect(queued()).toBe(0);
  });
});

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
function round3(x: number): number {
  return Math.round(x * 1e3) / 1e3;
}
