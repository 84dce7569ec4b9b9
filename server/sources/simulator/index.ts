/**
 * The built-in simulator as a Source: runs a warm-up silently so the line is full, hands the sink
 * the full state, optionally delivers the end of the warm-up step by step (backfill, so history and
 * analytics begin with data), then advances simulated time with real time × speed on a timer.
 */
import { deliverBodyMoves, deliverRobotSamples, type BodyMoves, type ChangeSink, type RobotSamples } from '../../../protocol/changes.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { Source, SourceHealth } from '../source.ts';
import { LineSimulation } from './line-simulation.ts';

export { LineSimulation } from './line-simulation.ts';

export type SimulatorOptions = {
  /** Same seed and scene: same change stream. */
  seed?: number;
  /** Simulated seconds per real second. */
  speed?: number;
  /** Simulated seconds run before live delivery starts, so the line is full. */
  warmup?: number;
  /**
   * Of the warm-up, the last this many simulated seconds are not run silently but delivered by backfill(), step
   * by step, so history and analytics start with that much data (default 0; at most `warmup`).
   */
  backfill?: number;
  /** Epoch ms of simulated t = 0. */
  startTime?: number;
  /** Real ms between two advances. */
  tickMs?: number;
  /** Robot and conveyor samples per simulated second. */
  sampleHz?: number;
  /** Real time in ms, monotonic; injectable for tests. */
  clock?: () => number;
};

/** Simulated ms per committed step of a backfill: the live history's own resolution (recordHubHistory). */
export const BACKFILL_STEP_MS = 200;

/** A suspended process catches up at most this much real time in one tick, instead of freezing. */
export const MAX_CATCH_UP_MS = 10_000;

export type SimulatorSource = Source & {
  readonly simulation: LineSimulation;
  /** Advances by the real time elapsed since the last tick and delivers; what the timer calls. */
  tick(): void;
};

export function createSimulatorSource(scene: ResolvedScene, options: SimulatorOptions = {}): SimulatorSource {
  const { seed = 1, speed = 1, warmup = 1800, backfill = 0, startTime = Date.now(), tickMs = 50, sampleHz = 10, clock = () => performance.now() } = options;
  check('seed', seed, Number.isSafeInteger(seed), 'an integer');
  check('speed', speed, Number.isFinite(speed) && speed > 0, 'a finite number > 0');
  check('warmup', warmup, Number.isFinite(warmup) && warmup >= 0, 'a finite number of seconds ≥ 0');
  check('backfill', backfill, Number.isFinite(backfill) && backfill >= 0 && backfill <= warmup, `a finite number of seconds from 0 to the warm-up (${warmup})`);
  check('startTime', startTime, Number.isFinite(startTime), 'a finite epoch time in ms');
  check('tickMs', tickMs, Number.isFinite(tickMs) && tickMs >= 1, 'a finite number of ms ≥ 1');
  check('sampleHz', sampleHz, Number.isFinite(sampleHz) && sampleHz > 0 && sampleHz <= 1000, 'a number in (0, 1000]');
  if (typeof clock !== 'function') throw new TypeError('simulator: clock must be a function returning ms');

  const simulation = new LineSimulation(scene, { seed, startTime, sampleHz });
  let sink: ChangeSink | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let lastReal = 0;
  let backfilled = false;
  let total = 0;
  // Changes counted per second over the last few seconds, for the source-health panel.
  const perSecond: number[] = [];
  let lastAt: number | null = null;
  const deliver = (c: Parameters<ChangeSink['apply']>[0]) => {
    total++;
    sink?.apply(c);
  };
  const robotIds = scene.robots.map((r) => r.id);
  // Robot samples (most of the traffic) go to the hub in columns: no object per sample.
  const robots = (samples: RobotSamples) => {
    total += samples.count;
    if (sink) deliverRobotSamples(sink, samples, robotIds);
  };
  const conveyorIds = scene.conveyors.map((c) => c.id);
  // So do the bodies' progress reports on conveyors (most of the body traffic).
  const moves = (rows: BodyMoves) => {
    total += rows.count;
    if (sink) deliverBodyMoves(sink, rows, conveyorIds);
  };

  const tick = () => {
    if (sink === null) return;
    const real = clock();
    // A clock that steps back or a long suspension must not stall or flood the line.
    const elapsed = Math.min(MAX_CATCH_UP_MS, Math.max(0, real - lastReal));
    lastReal = real;
    const before = total;
    simulation.runUntil(simulation.now + elapsed * speed, deliver, { robots, moves });
    sink?.time?.(simulation.now);
    const second = Math.floor(real / 1000);
    if (perSecond.length === 0 || perSecond[perSecond.length - 1] !== second) perSecond.push(second, 0);
    perSecond[perSecond.length - 1] += total - before;
    if (perSecond.length > 10) perSecond.splice(0, perSecond.length - 10);
    if (total > before) lastAt = Date.now();
  };

  return {
    kind: 'simulator',
    simulation,
    tick,
    start(target) {
      if (sink !== null) throw new Error('simulator: already started');
      simulation.runUntil(startTime + (warmup - backfill) * 1000, () => undefined, { sample: false });
      sink = target;
      for (const c of simulation.fullState()) target.apply(c);
      target.time?.(simulation.now);
      lastReal = clock();
      timer = setInterval(tick, tickMs);
      // The server's sockets keep the process alive; the simulator alone should not.
      timer.unref?.();
    },
    backfill(commit, progress) {
      if (sink === null) throw new Error('simulator: backfill before start');
      if (backfilled) throw new Error('simulator: backfill runs once');
      backfilled = true;
      if (backfill === 0) return;
      const end = startTime + warmup * 1000;
      const begin = simulation.now;
      // Told in whole per cent, at most a hundred times.
      let told = 0;
      while (simulation.now < end && sink !== null) {
        const share = Math.floor((100 * (simulation.now - begin)) / (end - begin));
        if (progress && share > told) progress((told = share) / 100);
        // Not counted in the source's message rate, which is about live delivery.
        simulation.runUntil(Math.min(end, simulation.now + BACKFILL_STEP_MS), (c) => sink?.apply(c), {
          robots: (samples) => sink && deliverRobotSamples(sink, samples, robotIds),
          moves: (rows) => sink && deliverBodyMoves(sink, rows, conveyorIds),
        });
        sink?.time?.(simulation.now);
        commit();
      }
      progress?.(1);
      // The real time this took is caught up by the next live tick (lastReal is still start()'s).
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      sink = null;
    },
    health(): SourceHealth {
      // Whole seconds only: the current one is still filling.
      let sum = 0;
      let seconds = 0;
      for (let i = 0; i + 1 < perSecond.length - 2; i += 2, seconds++) sum += perSecond[i + 1];
      return {
        kind: 'simulator',
        target: `built-in simulator of "${scene.id}" (seed ${seed}, ×${speed})`,
        connection: timer !== null ? 'running' : 'stopped',
        messageRate: seconds > 0 ? sum / seconds : 0,
        messagesTotal: total,
        rejects: {},
        lastMessageAt: lastAt,
      };
    },
  };
}

function check(name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new RangeError(`simulator: ${name} must be ${expected}, got ${String(value)}`);
}
