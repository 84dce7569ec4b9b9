import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseScene, type ResolvedScene } from '../../protocol/scene.ts';
import type { BodyChange, Change, RobotChange, StationChange } from '../../protocol/changes.ts';
import { deg } from '../../protocol/kinematics.ts';
import type { StationState } from '../../protocol/state.ts';
import { LineSimulation } from '../../server/sources/simulator/line-simulation.ts';
import { createSimulatorSource, MAX_CATCH_UP_MS } from '../../server/sources/simulator/index.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { isVin, vinFor } from '../../server/sources/simulator/vin.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 6, 6, 0, 0);

const limits: [number, number][] = [[-170, 170], [-90, 60], [-120, 75], [-190, 190], [-120, 120], [-350, 350]];
const home = [10, -20, -30, 0, -40, 5];
const RED = '#c81e1e';
const BLUE = '#1e3cc8';

/**
 * S1 (30 s, source) ─C1─ S2 (60 s, the bottleneck) ─buffer 1─ S3 (25 s, breaks down, paints)
 * ─C3─ S4 (30 s, changeover every 4 jobs) ─direct─ S5 (20 s, end of line).
 */
function flowScene(): ResolvedScene {
  const station = (id: string, cycleTime: number, bufferCapacity: number, extra: object = {}) => ({
    id, name: id, area: 'B', kind: 'weld', position: [0, 0, 0], footprint: [4, 4], cycleTime, bufferCapacity, ...extra,
  });
  const robot = (id: string, at: string, tool: string, model = 'ir-210') => ({
    id, station: at, model, base: { position: [0, 0, 3], rotation: 90 }, jointLimits: limits, home, tool,
  });
  return parseScene({
    specVersion: 1,
    id: 'flow',
    name: 'Flow test line',
    taktTime: 60,
    areas: [{ id: 'B', name: 'Body', kind: 'body', center: [0, 0], size: [60, 10] }],
    stations: [
      station('S1', 30, 2),
      station('S2', 60, 1),
      station('S3', 25, 2, { mtbf: 400, mttr: 40, paintsBody: true }),
      station('S4', 30, 0, { setup: { every: 4, duration: 30 } }),
      station('S5', 20, 0),
    ],
    robots: [
      robot('R1', 'S1', 'screwdriver', 'ir-20'),
      robot('R2', 'S2', 'spot-weld'),
      robot('R3', 'S3', 'paint-bell', 'ir-paint'),
      robot('R4', 'S4', 'glue-nozzle'),
      robot('R5', 'S5', 'gripper', 'ir-20'),
    ],
    conveyors: [
      { id: 'C1', from: 'S1', to: 'S2', path: [[0, 0.5, 0], [4, 0.5, 0], [4, 0.5, 2]], speed: 0.5, capacity: 3 },
      { id: 'C3', from: 'S3', to: 'S4', path: [[0, 0.5, 0], [8, 0.5, 0]], speed: 0.4, capacity: 2 },
    ],
    mix: { colors: [{ name: 'red', hex: RED, share: 2 }, { name: 'blue', hex: BLUE, share: 1 }] },
  }, 'flow-scene');
}

const scene = flowScene();

function record(sim: LineSimulation, until: number, sample = true): Change[] {
  const out: Change[] = [];
  sim.runUntil(until, (c) => out.push(c), { sample });
  return out;
}

function hashOf(changes: Change[]): string {
  const h = createHash('sha256');
  for (const c of changes) h.update(JSON.stringify(c));
  return h.digest('hex');
}

/** Seconds spent in each state per station, from a change stream that starts at `from`. */
function stateTimes(changes: Change[], until: number): Record<string, Partial<Record<StationState, number>>> {
  const cur = new Map<string, { state: StationState; since: number }>();
  const out: Record<string, Partial<Record<StationState, number>>> = {};
  const add = (id: string, state: StationState, ms: number) => {
    const s = (out[id] ??= {});
    s[state] = (s[state] ?? 0) + ms / 1000;
  };
  for (const c of changes) {
    if (c.type !== 'station') continue;
    const prev = cur.get(c.id);
    if (prev) add(c.id, prev.state, c.ts - prev.since);
    cur.set(c.id, { state: c.state, since: c.ts });
  }
  for (const [id, { state, since }] of cur) add(id, state, until - since);
  return out;
}

