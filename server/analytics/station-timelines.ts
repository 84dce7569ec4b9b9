/**
 * StationTimelines: the analytics store. Per station, the state intervals, completed jobs and
 * active periods; for the line, departures and bodies in the plant; for bottlenecks, the sweep of
 * the active period method (active-periods.ts) kept up to the settled time.
 *
 * Fed with Changes: directly (`apply`), from a live hub (`attachToHub`, via the hub's commits)
 * or from a recorded History (`fromHistory`). A hub's commits are queued and applied in batches, when the
 * store is read or the queue is long: every reading method sees every commit so far. Live, it keeps
 * `retentionMs` of state time (8 h by default): older intervals, jobs, periods and segments are dropped as
 * time goes on.
 */
import type { Change } from '../../protocol/changes.ts';
import { LocationKind } from '../../protocol/codec.ts';
import { bodyModels, stationStates, type BodyLocation } from '../../protocol/state.ts';
import { FrameChangeReader } from '../../protocol/frame-changes.ts';
import type { ResolvedScene } from '../../protocol/scene.ts';
import { indexScene } from '../../protocol/scene-index.ts';
import type { History } from '../hub/history.ts';
import type { Hub } from '../hub/twin-hub.ts';
import { changesOfState } from '../recording/format.ts';
import { ActivePeriodSweep, SegmentSequence, type PeriodSource } from './active-periods.ts';
import { BodyRoutes, type PlaceKind } from './body-routes.ts';
import { IndexedHeap } from './indexed-heap.ts';
import { RecordLog } from './record-log.ts';
import { ActiveChange, JOB_TRUNCATED, StationTrack, stateCode, stateNames, type StateName } from './station-track.ts';

export const DEFAULT_RETENTION_MS = 8 * 3600_000;

/**
 * Queue entries (changes and commit times) of a followed hub applied at once when nothing reads sooner: about
 * ten seconds of a plant at 20 ticks a second, a batch of a millisecond or two.
 */
const QUEUE_MAX = 512;

export type TimelinesOptions = {
  /** State time kept (ms); Infinity keeps everything. Default 8 h. */
  retentionMs?: number;
  /** Where the timelines begin (epoch ms); default: the time of the first change. */
  start?: number;
};

export type MomentaryBottleneck = {
  station: string;
  /** Start of its active period, epoch ms. */
  since: number;
  /** Length of that period so far (or in all, for a period that has ended), ms. */
  activeMs: number;
};

/** One station's timeline (times epoch ms): for a Gantt-like view. */
export type StationTimeline = {
  station: string;
  /** Consecutive state intervals [from, to). */
  intervals: Array<{ from: number; to: number; state: StateName }>;
  /** Jobs completed in the window: start, completion, working time; startKnown false for a job begun before the data. */
  jobs: Array<{ job: string | null; start: number; end: number; workMs: number; startKnown: boolean }>;
  /** The job in progress at the end of the data, if any. */
  current: { job: string | null; start: number; workMs: number } | null;
};

export class StationTimelines implements PeriodSource {
  readonly scene: ResolvedScene;
  readonly stationIds: string[];
  readonly stationCount: number;
  readonly retentionMs: number;
  /** Stations that end the line (`next: null`): bodies leaving them are finished. */
  readonly endStations: number[];
  private readonly index: Map<string, number>;
  private readonly isEnd: Uint8Array;
  private tracks: StationTrack[] = [];
  /** Where the timelines begin; NaN until the first change. */
  private origin = NaN;
  private latest = -Infinity;
  private cutoff = -Infinity;
  private lastTrim = -Infinity;
  /** Departure times of finished bodies. */
  private departuresLog = new RecordLog(1);
  /** [time, bodies in the plant from then on]. */
  private wipLog = new RecordLog(2);
  private alive = new Set<string>();
  private bodyAt = new Map<string, number>();
  /** Each body's visits to stations and conveyors (follow a body): see `routes`. */
  private readonly bodyRoutes = new BodyRoutes();
  private bodySeen = false;
  private removalSeen = false;
  private ongoing!: IndexedHeap;
  private sweep!: ActivePeriodSweep;
  /** The followed hub's clock (attachToHub): time passes there even when nothing changes. */
  private clock: (() => number) | null = null;
  private changeCount = 0;
  private ignoredCount = 0;
  /**
   * The followed hub's commits not yet applied (attachToHub): each commit's changes, then its time. Applied in
   * one go when read or when QUEUE_MAX long: a commit's few changes cost several times more applied one tick
   * at a time, between a busy server's socket writes, than in a batch.
   */
  private queued: Array<Change | number> = [];
  private draining = false;

