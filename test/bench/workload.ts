/**
 * The traffic the Node benchmarks push through the hub: the demo plant (scaled) driven by the seeded
 * simulator, cut into hub ticks. Precomputed once, so the timed part measures delivery, not the
 * simulation, and a baseline can be fed exactly the bytes the hub produced.
 */
import type { BodyMoves, Change, ChangeSink, RobotSamples } from '../../protocol/changes.ts';
import { parseScene, type ResolvedScene } from '../../protocol/scene.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { LineSimulation } from '../../server/sources/simulator/line-simulation.ts';
import { buildDemoPlant } from '../../scripts/make-demo-plant.ts';
import { scaleScene } from '../../scripts/generate-scene.ts';

export type Workload = {
  scene: ResolvedScene;
  /** The full state the source hands the hub at start. */
  initial: Change[];
  /** State time of the initial state, epoch ms. */
  startTime: number;
  /** What the source hands the hub each tick, in order, as the built-in simulator source does (see feedTick). */
  ticks: TickInput[];
  /** State time at the end of each tick. */
  tickTimes: number[];
  /** The delta frame the hub commits for each tick (what a client receives), same order. */
  frames: Uint8Array[];
  /** Size of the snapshot frame after the last tick. */
  snapshotBytes: number;
  tickMs: number;
};

/**
 * One tick of a source: its changes one by one, with its bodies' progress on conveyors in columns handed in
 * between (`moves[k]` after the first `moves[k].at` changes), then its robot samples in columns.
 */
export type TickInput = { changes: Change[]; moves: Array<{ at: number; rows: BodyMoves }>; robots: RobotSamples };

/** Hands one tick to a sink the way the simulator source does: changes and body moves as they happened, robot samples after. */
export function feedTick(sink: ChangeSink, tick: TickInput): void {
  const { changes, moves } = tick;
  let k = 0;
  for (let m = 0; m < moves.length; m++) {
    for (const at = moves[m].at; k < at; k++) sink.apply(changes[k]);
    sink.moves!(moves[m].rows);
  }
  for (; k < changes.length; k++) sink.apply(changes[k]);
  if (tick.robots.count > 0) sink.robots!(tick.robots);
}

/** A copy of exactly `s`'s rows (a source's batch is reused from step to step). */
function keep(s: RobotSamples): RobotSamples {
  const n = s.count;
  return { count: n, index: s.index.slice(0, n), state: s.state.slice(0, n), quality: s.quality.slice(0, n), tool: s.tool.slice(0, n), ts: s.ts.slice(0, n), joints: s.joints.slice(0, n * 6) };
}

/** A copy of exactly `m`'s rows (the source's batch is reused). */
function keepMoves(m: BodyMoves): BodyMoves {
  const n = m.count;
  return { count: n, id: m.id.slice(0, n), model: m.model.slice(0, n), color: m.color.slice(0, n), conveyor: m.conveyor.slice(0, n), progress: m.progress.slice(0, n), ts: m.ts.slice(0, n), ...(m.key ? { key: m.key.slice(0, n) } : {}) };
}

const NO_ROBOTS = keep({ count: 0, index: new Uint32Array(0), state: new Uint8Array(0), quality: new Uint8Array(0), tool: new Uint8Array(0), ts: new Float64Array(0), joints: new Float32Array(0) });

export type WorkloadOptions = {
  scale: number;
  ticks: number;
  tickMs?: number;
  seed?: number;
  /** Simulated seconds run silently first, so the line is full of bodies. */
  warmupS?: number;
  sampleHz?: number;
};

/** Scale 1 is the demo plant itself (its own ids, so recordings of it fit); above that, scaleScene's tiling. */
export function scaledDemoScene(scale: number): ResolvedScene {
  if (scale === 1) return parseScene(buildDemoPlant(), 'demo-plant');
  return parseScene(scaleScene(buildDemoPlant(), scale), `demo-plant-x${scale}`);
}

export function buildWorkload(options: WorkloadOptions): Workload {
  const { scale, tickMs = 50, seed = 1, warmupS = 7200, sampleHz = 10 } = options;
  const scene = scaledDemoScene(scale);
  const sim = new LineSimulation(scene, { seed, startTime: Date.UTC(2026, 0, 5, 2), sampleHz });
  sim.runUntil(sim.now + warmupS * 1000, () => undefined, { sample: false });
  const initial = sim.fullState();
  const startTime = sim.now;
  const hub = createHub({ scene, tickMs: 1 << 30 });
  for (const c of initial) hub.sink.apply(c);
  hub.sink.time?.(sim.now);
  hub.tick();
  const ticks: TickInput[] = [];
  const tickTimes: number[] = [];
  const frames: Uint8Array[] = [];
  for (let i = 0; i < options.ticks; i++) {
    const tick: TickInput = { changes: [], moves: [], robots: NO_ROBOTS };
    sim.runUntil(sim.now + tickMs, (c) => tick.changes.push(c), {
      robots: (samples) => (tick.robots = keep(samples)),
      moves: (rows) => tick.moves.push({ at: tick.changes.length, rows: keepMoves(rows) }),
    });
    feedTick(hub.sink, tick);
    hub.sink.time?.(sim.now);
    const frame = hub.tick();
    // An empty tick (nothing moved) still counts, so hub and baseline step through the same ticks.
    ticks.push(tick);
    tickTimes.push(sim.now);
    frames.push(frame ?? new Uint8Array(0));
  }
  return { scene, initial, startTime, ticks, tickTimes, frames, snapshotBytes: hub.snapshotFrame().byteLength, tickMs };
}