/** Seed 1, two sampled hours: shared by the tests that only read the stream. */
let shared: { sim: LineSimulation; changes: Change[] } | undefined;
function sharedRun() {
  if (!shared) {
    const sim = new LineSimulation(scene, { seed: 1, startTime: T0 });
    shared = { sim, changes: record(sim, T0 + 2 * HOUR) };
  }
  return shared;
}

/** Checks a whole stream in a loop and reports the first offences at once (an expect per item is slow). */
function offences<T>(items: Iterable<T>, check: (item: T) => string | undefined): string[] {
  const out: string[] = [];
  for (const item of items) {
    const why = check(item);
    if (why !== undefined && out.push(why) >= 5) break;
  }
  return out;
}

const stationsOf = (cs: Change[], id: string) => cs.filter((c): c is StationChange => c.type === 'station' && c.id === id);

describe('simulator: determinism', () => {
  let twoHours: Change[];
  beforeAll(() => {
    twoHours = sharedRun().changes;
  });

  it('[SIM1] same seed gives the same event stream; another seed a different one', () => {
    expect(twoHours.length).toBeGreaterThan(10_000);
    const again = record(new LineSimulation(flowScene(), { seed: 1, startTime: T0 }), T0 + 2 * HOUR);
    const other = record(new LineSimulation(scene, { seed: 2, startTime: T0 }), T0 + 2 * HOUR);
    expect(hashOf(again)).toBe(hashOf(twoHours));
    expect(hashOf(other)).not.toBe(hashOf(twoHours));
  });

  it('[SIM2] chunking runUntil does not change the stream', () => {
    const sim = new LineSimulation(scene, { seed: 1, startTime: T0 });
    const out: Change[] = [];
    let t = T0;
    for (let i = 0; t < T0 + HOUR; i++) {
      // Uneven steps, some landing exactly on sampling instants.
      t = Math.min(T0 + HOUR, t + (i % 3 === 0 ? 100 : 1 + ((i * 7919) % 4000)));
      sim.runUntil(t, (c) => out.push(c));
    }
    const whole = twoHours.filter((c) => c.ts <= T0 + HOUR);
    expect(out.length).toBe(whole.length);
    expect(hashOf(out)).toBe(hashOf(whole));
    expect(sim.now).toBe(T0 + HOUR);
  });

  it('[SIM3] sample: false skips robots and conveyor positions but keeps the discrete events and the state', () => {
    const fast = new LineSimulation(scene, { seed: 1, startTime: T0 });
    const quiet = record(fast, T0 + 2 * HOUR, false);
    const sampled = sharedRun().sim;
    const discrete = (c: Change) =>
      c.type === 'station' || c.type === 'body-remove' || (c.type === 'body' && (c.location.kind !== 'conveyor' || c.location.progress === 0));
    expect(quiet.some((c) => c.type === 'robot')).toBe(false);
    expect(quiet.every(discrete)).toBe(true);
    expect(hashOf(quiet)).toBe(hashOf(twoHours.filter(discrete)));
    expect(fast.fullState()).toEqual(sampled.fullState());
    expect(fast.now).toBe(T0 + 2 * HOUR);
    expect(() => fast.runUntil(Infinity, () => undefined)).toThrow(/finite time/);
  });
});