  constructor(scene: ResolvedScene, options: TimelinesOptions = {}) {
    this.scene = scene;
    const idx = indexScene(scene);
    this.stationIds = idx.stationIds;
    this.stationCount = idx.stationIds.length;
    this.index = idx.station;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    if (!(this.retentionMs > 0)) throw new RangeError(`analytics: retentionMs must be positive, got ${this.retentionMs}`);
    this.isEnd = new Uint8Array(this.stationCount);
    this.endStations = [];
    scene.stations.forEach((s, i) => {
      if (s.next === null) {
        this.isEnd[i] = 1;
        this.endStations.push(i);
      }
    });
    this.clear(options.start);
  }

  /** Forgets everything; the timelines begin again at `start` (or at the next change). */
  clear(start?: number): void {
    this.tracks = this.stationIds.map(() => new StationTrack());
    this.origin = NaN;
    this.latest = -Infinity;
    this.cutoff = -Infinity;
    this.lastTrim = -Infinity;
    this.departuresLog = new RecordLog(1);
    this.wipLog = new RecordLog(2);
    this.alive.clear();
    this.bodyAt.clear();
    this.queued.length = 0;
    this.bodyRoutes.clear();
    this.bodySeen = false;
    this.removalSeen = false;
    const tracks = this.tracks;
    this.ongoing = new IndexedHeap(this.stationCount, (a, b) => tracks[a].periodStart < tracks[b].periodStart || (tracks[a].periodStart === tracks[b].periodStart && a < b));
    this.sweep = new ActivePeriodSweep(this.stationCount);
    this.changeCount++;
    if (start !== undefined) this.begin(start);
  }

  // ---- PeriodSource (for the sweep) ----

  periodsOf(s: number): RecordLog {
    this.drain();
    return this.tracks[s].periods;
  }

  ongoingStart(s: number): number {
    this.drain();
    return this.tracks[s].periodStart;
  }

  // ---- feeding ----

  /** Applies one change; robot changes and unknown stations are ignored. */
  apply(change: Change): void {
    this.drain();
    this.applyChange(change);
  }

  private applyChange(change: Change): void {
    const ts = change.ts;
    if (typeof ts !== 'number' || !Number.isFinite(ts)) return;
    if (Number.isNaN(this.origin)) this.begin(ts);
    const t = ts < this.origin ? this.origin : ts;
    switch (change.type) {
      case 'station': {
        const s = this.index.get(change.id);
        const code = stateCode(change.state);
        if (s === undefined || code < 0) {
          this.ignoredCount++;
          return;
        }
        this.station(s, t, code, change.job, false);
        break;
      }
      case 'body':
        this.bodySeen = true;
        if (!this.alive.has(change.id)) {
          this.alive.add(change.id);
          this.wipStep(t);
        }
        if (change.location.kind === 'station') {
          const s = this.index.get(change.location.station);
          if (s !== undefined) this.bodyAt.set(change.id, s);
        } else this.bodyAt.delete(change.id);
        this.bodyRoutes.locate(change.id, ...placeOf(change.location), t);
        break;
      case 'body-remove':
        this.removalSeen = true;
        this.bodyLeaves(change.id, t);
        this.bodyRoutes.remove(change.id, t);
        break;
      default:
        return;
    }
    if (t > this.latest) this.latest = t;
    this.changeCount++;
    if (this.latest - this.lastTrim >= this.trimEvery()) this.trim();
  }

  /** Time passes with no change (the source's clock). */
  advance(t: number): void {
    this.drain();
    this.advanceTo(t);
  }

  private advanceTo(t: number): void {
    if (!Number.isFinite(t)) return;
    if (Number.isNaN(this.origin)) this.begin(t);
    if (t > this.latest) {
      this.latest = t;
      this.changeCount++;
    }
    if (this.latest - this.lastTrim >= this.trimEvery()) this.trim();
  }

