/**
 * Discrete-event simulation of a serial car line. Pure: no timers, no wall clock, all randomness
 * from seeded streams, so the same seed and scene always give the same change stream, however
 * `runUntil` is chunked.
 *
 * Model: stations chained by `next`; a station without upstream has endless supply, one with
 * `next: null` ships bodies. Between two stations sits a FIFO of min(bufferCapacity, conveyor
 * capacity) places (0: hand-over only into a free station). Cycle times, breakdowns (in working
 * time) and changeovers are drawn per station. Robots follow their station: a cycle trajectory
 * while it works, frozen while it is down, back home otherwise. Robots and conveyor positions are
 * reported at sampling instants; everything else when it happens.
 */
import TinyQueue from 'tinyqueue';
import { BodyMoveBatch, RobotSampleBatch, type BodyChange, type BodyMoves, type BodyRemoveChange, type Change, type RobotChange, type RobotSamples, type StationChange } from '../../../protocol/changes.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { bodyModelCode, robotStateCode, type BodyLocation, type BodyModel, type RobotState, type StationState } from '../../../protocol/state.ts';
import { RandomStream } from './random.ts';
import { RobotMotion, toolAt, type MotionPlan } from './robot-motion.ts';
import { vinFor } from './vin.ts';

export type LineSimulationOptions = {
  seed: number;
  /** Epoch ms of simulated t = 0. */
  startTime: number;
  /** Robot and conveyor samples per simulated second. */
  sampleHz?: number;
};

export type RunOptions = {
  /** false: no robot or conveyor samples (fast warm-up); discrete events still run. */
  sample?: boolean;
  /**
   * Takes the robot samples of the run in columns, once at its end, instead of as RobotChange objects
   * through `emit` (the same values, joints as float32; the batch is reused by the next run).
   */
  robots?: (samples: RobotSamples) => void;
  /**
   * Takes the bodies' progress samples on conveyors in columns instead of as BodyChange objects through `emit`
   * (the same values, progress as float32; the batch is reused). Handed at the run's end and, so that every
   * body's changes keep their order, before any other change of a body is emitted.
   */
  moves?: (moves: BodyMoves) => void;
};

/** Log-space spread of cycle times around nominal (~8 %). */
const CYCLE_SPREAD = 0.08;
/** No cycle is faster than this share of nominal. */
const MIN_CYCLE = 0.8;
const REPAIR_SPREAD = 0.6;
const MIN_REPAIR = 0.1;
const SETUP_SPREAD = 0.1;
const MIN_SETUP = 0.5;
/** Joint speed when a robot heads home outside a cycle, degrees per second. */
const HOME_SPEED = 90;
/** Joint moves below this (radians) are not worth a robot change. */
const JOINT_EPSILON = 1e-6;

type StationDef = ResolvedScene['stations'][number];

type Body = {
  id: string;
  /** Its serial number: the key its progress reports carry (BodyMoves.key). */
  key: number;
  model: BodyModel;
  hex: string;
  /** Colour is reported once the body has left the colour-coat station. */
  painted: boolean;
  location: BodyLocation;
  /** The conveyor link the body is on, else null. */
  on: Link | null;
  // On a conveyor: progress p0 at time t0, moving towards `limit`.
  p0: number;
  t0: number;
  limit: number;
  arrived: boolean;
  sentProgress: number;
};

type Link = {
  from: Station;
  to: Station;
  capacity: number;
  conveyor: { id: string; index: number; travelMs: number; slots: number } | null;
  /** Head (next to leave) first. */
  queue: Body[];
};

type Station = {
  id: string;
  def: StationDef;
  state: StationState;
  job: Body | null;
  sentState: StationState | null;
  sentJob: string | null;
  upstream: Link | null;
  out: Link | null;
  rng: RandomStream;
  /** Mix draws of a source station (null elsewhere). */
  mix: RandomStream | null;
  cycleMs: number;
  /** Working time left in the current cycle. */
  leftMs: number;
  /** When the current working stretch began. */
  segStart: number;
  /** Working time until the next failure; Infinity without mtbf. */
  ttfMs: number;
  /** Whether the pending work event is a failure (else the cycle end). */
  failing: boolean;
  jobs: number;
  robots: RobotRun[];
};

type RobotRun = {
  id: string;
  /** Position in the scene's robot list (RobotSamples' index). */
  index: number;
  station: Station;
  motion: RobotMotion;
  plan: MotionPlan | null;
  /** Outside a cycle the robot blends from here to home. */
  returnFrom: Float64Array;
  returnStart: number;
  returnMs: number;
  pose: Float64Array;
  sent: { state: RobotState; tool: boolean; joints: Float64Array } | null;
};