describe('simulator: flow', () => {
  const until = T0 + 2 * HOUR;
  let cs: Change[];
  beforeAll(() => {
    cs = sharedRun().changes;
  });

  it('[SIM4] blocked and starved arise on their own around a slow station', () => {
    const times = stateTimes(cs, until);
    const total = 2 * 3600;
    expect(times.S1.blocked! / total).toBeGreaterThan(0.3);
    expect(times.S2.working! / total).toBeGreaterThan(0.9);
    expect(times.S3.starved! / total).toBeGreaterThan(0.3);
    expect(times.S5.starved! / total).toBeGreaterThan(0.3);
    // A blocked station keeps its finished body; a starved one holds none.
    const bad = offences(cs, (c) => {
      if (c.type !== 'station') return;
      const holds = c.state === 'blocked' || c.state === 'working' || c.state === 'down';
      if (holds !== (typeof c.job === 'string' && c.job.length === 17)) return `${c.id} ${c.state} with job ${c.job}`;
    });
    expect(bad).toEqual([]);
  });

  it('[SIM5] a station with a short mtbf goes down and resumes the interrupted cycle', () => {
    const s3 = stationsOf(cs, 'S3');
    const downs = s3.flatMap((c, i) => (c.state === 'down' ? [i] : []));
    expect(downs.length).toBeGreaterThanOrEqual(3);
    const repairs: number[] = [];
    for (const i of downs) {
      expect(s3[i - 1]).toMatchObject({ state: 'working', job: s3[i].job });
      if (i + 1 < s3.length) {
        expect(s3[i + 1]).toMatchObject({ state: 'working', job: s3[i].job });
        repairs.push(s3[i + 1].ts - s3[i].ts);
      }
    }
    const mean = repairs.reduce((a, b) => a + b, 0) / repairs.length / 1000;
    expect(mean).toBeGreaterThan(10);
    expect(mean).toBeLessThan(120);
    for (const id of ['S1', 'S2', 'S4', 'S5']) expect(stationsOf(cs, id).some((c) => c.state === 'down')).toBe(false);
  });

  it('[SIM6] a changeover follows every 4th job and lasts about its duration', () => {
    const s4 = stationsOf(cs, 'S4');
    let jobs = 0;
    let last: string | null = null;
    const perSetup: number[] = [];
    const durations: number[] = [];
    s4.forEach((c, i) => {
      if (c.state === 'working' && c.job !== last) jobs++;
      if (c.job) last = c.job;
      if (c.state === 'setup') {
        perSetup.push(jobs);
        jobs = 0;
        if (i + 1 < s4.length) durations.push(s4[i + 1].ts - c.ts);
      }
    });
    expect(perSetup.length).toBeGreaterThan(10);
    expect(new Set(perSetup)).toEqual(new Set([4]));
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length / 1000;
    expect(mean).toBeGreaterThan(25);
    expect(mean).toBeLessThan(35);
  });

  it('[SIM7] bodies leave at the end of the line and the line never overfills', () => {
    const removed = cs.filter((c) => c.type === 'body-remove');
    expect(removed.length).toBeGreaterThan(100);
    const lastSeen = new Map<string, BodyChange>();
    const gone = new Set<string>();
    let alive = 0;
    let maxAlive = 0;
    const bad = offences(cs, (c) => {
      if (c.type === 'body') {
        if (gone.has(c.id)) return `${c.id} reported after its removal`;
        if (!lastSeen.has(c.id)) maxAlive = Math.max(maxAlive, ++alive);
        lastSeen.set(c.id, c);
      } else if (c.type === 'body-remove') {
        const at = lastSeen.get(c.id)?.location;
        if (at?.kind !== 'station' || at.station !== 'S5') return `${c.id} removed at ${JSON.stringify(at)}`;
        gone.add(c.id);
        alive--;
      }
    });
    expect(bad).toEqual([]);
    expect(gone.size).toBe(removed.length);
    // 5 stations + buffers of 2 + 1 + 2.
    expect(maxAlive).toBeLessThanOrEqual(10);
    expect(maxAlive).toBeGreaterThanOrEqual(7);
  });

  it('[SIM8] a body gets its colour only after leaving the paintsBody station', () => {
    const unpainted = new Set(['station:S1', 'conveyor:C1', 'station:S2', 'station:S3']);
    const colours = new Map<string, string>();
    const bad = offences(cs, (c) => {
      if (c.type !== 'body') return;
      const where = c.location.kind === 'station' ? `station:${c.location.station}` : c.location.kind === 'conveyor' ? `conveyor:${c.location.conveyor}` : 'none';
      if (unpainted.has(where)) return c.color === null ? undefined : `${c.id} has colour ${c.color} at ${where}`;
      if (c.color !== RED && c.color !== BLUE) return `${c.id} has colour ${c.color} at ${where}`;
      if ((colours.get(c.id) ?? c.color) !== c.color) return `${c.id} changed colour`;
      colours.set(c.id, c.color);
    });
    expect(bad).toEqual([]);
    expect(colours.size).toBeGreaterThan(100);
    // Share 2 : 1.
    const reds = [...colours.values()].filter((h) => h === RED).length / colours.size;
    expect(reds).toBeGreaterThan(0.5);
    expect(reds).toBeLessThan(0.8);
  });

  it('[SIM9] throughput over a long run is close to 1 / slowest cycle; failures count working time only', () => {
    const sim = new LineSimulation(scene, { seed: 11, startTime: T0 });
    record(sim, T0 + HOUR, false);
    const run = record(sim, T0 + 11 * HOUR, false);
    const shipped = run.filter((c) => c.type === 'body-remove').length;
    const perHour = shipped / 10;
    // Slowest nominal cycle 60 s: 60 per hour at best.
    expect(perHour).toBeGreaterThan(57);
    expect(perHour).toBeLessThan(61);
    // S3 works ~25 s of every 60: ~15 000 s in 10 h, one failure per 400 s of work (not ~90 by clock).
    const failures = stationsOf(run, 'S3').filter((c) => c.state === 'down').length;
    expect(failures).toBeGreaterThan(20);
    expect(failures).toBeLessThan(60);
  });

  it('[SIM10] body ids are unique VINs: 17 characters, no I, O or Q, valid check digit', () => {
    expect(vinFor(1, 'sedan')).toHaveLength(17);
    expect(vinFor(1, 'sedan')).not.toBe(vinFor(2, 'sedan'));
    expect(vinFor(1_000_001, 'suv')).not.toBe(vinFor(1, 'suv'));
    const ids = new Set(cs.filter((c): c is BodyChange => c.type === 'body').map((c) => c.id));
    expect(ids.size).toBeGreaterThan(100);
    expect(offences(ids, (id) => (/^[A-HJ-NPR-Z0-9]{17}$/.test(id) && isVin(id) ? undefined : id))).toEqual([]);
    const vin = vinFor(5, 'sedan');
    const wrongCheck = vin.slice(0, 8) + (vin[8] === '0' ? '1' : '0') + vin.slice(9);
    expect(isVin(wrongCheck)).toBe(false);
  });
});