  /**
   * The state found when the timelines start (a snapshot's changes): stations are in it since `t`,
   * with their jobs begun at an unknown earlier time; stations never reported (ts <= 0) stay unknown.
   */
  init(changes: Iterable<Change>, t: number): void {
    this.drain();
    // A hub that never committed anything is at time 0: begin with the first change instead.
    if (!(t > 0) && Number.isNaN(this.origin)) return;
    if (Number.isNaN(this.origin)) this.begin(t);
    for (const c of changes) {
      if (c.type === 'station') {
        const s = this.index.get(c.id);
        const code = stateCode(c.state);
        if (s === undefined || code < 0 || !(c.ts > 0)) continue;
        this.station(s, Math.max(t, this.origin), code, c.job, true);
      } else if (c.type === 'body') {
        this.bodySeen = true;
        this.alive.add(c.id);
        if (c.location.kind === 'station') {
          const s = this.index.get(c.location.station);
          if (s !== undefined) this.bodyAt.set(c.id, s);
        }
        this.bodyRoutes.locate(c.id, ...placeOf(c.location), Math.max(t, this.origin), true);
      }
    }
    this.wipStep(Math.max(t, this.origin));
    if (t > this.latest) this.latest = t;
    this.changeCount++;
  }

  /**
   * Follows a live hub: its state now, then every committed delta frame. Returns a function that
   * stops following. (A replay that loops goes back in time; for a recording, build the store once
   * with `fromHistory` over the whole recording instead.)
   */
  attachToHub(hub: Hub): () => void {
    const reader = new FrameChangeReader(hub.index);
    const { header, changes } = reader.read(hub.snapshotFrame());
    this.init(changes, header.time);
    const clock = () => hub.time;
    this.clock = clock;
    // Each commit's changed stations and bodies, read from the hub's tables: decoding the whole tick frame
    // (hundreds of robot poses in a large plant) only to skip the robots cost more than the analysis.
    const { stations, bodies } = hub.tables;
    const { stationIds, conveyorIds } = hub.index;
    // A body on a conveyor reports its progress every tick; for the timelines and routes only a change of
    // place matters, and the commit lists those bodies apart (`placed`). Before the timelines begin, every
    // body the commit changed counts.
    const off = hub.onCommit((c) => {
      const q = this.queued;
      for (const r of c.removed) q.push({ type: 'body-remove', id: r.id, ts: r.ts });
      // Index loops: the lists are typed-array views, which for…of walks about three times slower.
      // The timelines have begun once anything is queued (applying it begins them), not only once applied.
      const begun = !Number.isNaN(this.origin) || q.length > 0;
      const changedBodies = begun ? c.placed : c.bodies;
      for (let k = 0; k < changedBodies.length; k++) {
        const slot = changedBodies[k];
        const id = bodies.ids[slot];
        if (id === null || id === undefined) continue;
        const kind = bodies.locKind[slot];
        const location: BodyLocation =
          kind === LocationKind.station ? { kind: 'station', station: stationIds[bodies.locIndex[slot]] }
          : kind === LocationKind.conveyor ? { kind: 'conveyor', conveyor: conveyorIds[bodies.locIndex[slot]], progress: bodies.progress[slot] }
          : { kind: 'none' };
        q.push({ type: 'body', id, model: bodyModels[bodies.model[slot]], color: bodies.colors[slot] ?? null, location, ts: bodies.ts[slot] });
      }
      const changedStations = c.stations;
      for (let k = 0; k < changedStations.length; k++) {
        const i = changedStations[k];
        const job = stations.job[i];
        q.push({ type: 'station', id: stationIds[i], state: stationStates[stations.state[i]], ts: stations.ts[i], job: job >= 0 ? (bodies.ids[job] ?? null) : null });
      }
      q.push(c.time);
      if (q.length >= QUEUE_MAX) this.drain();
    });
    return () => {
      off();
      if (this.clock === clock) this.clock = null;
    };
  }

  /** Catches up with the followed hub's clock (a hub commits no frame while nothing changes). */
  sync(): void {
    this.drain();
    if (this.clock) this.advanceTo(this.clock());
  }

  /** Applies the queued commits, in order (each commit's changes, then its time). */
  private drain(): void {
    const q = this.queued;
    if (q.length === 0 || this.draining) return;
    this.draining = true;
    try {
      for (let k = 0; k < q.length; k++) {
        const e = q[k];
        if (typeof e === 'number') this.advanceTo(e);
        else this.applyChange(e);
      }
    } finally {
      q.length = 0;
      this.draining = false;
    }
  }