type SimEvent = { time: number; seq: number } & (
  | { kind: 'kick' }
  | { kind: 'station'; station: Station }
  | { kind: 'arrive'; link: Link; body: Body }
);

export class LineSimulation {
  readonly startTime: number;
  readonly sampleHz: number;
  private t: number;
  private seq = 0;
  private bodySeq = 0;
  private nextSample = 0;
  private readonly queue = new TinyQueue<SimEvent>([], (a, b) => a.time - b.time || a.seq - b.seq);
  private readonly stations: Station[];
  private readonly robots: RobotRun[];
  private readonly links: Link[] = [];
  private readonly bodies = new Map<string, Body>();
  private readonly modelShares: number[];
  private readonly colorShares: number[];
  private emit: (c: Change) => void = () => undefined;
  /** Where this run's robot samples go when its caller takes them in columns (RunOptions.robots). */
  private batch: RobotSampleBatch | null = null;
  private readonly samples = new RobotSampleBatch();
  /** Where this run's conveyor progress samples go when its caller takes them in columns (RunOptions.moves). */
  private moveBatch: BodyMoveBatch | null = null;
  private readonly moveRows = new BodyMoveBatch();
  private takeMoves: ((moves: BodyMoves) => void) | null = null;

  constructor(
    private readonly scene: ResolvedScene,
    { seed, startTime, sampleHz = 10 }: LineSimulationOptions,
  ) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`simulator: seed must be an integer, got ${seed}`);
    if (!Number.isFinite(startTime)) throw new RangeError(`simulator: startTime must be a finite epoch ms, got ${startTime}`);
    if (!(Number.isFinite(sampleHz) && sampleHz > 0 && sampleHz <= 1000))
      throw new RangeError(`simulator: sampleHz must be a number in (0, 1000], got ${sampleHz}`);
    this.startTime = startTime;
    this.sampleHz = sampleHz;
    this.t = startTime;
    this.modelShares = scene.mix.models.map((m) => m.share);
    this.colorShares = scene.mix.colors.map((c) => c.share);

    // ResolvedScene intersects two array types; pin the resolved one so `next` is never undefined.
    const defs: StationDef[] = scene.stations;
    const fed = new Set(defs.map((s) => s.next).filter((n): n is string => n !== null));
    this.stations = defs.map((def): Station => {
      const rng = new RandomStream(seed, `station:${def.id}`);
      return {
        id: def.id,
        def,
        state: 'starved' as StationState,
        job: null,
        sentState: null,
        sentJob: null,
        upstream: null,
        out: null,
        rng,
        mix: fed.has(def.id) ? null : new RandomStream(seed, `mix:${def.id}`),
        cycleMs: 0,
        leftMs: 0,
        segStart: startTime,
        ttfMs: def.mtbf !== undefined ? rng.exponential(def.mtbf * 1000) : Infinity,
        failing: false,
        jobs: 0,
        robots: [],
      };
    });
    const byId = new Map(this.stations.map((s) => [s.id, s]));
    for (const s of this.stations) {
      if (s.def.next === null) continue;
      const to = byId.get(s.def.next)!;
      const c = scene.conveyors.find((c) => c.from === s.id && c.to === to.id);
      const capacity = c ? Math.min(s.def.bufferCapacity, c.capacity) : s.def.bufferCapacity;
      // With no place to queue, a conveyor cannot hold a body: the hand-over is direct.
      const conveyor = c && capacity > 0 ? { id: c.id, index: scene.conveyors.indexOf(c), travelMs: (pathLength(c.path) / c.speed) * 1000, slots: c.capacity } : null;
      const link: Link = { from: s, to, capacity, conveyor, queue: [] };
      s.out = link;
      to.upstream = link;
      this.links.push(link);
    }
    this.robots = scene.robots.map((r, index) => {
      const station = byId.get(r.station)!;
      const motion = new RobotMotion(r, new RandomStream(seed, `robot:${r.id}`));
      const run: RobotRun = {
        id: r.id,
        index,
        station,
        motion,
        plan: null,
        returnFrom: Float64Array.from(motion.home),
        returnStart: startTime,
        returnMs: 0,
        pose: Float64Array.from(motion.home),
        sent: null,
      };
      station.robots.push(run);
      return run;
    });
    this.schedule({ kind: 'kick', time: startTime, seq: 0 });
  }

  /** Simulated time, epoch ms. */
  get now(): number {
    return this.t;
  }

  /**
   * Advances to `until` (epoch ms), emitting changes in time order. Events at a sampling instant
   * come before the sample, so a sample always shows the state after them.
   */
  runUntil(until: number, emit: (c: Change) => void, { sample = true, robots, moves }: RunOptions = {}): void {
    // An endless line has events forever: Infinity would never return.
    if (!Number.isFinite(until)) throw new RangeError(`simulator: runUntil needs a finite time in epoch ms, got ${until}`);
    if (until < this.t) return;
    this.emit = emit;
    this.samples.clear();
    this.batch = robots ? this.samples : null;
    this.moveRows.clear();
    this.moveBatch = moves ? this.moveRows : null;
    this.takeMoves = moves ?? null;
    try {
      for (;;) {
        const ev = this.queue.peek();
        const te = ev ? ev.time : Infinity;
        const ts = sample ? this.sampleTime(this.nextSample) : Infinity;
        if (Math.min(te, ts) > until) break;
        if (te <= ts) {
          this.queue.pop();
          this.t = te;
          this.handle(ev!);
        } else {
          this.t = ts;
          this.sampleAll(ts);
          this.nextSample++;
        }
      }
      this.handMoves();
    } finally {
      this.emit = () => undefined;
      this.batch = null;
      this.moveBatch = null;
      this.takeMoves = null;
    }
    if (robots && this.samples.count > 0) robots(this.samples);
    this.t = until;
    // Skipped instants are gone for good: sampling resumes after `until`.
    let k = Math.max(this.nextSample, Math.floor(((until - this.startTime) * this.sampleHz) / 1000));
    while (this.sampleTime(k) <= until) k++;
    this.nextSample = k;
  }

  /** The current state of every station, body and robot, bodies first (stations refer to them). */
  fullState(): Change[] {
    const out: Change[] = [];
    for (const b of this.bodies.values()) out.push(this.bodyChange(b, this.t));
    for (const s of this.stations) out.push(this.stationChange(s));
    for (const r of this.robots) out.push(this.robotChange(r, this.t, this.robotNow(r, this.t)));
    return out;
  }

  /** Bodies currently in the line. */
  get bodiesInFlight(): number {
    return this.bodies.size;
  }

  private sampleTime(k: number): number {
    return this.startTime + (k * 1000) / this.sampleHz;
  }

  private schedule(ev: SimEvent): void {
    ev.seq = this.seq++;
    this.queue.push(ev);
  }

  private at(time: number, station: Station): void {
    this.schedule({ kind: 'station', station, time, seq: 0 });
  }

  private handle(ev: SimEvent): void {
    switch (ev.kind) {
      case 'kick':
        for (const s of this.stations) this.tryStart(s);
        return;
      case 'station':
        return this.stationEvent(ev.station);
      case 'arrive': {
        const { link, body } = ev;
        if (link.queue[0] !== body) return;
        body.arrived = true;
        body.p0 = body.limit = 1;
        body.t0 = this.t;
        this.tryStart(link.to);
        return;
      }
    }
  }

  private stationEvent(s: Station): void {
    switch (s.state) {
      case 'working': {
        const worked = this.t - s.segStart;
        if (s.failing) {
          s.leftMs = Math.max(0, s.leftMs - worked);
          s.ttfMs = 0;
          this.setState(s, 'down');
          const mttr = s.def.mttr! * 1000;
          this.at(this.t + Math.max(MIN_REPAIR * mttr, s.rng.lognormal(mttr, REPAIR_SPREAD)), s);
        } else {
          s.ttfMs -= worked;
          s.leftMs = 0;
          this.cycleDone(s);
        }
        return;
      }
      case 'down':
        s.ttfMs = s.rng.exponential(s.def.mtbf! * 1000);
        this.setState(s, 'working');
        this.scheduleWork(s);
        return;
      case 'setup':
        s.state = 'starved';
        this.tryStart(s);
        return;
      default:
        return;
    }
  }

  private scheduleWork(s: Station): void {
    s.segStart = this.t;
    s.failing = s.ttfMs < s.leftMs;
    this.at(this.t + (s.failing ? s.ttfMs : s.leftMs), s);
  }

  /** Starts the next job if the station is free and a body is available, else reports starved. */
  private tryStart(s: Station): void {
    if (s.job !== null || s.state === 'down' || s.state === 'setup') return;
    const body = this.take(s);
    if (body === null) {
      this.setState(s, 'starved');
      return;
    }
    this.begin(s, body);
    if (s.upstream) this.pulled(s.upstream);
  }

  private take(s: Station): Body | null {
    const link = s.upstream;
    if (link === null) return this.createBody(s);
    if (link.capacity === 0) {
      const from = link.from;
      if (from.state !== 'blocked' || from.job === null) return null;
      const body = from.job;
      from.job = null;
      this.leave(from, body);
      return body;
    }
    if (link.conveyor === null) return link.queue.shift() ?? null;
    const head = link.queue[0];
    if (head === undefined || !head.arrived) return null;
    link.queue.shift();
    this.advanceQueue(link);
    return head;
  }

  /** Something left `link`: a blocked upstream station may now hand its body on. */
  private pulled(link: Link): void {
    const from = link.from;
    if (from.state !== 'blocked') return;
    if (from.job === null) this.afterRelease(from);
    else this.release(from);
  }

  private begin(s: Station, body: Body): void {
    s.job = body;
    body.on = null;
    body.location = { kind: 'station', station: s.id };
    this.emitBody(this.bodyChange(body, this.t));
    const nominal = s.def.cycleTime * 1000;
    s.cycleMs = nominal * Math.max(MIN_CYCLE, s.rng.lognormal(1, CYCLE_SPREAD));
    s.leftMs = s.cycleMs;
    const minPulse = 1.5 / this.sampleHz;
    for (const r of s.robots) r.plan = r.motion.plan(s.cycleMs / 1000, minPulse);
    this.setState(s, 'working');
    this.scheduleWork(s);
  }

  private cycleDone(s: Station): void {
    s.jobs++;
    for (const r of s.robots) this.headHome(r);
    if (!this.release(s)) this.setState(s, 'blocked');
  }

  /** Hands the finished body downstream if there is room; false when the station must block. */
  private release(s: Station): boolean {
    const body = s.job!;
    const link = s.out;
    if (link === null) {
      s.job = null;
      this.bodies.delete(body.id);
      this.emitBody({ type: 'body-remove', id: body.id, ts: this.t });
      this.afterRelease(s);
      return true;
    }
    const to = link.to;
    if (link.conveyor === null && link.queue.length === 0 && to.job === null && to.state === 'starved') {
      s.job = null;
      this.leave(s, body);
      this.begin(to, body);
      this.afterRelease(s);
      return true;
    }
    if (link.queue.length >= link.capacity) return false;
    s.job = null;
    this.leave(s, body);
    link.queue.push(body);
    if (link.conveyor !== null) {
      body.p0 = body.sentProgress = 0;
      body.t0 = this.t;
      body.limit = 1 - (link.queue.length - 1) / link.conveyor.slots;
      body.arrived = false;
      body.on = link;
      body.location = { kind: 'conveyor', conveyor: link.conveyor.id, progress: 0 };
      if (link.queue.length === 1) this.scheduleArrival(link);
    } else {
      // Buffers without a conveyor have no place of their own in the scene.
      body.location = { kind: 'station', station: s.id };
    }
    this.emitBody(this.bodyChange(body, this.t));
    this.afterRelease(s);
    return true;
  }

  private leave(s: Station, body: Body): void {
    if (s.def.paintsBody) body.painted = true;
  }

  private afterRelease(s: Station): void {
    const setup = s.def.setup;
    if (setup && s.jobs % setup.every === 0) {
      this.setState(s, 'setup');
      const mean = setup.duration * 1000;
      this.at(this.t + Math.max(MIN_SETUP * mean, s.rng.lognormal(mean, SETUP_SPREAD)), s);
      return;
    }
    s.state = 'starved';
    this.tryStart(s);
  }

  /** The head left: everyone moves up one place, and the new head heads for the end. */
  private advanceQueue(link: Link): void {
    const slots = link.conveyor!.slots;
    link.queue.forEach((b, i) => {
      b.p0 = this.progress(link, b, this.t);
      b.t0 = this.t;
      b.limit = 1 - i / slots;
    });
    if (link.queue.length > 0) this.scheduleArrival(link);
  }

  private scheduleArrival(link: Link): void {
    const head = link.queue[0];
    this.schedule({ kind: 'arrive', link, body: head, time: this.t + (1 - head.p0) * link.conveyor!.travelMs, seq: 0 });
  }

  private progress(link: Link, b: Body, t: number): number {
    if (b.arrived) return 1;
    const travel = link.conveyor!.travelMs;
    if (travel <= 0) return b.limit;
    return Math.min(b.limit, b.p0 + (t - b.t0) / travel);
  }

  private createBody(s: Station): Body {
    const mix = s.mix!;
    const model = this.scene.mix.models[mix.weighted(this.modelShares)].model;
    const hex = this.scene.mix.colors[mix.weighted(this.colorShares)].hex;
    const body: Body = {
      id: vinFor(++this.bodySeq, model),
      key: this.bodySeq,
      model,
      hex,
      painted: false,
      location: { kind: 'station', station: s.id },
      on: null,
      p0: 0,
      t0: this.t,
      limit: 0,
      arrived: false,
      sentProgress: 0,
    };
    this.bodies.set(body.id, body);
    return body;
  }

  private setState(s: Station, state: StationState): void {
    s.state = state;
    const job = s.job?.id ?? null;
    if (s.sentState === state && s.sentJob === job) return;
    s.sentState = state;
    s.sentJob = job;
    this.emit(this.stationChange(s));
  }

  private headHome(r: RobotRun): void {
    if (r.plan) r.motion.pose(r.plan, 1, r.returnFrom);
    r.plan = null;
    r.returnStart = this.t;
    let far = 0;
    for (let j = 0; j < 6; j++) far = Math.max(far, Math.abs(r.returnFrom[j] - r.motion.home[j]));
    r.returnMs = far > 0 ? Math.max(500, ((far * 180) / Math.PI / HOME_SPEED) * 1000) : 0;
  }

  /** Robot state, pose (into r.pose) and tool at time t. */
  private robotNow(r: RobotRun, t: number): { state: RobotState; tool: boolean } {
    const s = r.station;
    if (r.plan !== null && (s.state === 'working' || s.state === 'down')) {
      const worked = s.cycleMs - s.leftMs + (s.state === 'working' ? t - s.segStart : 0);
      const f = s.cycleMs > 0 ? Math.min(1, Math.max(0, worked / s.cycleMs)) : 1;
      r.motion.pose(r.plan, f, r.pose);
      return s.state === 'working' ? { state: 'working', tool: toolAt(r.plan, f) } : { state: 'down', tool: false };
    }
    r.motion.blend(r.returnFrom, r.motion.home, r.returnMs > 0 ? (t - r.returnStart) / r.returnMs : 1, r.pose);
    return { state: 'idle', tool: false };
  }

  private sampleAll(t: number): void {
    for (const r of this.robots) {
      const { state, tool } = this.robotNow(r, t);
      const sent = r.sent;
      if (sent && sent.state === state && sent.tool === tool && !moved(sent.joints, r.pose)) continue;
      if (sent) {
        sent.state = state;
        sent.tool = tool;
        sent.joints.set(r.pose);
      } else r.sent = { state, tool, joints: Float64Array.from(r.pose) };
      if (this.batch) this.batch.add(r.index, robotStateCode[state], tool, t, r.pose);
      else this.emit(this.robotChange(r, t, { state, tool }));
    }
    for (const link of this.links) {
      if (link.conveyor === null) continue;
      for (const b of link.queue) {
        const p = this.progress(link, b, t);
        if (p === b.sentProgress) continue;
        b.sentProgress = p;
        const on = b.on;
        if (this.moveBatch && on !== null && on.conveyor !== null) this.moveBatch.add(b.id, bodyModelCode[b.model], b.painted ? b.hex : null, on.conveyor.index, this.progress(on, b, t), t, b.key);
        else this.emitBody(this.bodyChange(b, t));
      }
    }
  }

  /** A body's change other than a progress sample: the samples taken before it go first (RunOptions.moves). */
  private emitBody(c: BodyChange | BodyRemoveChange): void {
    this.handMoves();
    this.emit(c);
  }

  private handMoves(): void {
    if (this.moveBatch === null || this.moveBatch.count === 0) return;
    this.takeMoves?.(this.moveBatch);
    this.moveBatch.clear();
  }

  private bodyChange(b: Body, t: number): BodyChange {
    const location: BodyLocation = b.on !== null ? { kind: 'conveyor', conveyor: b.on.conveyor!.id, progress: this.progress(b.on, b, t) } : b.location;
    return { type: 'body', id: b.id, model: b.model, color: b.painted ? b.hex : null, location, ts: t };
  }

  private stationChange(s: Station): StationChange {
    return { type: 'station', id: s.id, state: s.state, job: s.job?.id ?? null, ts: this.t };
  }

  private robotChange(r: RobotRun, t: number, { state, tool }: { state: RobotState; tool: boolean }): RobotChange {
    return { type: 'robot', id: r.id, state, joints: Array.from(r.pose), tool, ts: t };
  }
}

function moved(a: Float64Array, b: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) if (Math.abs(a[j] - b[j]) > JOINT_EPSILON) return true;
  return false;
}

function pathLength(path: ReadonlyArray<readonly [number, number, number]>): number {
  let len = 0;
  for (let i = 1; i < path.length; i++) {
    const [ax, ay, az] = path[i - 1];
    const [bx, by, bz] = path[i];
    len += Math.hypot(bx - ax, by - ay, bz - az);
  }
  return len;
}