describe('simulator: robots and conveyors', () => {
  let cs: Change[];
  beforeAll(() => {
    cs = sharedRun().changes;
  });
  const robotOf: Record<string, string> = { R1: 'S1', R2: 'S2', R3: 'S3', R4: 'S4', R5: 'S5' };
  const homeRad = home.map(deg);
  const lo = limits.map(([l]) => deg(l));
  const hi = limits.map(([, h]) => deg(h));

  it('[SIM11] joints are radians within the joint limits on every robot change', () => {
    const robots = cs.filter((c): c is RobotChange => c.type === 'robot');
    expect(robots.length).toBeGreaterThan(1000);
    let maxSpread = 0;
    const bad = offences(robots, (c) => {
      if (c.joints.length !== 6) return `${c.id} has ${c.joints.length} joints`;
      for (let j = 0; j < 6; j++) {
        const v = c.joints[j];
        if (!(v >= lo[j] && v <= hi[j])) return `${c.id} J${j + 1} = ${v} outside [${lo[j]}, ${hi[j]}] at ${c.ts}`;
        maxSpread = Math.max(maxSpread, Math.abs(v - homeRad[j]));
      }
    });
    expect(bad).toEqual([]);
    // First report: idle at home, in radians.
    const first = robots.find((c) => c.id === 'R2')!;
    expect(first.state).toBe('idle');
    Array.from(first.joints).forEach((v, j) => expect(v).toBeCloseTo(homeRad[j], 12));
    // Robots move well away from home (tenths of a radian) but never by degree-sized amounts.
    expect(maxSpread).toBeGreaterThan(0.2);
    expect(maxSpread).toBeLessThan(Math.PI);
  });

  it('[SIM12] the tool is active only while the station works; robot state follows the station', () => {
    const station = new Map<string, StationState>();
    const toolOn = new Set<string>();
    let last = -Infinity;
    const bad = offences(cs, (c) => {
      if (c.ts < last) return `time went back at ${c.ts}`;
      last = c.ts;
      if (c.type === 'station') station.set(c.id, c.state);
      if (c.type !== 'robot') return;
      const s = station.get(robotOf[c.id]);
      if (c.tool) {
        if (s !== 'working') return `${c.id} tool on while its station is ${s} at ${c.ts}`;
        toolOn.add(c.id);
      }
      const expected = s === 'working' ? 'working' : s === 'down' ? 'down' : 'idle';
      if (c.state !== expected) return `${c.id} is ${c.state} while its station is ${s}`;
    });
    expect(bad).toEqual([]);
    expect([...toolOn].sort()).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
  });

  it('[SIM13] a robot is idle at home while its station is starved, and frozen while down', () => {
    const joints = new Map<string, ArrayLike<number>>();
    let s3: { state: StationState; ts: number } | undefined;
    let changesWhileDown = 0;
    let downs = 0;
    let checkedStarved = 0;
    const bad = offences(cs, (c) => {
      if (c.type === 'station' && c.id === 'S3') {
        if (s3?.state === 'starved' && c.ts - s3.ts > 3000) {
          checkedStarved++;
          const at = joints.get('R3')!;
          for (let j = 0; j < 6; j++) if (Math.abs(at[j] - homeRad[j]) > 1e-5) return `R3 not home while starved at ${c.ts}`;
        }
        if (s3?.state === 'down') {
          downs++;
          // A down station freezes its robot: one report (the switch to down), then nothing.
          if (changesWhileDown > 1) return `R3 reported ${changesWhileDown} times while down`;
        }
        changesWhileDown = 0;
        s3 = { state: c.state, ts: c.ts };
      }
      if (c.type === 'robot') {
        if (c.id === 'R3' && s3?.state === 'down') {
          changesWhileDown++;
          if (c.state !== 'down' || c.tool) return `R3 ${c.state} tool ${c.tool} while down`;
        }
        joints.set(c.id, c.joints);
      }
    });
    expect(bad).toEqual([]);
    expect(checkedStarved).toBeGreaterThan(10);
    expect(downs).toBeGreaterThanOrEqual(3);
  });

  it('[SIM14] conveyor progress is monotonic, within 0..1, queued in order, and reached the end before leaving', () => {
    const slots: Record<string, number> = { C1: 3, C3: 2 };
    const travelMs: Record<string, number> = { C1: (6 / 0.5) * 1000, C3: (8 / 0.4) * 1000 };
    const onBelt = new Map<string, string[]>(); // conveyor → body ids, head first
    const progress = new Map<string, number>();
    const entered = new Map<string, number>();
    const beltOf = new Map<string, string>();
    let moves = 0;
    let queued = 0;
    let handed = 0;
    const bad = offences(cs, (c) => {
      if (c.type !== 'body') return;
      const belt = beltOf.get(c.id);
      if (c.location.kind === 'conveyor') {
        const { conveyor, progress: p } = c.location;
        if (!(p >= 0 && p <= 1)) return `${c.id} progress ${p}`;
        if (belt === undefined) {
          if (p !== 0) return `${c.id} entered ${conveyor} at ${p}`;
          beltOf.set(c.id, conveyor);
          entered.set(c.id, c.ts);
          onBelt.set(conveyor, [...(onBelt.get(conveyor) ?? []), c.id]);
        } else {
          if (belt !== conveyor) return `${c.id} jumped from ${belt} to ${conveyor}`;
          // Reported only while moving: every report is a step forward.
          if (!(p > progress.get(c.id)!)) return `${c.id} went from ${progress.get(c.id)} to ${p} at ${c.ts}`;
          moves++;
        }
        progress.set(c.id, p);
        const queue = onBelt.get(conveyor)!;
        const i = queue.indexOf(c.id);
        if (p > 1 - i / slots[conveyor] + 1e-12) return `${c.id} at ${p} passed its queue place ${i}`;
        if (i > 0 && p > progress.get(queue[i - 1])!) return `${c.id} overtook ${queue[i - 1]}`;
        if (i > 0 && p === 1 - i / slots[conveyor]) queued++;
      } else if (belt !== undefined) {
        // Left the belt: it was the head and had time to reach the end.
        const queue = onBelt.get(belt)!;
        if (queue[0] !== c.id) return `${c.id} left ${belt} ahead of ${queue[0]}`;
        if (c.ts - entered.get(c.id)! < travelMs[belt] - 1e-6) return `${c.id} crossed ${belt} in ${c.ts - entered.get(c.id)!} ms`;
        queue.shift();
        beltOf.delete(c.id);
        handed++;
      }
    });
    expect(bad).toEqual([]);
    expect(moves).toBeGreaterThan(1000);
    expect(handed).toBeGreaterThan(200);
    // Bodies did wait behind others at their queue places on C1.
    expect(queued).toBeGreaterThan(10);
  });
});