  /**
   * Timelines of [from, to] of a History (a recording, or the live history). `marginMs` (default
   * 30 min) more is read on both sides where the history has it, so that active periods crossing the
   * window's edges are measured over their whole extent.
   */
  static fromHistory(history: History, from: number, to: number, options: { marginMs?: number } = {}): StationTimelines {
    if (history.from === null || history.to === null) throw new RangeError('analytics: the history is empty');
    const margin = options.marginMs ?? 30 * 60_000;
    const start = Math.min(Math.max(history.from, from - margin), history.to);
    const end = Math.max(Math.min(history.to, to + margin), start);
    const store = new StationTimelines(history.scene, { retentionMs: Infinity, start });
    const at = history.stateAt(start);
    store.init(changesOfState(at.hub.snapshot()), start);
    history.forEachDelta(at.next, end, (entry) => {
      const { header, changes } = at.reader.read(entry.frame);
      for (const c of changes) store.apply(c);
      store.advance(header.time);
    });
    store.advance(end);
    return store;
  }

  // ---- reading ----

  /** Start of the data kept (epoch ms), or null before any change. */
  get from(): number | null {
    this.drain();
    return Number.isNaN(this.origin) ? null : Math.max(this.origin, this.cutoff);
  }

  /** The latest time seen (epoch ms), or null before any change. */
  get to(): number | null {
    this.drain();
    return Number.isNaN(this.origin) ? null : this.latest;
  }

  /**
   * One station's timeline over [from, to) (clipped to the data): its state intervals and the jobs
   * that completed in it, plus the job in progress at the end. Null for an unknown station.
   */
  timeline(id: string, from: number, to: number): StationTimeline | null {
    this.drain();
    const s = this.index.get(id);
    if (s === undefined) return null;
    const tr = this.tracks[s];
    const now = this.latest;
    const intervals: StationTimeline['intervals'] = [];
    const log = tr.states;
    for (let i = Math.max(log.first, log.upperBound(from) - 1); i < log.end; i++) {
      const a = Math.max(log.get(i), from);
      const next = i + 1 < log.end ? log.get(i + 1) : now;
      const b = Math.min(next, to);
      if (b > a) intervals.push({ from: a, to: b, state: stateNames[log.get(i, 1)] });
      if (next >= to) break;
    }
    const jobs: StationTimeline['jobs'] = [];
    const j0 = tr.jobs.lowerBound(from, 1);
    const j1 = tr.jobs.lowerBound(to, 1, j0);
    for (let j = j0; j < j1; j++) {
      jobs.push({ job: tr.jobId(j), start: tr.jobs.get(j, 0), end: tr.jobs.get(j, 1), workMs: tr.jobs.get(j, 2), startKnown: (tr.jobs.get(j, 3) & JOB_TRUNCATED) === 0 });
    }
    const cur = tr.currentJob(now);
    return { station: id, intervals, jobs, current: cur ? { job: cur.id, start: cur.start, workMs: cur.workMs } : null };
  }

  track(s: number): StationTrack {
    this.drain();
    return this.tracks[s];
  }

  stationIndex(id: string): number | undefined {
    return this.index.get(id);
  }

  /** Whether bodies were reported (else the bodies in the plant are unknown). */
  get hasBodies(): boolean {
    this.drain();
    return this.bodySeen;
  }

  /** Whether body removals were seen (else finished bodies are inferred from end-station jobs). */
  get hasRemovals(): boolean {
    this.drain();
    return this.removalSeen;
  }

  get departures(): RecordLog {
    this.drain();
    return this.departuresLog;
  }

  get wip(): RecordLog {
    this.drain();
    return this.wipLog;
  }

  get bodiesInPlant(): number {
    this.drain();
    return this.alive.size;
  }

  /**
   * The momentary bottleneck now: of the stations active now, the one whose active period began
   * first, as that is the longest period in progress. O(1); kept up to date at O(log S) per change.
   */
  currentBottleneck(): MomentaryBottleneck | null {
    this.drain();
    const s = this.ongoing.top();
    if (s < 0) return null;
    const since = this.tracks[s].periodStart;
    return { station: this.stationIds[s], since, activeMs: Math.max(0, this.latest - since) };
  }