describe('simulator: demo plant', () => {
  const file = path.resolve(import.meta.dirname, '../../scenes/demo-plant/scene.json');
  let demo: ResolvedScene;
  beforeAll(() => {
    demo = parseScene(JSON.parse(readFileSync(file, 'utf8')), file);
  });

  it('[SIM15] after the default warm-up at least 30 bodies are in flight', () => {
    const sim = new LineSimulation(demo, { seed: 1, startTime: T0 });
    record(sim, T0 + 1800 * 1000, false);
    const bodies = sim.fullState().filter((c) => c.type === 'body');
    expect(bodies.length).toBe(sim.bodiesInFlight);
    expect(bodies.length).toBeGreaterThanOrEqual(30);
  });

  it('[SIM16] working, starved, blocked and down all occur within 2 simulated hours', () => {
    const cs = record(new LineSimulation(demo, { seed: 1, startTime: T0 }), T0 + 2 * HOUR, false);
    const seen = new Set(cs.filter((c) => c.type === 'station').map((c) => (c as StationChange).state));
    for (const state of ['working', 'starved', 'blocked', 'down'] as const) expect(seen).toContain(state);
    expect(cs.some((c) => c.type === 'body-remove')).toBe(true);
  });

  it('[SIM17] one sampled hour of the demo plant (time printed, not asserted)', () => {
    const sim = new LineSimulation(demo, { seed: 1, startTime: T0 });
    record(sim, T0 + 1800 * 1000, false);
    let n = 0;
    const started = performance.now();
    sim.runUntil(T0 + 1800 * 1000 + HOUR, () => n++);
    const ms = performance.now() - started;
    console.log(`[SIM17] demo plant, 1 simulated hour at 10 Hz: ${ms.toFixed(0)} ms, ${n} changes (${demo.stations.length} stations, ${demo.robots.length} robots)`);
    expect(n).toBeGreaterThan(demo.robots.length);
  });

  it('[SIM18] robot samples and conveyor progress taken in columns commit the very frames the change objects commit', () => {
    const objects = new LineSimulation(demo, { seed: 3, startTime: T0 });
    const columns = new LineSimulation(demo, { seed: 3, startTime: T0 });
    for (const sim of [objects, columns]) sim.runUntil(T0 + 1800 * 1000, () => undefined, { sample: false });
    const a = createHub({ scene: demo, epoch: 'e', tickMs: 1 << 30 });
    const b = createHub({ scene: demo, epoch: 'e', tickMs: 1 << 30 });
    for (const c of objects.fullState()) a.sink.apply(c);
    for (const c of columns.fullState()) b.sink.apply(c);
    expect(b.tick()).toEqual(a.tick());
    let rows = 0;
    let robotChanges = 0;
    let moveRows = 0;
    let conveyorChanges = 0;
    let conveyorChangesEmitted = 0;
    // Hand-offs of moves before another change of the tick (to keep each body's changes in order), not at its end.
    let movesMidRun = 0;
    // Steps of 70 ms: samples (every 100 ms) then fall inside a step as well as at its end.
    const onConveyor = (c: Change) => c.type === 'body' && c.location.kind === 'conveyor';
    for (let i = 0; i < 600; i++) {
      objects.runUntil(objects.now + 70, (c) => {
        if (c.type === 'robot') robotChanges++;
        if (onConveyor(c)) conveyorChanges++;
        a.sink.apply(c);
      });
      let handed = false;
      columns.runUntil(columns.now + 70, (c) => {
        // Robots never come through emit when the caller takes them in columns.
        expect(c.type).not.toBe('robot');
        if (onConveyor(c)) conveyorChangesEmitted++;
        if (handed) movesMidRun++;
        handed = false;
        b.sink.apply(c);
      }, {
        robots: (samples) => {
          rows += samples.count;
          b.sink.robots!(samples);
        },
        moves: (m) => {
          // Handed once at the end, or before a change of a body: never twice in a row, never empty.
          expect(handed).toBe(false);
          expect(m.count).toBeGreaterThan(0);
          handed = true;
          moveRows += m.count;
          b.sink.moves!(m);
        },
      });
      const fa = a.tick();
      const fb = b.tick();
      expect(fb === null ? null : Buffer.from(fb)).toEqual(fa === null ? null : Buffer.from(fa));
    }
    expect(rows).toBe(robotChanges);
    expect(rows).toBeGreaterThan(demo.robots.length);
    // Every progress sample came in columns; only bodies arriving on a conveyor came as objects.
    expect(moveRows + conveyorChangesEmitted).toBe(conveyorChanges);
    expect(moveRows).toBeGreaterThan(conveyorChangesEmitted * 5);
    expect(movesMidRun).toBeGreaterThan(2);
    expect(b.snapshot()).toEqual(a.snapshot());
  });
});

describe('simulator source', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Stable, by time, robots last within an instant; robot joints as the float32 the hub keeps, quality explicit. */
  /** A change with its numbers as the source's columns hold them: robot joints and conveyor progress as float32. */
  function float32(c: Change): Change {
    if (c.type === 'robot') return { ...c, joints: Array.from(c.joints, Math.fround), quality: c.quality ?? 'good' };
    if (c.type === 'body' && c.location.kind === 'conveyor') return { ...c, location: { ...c.location, progress: Math.fround(c.location.progress) } };
    return c;
  }

  function inTimeOrder(changes: Change[]): Change[] {
    return changes
      .map((c, i) => ({ c: float32(c), i }))
      .sort((a, b) => a.c.ts - b.c.ts || Number(a.c.type === 'robot') - Number(b.c.type === 'robot') || a.i - b.i)
      .map((x) => x.c);
  }

  function sinkLog() {
    const changes: Change[] = [];
    const times: number[] = [];
    return { changes, times, sink: { apply: (c: Change) => void changes.push(c), time: (t: number) => void times.push(t) } };
  }

  it('[SRC1] warms up silently, delivers the full state, then runs at speed × real time', () => {
    vi.useFakeTimers();
    let real = 5_000;
    const source = createSimulatorSource(scene, { seed: 4, speed: 10, warmup: 600, startTime: T0, tickMs: 50, clock: () => real });
    expect(source.kind).toBe('simulator');
    const log = sinkLog();
    source.start(log.sink);
    expect(source.simulation.now).toBe(T0 + 600_000);
    // Full state: every station and robot, and the bodies in the line, all stamped with the sim time.
    const first = log.changes.splice(0);
    expect(first.filter((c) => c.type === 'station').map((c) => (c as StationChange).id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(first.filter((c) => c.type === 'robot')).toHaveLength(5);
    expect(first.filter((c) => c.type === 'body').length).toBeGreaterThanOrEqual(5);
    expect(first.every((c) => c.ts === T0 + 600_000)).toBe(true);
    expect(log.times).toEqual([T0 + 600_000]);

    for (let i = 0; i < 20; i++) {
      real += 50;
      vi.advanceTimersByTime(50);
    }
    expect(source.simulation.now).toBe(T0 + 600_000 + 10_000);
    expect(log.times).toHaveLength(21);
    expect(log.times.at(-1)).toBe(T0 + 610_000);
    expect(log.changes.length).toBeGreaterThan(20);
    expect(log.changes.every((c) => c.ts > T0 + 600_000 && c.ts <= T0 + 610_000)).toBe(true);

    source.stop();
    const delivered = log.changes.length;
    real += 1000;
    vi.advanceTimersByTime(1000);
    source.tick();
    expect(log.changes.length).toBe(delivered);
    expect(source.simulation.now).toBe(T0 + 610_000);
  });

  it('[SRC4] backfill delivers the end of the warm-up in committed 200 ms steps, the stream of a silent run, with its progress, then live resumes', () => {
    vi.useFakeTimers();
    let real = 5_000;
    const source = createSimulatorSource(scene, { seed: 4, speed: 10, warmup: 600, backfill: 120, startTime: T0, tickMs: 50, clock: () => real });
    const log = sinkLog();
    source.start(log.sink);
    // Silent up to where the backfill begins; the full state is stamped there.
    expect(source.simulation.now).toBe(T0 + 480_000);
    const full = log.changes.splice(0);
    expect(full.every((c) => c.ts === T0 + 480_000)).toBe(true);
    log.times.length = 0;

    const commits: Array<{ changes: number; time: number; now: number }> = [];
    // Real time passes while the backfill runs (1 ms per commit here).
    const tick = () => {
      commits.push({ changes: log.changes.length, time: log.times.at(-1) ?? Number.NaN, now: source.simulation.now });
      real++;
    };
    const shares: number[] = [];
    source.backfill!(tick, (done) => shares.push(done));
    // Its progress: whole per cents, rising, ending at 1.
    expect(shares.at(-1)).toBe(1);
    expect(shares.length).toBeGreaterThan(50);
    expect(shares.length).toBeLessThanOrEqual(100);
    shares.forEach((d, i) => {
      expect(Math.round(d * 100)).toBeCloseTo(d * 100, 9);
      if (i > 0) expect(d).toBeGreaterThan(shares[i - 1]);
    });
    // Up to the end of the warm-up, in steps of 200 ms, one commit after each step's changes and clock.
    expect(source.simulation.now).toBe(T0 + 600_000);
    expect(commits).toHaveLength(600);
    commits.forEach((c, i) => {
      expect(c.now).toBe(T0 + 480_000 + (i + 1) * 200);
      expect(c.time).toBe(c.now);
    });
    expect(commits.at(-1)!.changes).toBe(log.changes.length);

    // The same changes as the simulation run straight through (chunking does not change the stream, SIM2). The
    // source hands robot samples over in columns at the end of each step (float32 joints), and bodies' progress
    // on conveyors in columns too (float32), so both are compared in time order, robots after the other changes
    // of their instant.
    const ref = new LineSimulation(scene, { seed: 4, startTime: T0 });
    ref.runUntil(T0 + 480_000, () => undefined, { sample: false });
    const expected: Change[] = [];
    ref.runUntil(source.simulation.now, (c) => expected.push(c));
    expect(expected.length).toBeGreaterThan(1000);
    expect(inTimeOrder(log.changes)).toEqual(inTimeOrder(expected));
    // Backfilled changes are not live messages.
    expect(source.health!().messagesTotal).toBe(0);
    expect(() => source.backfill!(tick)).toThrow(/once/);

    // The first live tick catches up the real time the backfill took, then live goes on at speed × real time.
    real += 50;
    vi.advanceTimersByTime(50);
    expect(source.simulation.now).toBe(T0 + 600_000 + (600 + 50) * 10);
    real += 50;
    vi.advanceTimersByTime(50);
    expect(source.simulation.now).toBe(T0 + 600_000 + (600 + 100) * 10);
    source.stop();
  });

  it('[SRC5] backfill: none by default, never more than the warm-up, not before start', () => {
    const quiet = createSimulatorSource(scene, { warmup: 60, startTime: T0, clock: () => 0 });
    expect(() => quiet.backfill!(() => undefined)).toThrow(/before start/);
    const log = sinkLog();
    quiet.start(log.sink);
    expect(quiet.simulation.now).toBe(T0 + 60_000);
    let commits = 0;
    quiet.backfill!(() => commits++);
    expect(commits).toBe(0);
    quiet.stop();
    expect(() => createSimulatorSource(scene, { warmup: 60, backfill: 61 })).toThrow(/backfill must be a finite number of seconds from 0 to the warm-up \(60\)/);
    expect(() => createSimulatorSource(scene, { backfill: -1 })).toThrow(/backfill/);
  });

  it('[SRC2] a long suspension is caught up at most 10 s of real time per tick', () => {
    let real = 0;
    const source = createSimulatorSource(scene, { speed: 2, warmup: 0, startTime: T0, clock: () => real });
    const log = sinkLog();
    source.start(log.sink);
    real += 3_600_000;
    source.tick();
    expect(source.simulation.now).toBe(T0 + MAX_CATCH_UP_MS * 2);
    real -= 5000; // a clock stepping back advances nothing
    source.tick();
    expect(source.simulation.now).toBe(T0 + MAX_CATCH_UP_MS * 2);
    source.stop();
  });

  it('[SRC3] rejects bad options with a message naming the option', () => {
    for (const speed of [0, -1, Number.NaN, Infinity]) expect(() => createSimulatorSource(scene, { speed })).toThrow(/speed must be a finite number > 0/);
    expect(() => createSimulatorSource(scene, { warmup: -1 })).toThrow(/warmup/);
    expect(() => createSimulatorSource(scene, { tickMs: 0 })).toThrow(/tickMs/);
    expect(() => createSimulatorSource(scene, { sampleHz: 0 })).toThrow(/sampleHz/);
    expect(() => createSimulatorSource(scene, { seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => createSimulatorSource(scene, { startTime: Number.NaN })).toThrow(/startTime/);
  });
});

describe('simulator health', () => {
  it('[SIM-H1] reports itself running with its seed and speed, its change total and a rate over whole seconds', async () => {
    const { createSimulatorSource } = await import('../../server/sources/simulator/index.ts');
    const { tinyScene } = await import('../fixtures/tiny-scene.ts');
    let now = 0;
    const src = createSimulatorSource(tinyScene(), { seed: 5, speed: 10, warmup: 600, startTime: 0, clock: () => now });
    let applied = 0;
    src.start({ apply: () => applied++ });
    const initial = applied;
    for (let i = 0; i < 80; i++) {
      now += 50;
      src.tick();
    }
    const h = src.health!();
    src.stop();
    expect(h).toMatchObject({ kind: 'simulator', connection: 'running', rejects: {} });
    expect(h.target).toContain('seed 5, ×10');
    expect(h.messagesTotal).toBe(applied - initial);
    expect(h.messagesTotal).toBeGreaterThan(0);
    // 4 s of ticks: the rate is the changes of the whole seconds 0..2 divided by 3.
    expect(h.messageRate).toBeGreaterThan(0);
    expect(h.messageRate).toBeLessThanOrEqual(h.messagesTotal);
    expect(src.health!().connection).toBe('stopped');
  });
});