  /**
   * The momentary bottleneck segments up to now: the settled ones (kept, extended as time settles)
   * followed by a run over the unsettled rest, in which periods still in progress end now.
   */
  segments(needTail = true): SegmentSequence {
    this.drain();
    this.settle();
    if (!needTail) return new SegmentSequence(this.sweep.segments, null);
    const tail = this.sweep.clone();
    tail.advance(this, Infinity, this.latest);
    return new SegmentSequence(this.sweep.segments, tail.segments);
  }

  /** The time before which bottleneck segments are final. */
  get settledUntil(): number {
    this.drain();
    return this.sweep.time;
  }

  /** Each body's visits to stations and conveyors (follow a body). */
  get routes(): BodyRoutes {
    this.drain();
    return this.bodyRoutes;
  }

  /** Bumped by every change that alters the timelines (a cache key). */
  get version(): number {
    this.drain();
    return this.changeCount;
  }

  /** Station changes for stations not in the scene, or with an unknown state. */
  get ignored(): number {
    this.drain();
    return this.ignoredCount;
  }

  // ---- internals ----

  private begin(t: number): void {
    this.origin = t;
    if (t > this.latest) this.latest = t;
    this.lastTrim = t;
    for (const tr of this.tracks) tr.begin(t);
    this.sweep.startAt(this);
  }

  private station(s: number, t: number, code: number, job: string | null | undefined, initial: boolean): void {
    const change = this.tracks[s].report(t, code, job, initial);
    if (change === ActiveChange.started) this.ongoing.push(s);
    else if (change === ActiveChange.ended) this.ongoing.remove(s);
  }

  private bodyLeaves(id: string, t: number): void {
    // A body that was in the plant before the data began may leave without ever being seen.
    if (this.alive.delete(id)) this.wipStep(t);
    const at = this.bodyAt.get(id);
    this.bodyAt.delete(id);
    let finished = at !== undefined && this.isEnd[at] === 1;
    if (!finished) {
      for (const e of this.endStations) {
        const tr = this.tracks[e];
        if (tr.job === id || tr.lastCompleted === id) finished = true;
      }
    }
    if (!finished) return;
    const log = this.departuresLog;
    const last = log.length > 0 ? log.get(log.end - 1) : -Infinity;
    log.push1(Math.max(t, last));
  }

  private wipStep(t: number): void {
    const log = this.wipLog;
    const n = this.alive.size;
    if (log.length > 0) {
      const last = log.end - 1;
      const lt = log.get(last);
      if (t <= lt) {
        log.set(last, 1, n);
        return;
      }
      if (log.get(last, 1) === n) return;
    }
    log.push2(t, n);
  }

  /** Advances the sweep over the settled time (everything before the earliest period in progress). */
  private settle(): void {
    const s = this.ongoing.top();
    const limit = s >= 0 ? this.tracks[s].periodStart : this.latest;
    if (limit > this.sweep.time || this.sweep.time === -Infinity) this.sweep.advance(this, limit);
    for (let i = 0; i < this.stationCount; i++) this.tracks[i].sealedPeriods = this.sweep.cursor[i];
  }

  private trimEvery(): number {
    return Number.isFinite(this.retentionMs) ? Math.max(1000, this.retentionMs / 64) : Infinity;
  }

  private trim(): void {
    this.lastTrim = this.latest;
    if (!Number.isFinite(this.retentionMs)) return;
    const cutoff = this.latest - this.retentionMs;
    if (cutoff <= this.cutoff || cutoff <= this.origin) return;
    this.cutoff = cutoff;
    this.settle();
    for (let s = 0; s < this.stationCount; s++) this.tracks[s].trim(cutoff, this.sweep.cursor[s]);
    const segs = this.sweep.segments;
    segs.dropBefore(segs.lowerBound(cutoff, 2));
    this.departuresLog.dropBefore(this.departuresLog.lowerBound(cutoff));
    this.bodyRoutes.trim(cutoff);
    const w = this.wipLog.upperBound(cutoff) - 1;
    if (w > this.wipLog.first) this.wipLog.dropBefore(w);
  }
}

function placeOf(loc: BodyLocation): [PlaceKind | null, string | null] {
  return loc.kind === 'station' ? ['station', loc.station] : loc.kind === 'conveyor' ? ['conveyor', loc.conveyor] : [null, null];
}
