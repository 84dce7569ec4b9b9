/**
 * The hub: the one writer of the twin's state.
 *
 * Sources hand it Changes through `sink`; changes are staged per entity (latest value wins) and
 * committed once per tick into a new revision, so a snapshot always shows exactly one revision.
 * Each commit produces one delta frame, encoded once and shared by every up-to-date client.
 * Rules (cited by tests): see docs/hub-spec.md.
 */
import { randomUUID } from 'node:crypto';
import { bodyMoveChangeOf, robotChangeOf, type BodyChange, type BodyMoves, type BodyRemoveChange, type Change, type ChangeSink, type RobotChange, type RobotSamples, type StationChange } from '../../protocol/changes.ts';
import { FrameType, FrameWriter, LocationKind, readHeader, RobotRecordStage } from '../../protocol/codec.ts';
import { FrameChangeReader } from '../../protocol/frame-changes.ts';
import type { ResolvedScene } from '../../protocol/scene.ts';
import { indexScene, type SceneIndex } from '../../protocol/scene-index.ts';
import {
  bodyModelCode,
  bodyModels,
  JOINT_COUNT,
  qualities,
  qualityCode,
  robotStateCode,
  robotStates,
  stationStateCode,
  stationStates,
  type BodyEntity,
  type Quality,
  type StateSnapshot,
} from '../../protocol/state.ts';
import { BodyTable, RobotTable, StationTable } from './entity-tables.ts';
import { IndexList } from './index-list.ts';

export const rejectReasons = ['unknown-id', 'invalid-value'] as const;
export type RejectReason = (typeof rejectReasons)[number];

export type HubOptions = {
  scene: ResolvedScene;
  /** Commit and broadcast interval, ms (default 50 = 20 Hz). */
  tickMs?: number;
  /** Called for every change the hub refuses (the hub keeps running; state is unchanged). */
  onReject?: (change: unknown, reason: RejectReason, detail: string) => void;
  epoch?: string;
};

export type TickListener = (frame: Uint8Array, revision: number, baseRevision: number) => void;

/** What one commit changed, by table position (read the values from `hub.tables`). Reused: copy what you keep. */
export type CommitInfo = {
  revision: number;
  time: number;
  stations: ArrayLike<number> & Iterable<number>;
  robots: ArrayLike<number> & Iterable<number>;
  bodies: ArrayLike<number> & Iterable<number>;
  /**
   * Of `bodies`, the slots whose body is new or changed place (a station or conveyor other than before, or
   * none): a body moving along the same conveyor is not in it. Listeners that follow places read this short
   * list instead of every body's progress report.
   */
  placed: ArrayLike<number> & Iterable<number>;
  removed: Array<{ id: string; ts: number }>;
};
export type CommitListener = (info: CommitInfo) => void;

export type Hub = ReturnType<typeof createHub>;

const NO_PENDING = 255;
/** BodyMoves keys are looked up modulo this + 1 (8192 entries: more than a plant's bodies at once at scale 25). */
const KEY_MASK = 8191;

/** A body's staged (uncommitted) latest value, its codes already resolved. */
type PendingBody = { id: string; slot: number; remove: boolean; model: number; color: string | null; quality: number; locKind: number; locIndex: number; progress: number; ts: number };

/** #rrggbb, checked by hand: a regular expression per body per tick showed in profiles. */
function isHexColor(s: string): boolean {
  if (s.length !== 7 || s.charCodeAt(0) !== 35) return false;
  for (let i = 1; i < 7; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    // Only A–F and a–f become a–f when the lower-case bit is set.
    const lower = c | 0x20;
    if (lower < 97 || lower > 102) return false;
  }
  return true;
}

/**
 * Free bytes in front of every delta the hub commits: room for a transport's headers (Socket.IO's packet
 * head and the WebSocket frame header take at most 46), so one buffer goes to every client uncopied.
 */
export const FRAME_HEADROOM = 64;

export function createHub(options: HubOptions) {
  const { scene } = options;
  const tickMs = options.tickMs ?? 50;
  let epoch = options.epoch ?? randomUUID();
  const index: SceneIndex = indexScene(scene);
  const conveyorIds = index.conveyorIds;
  const stations = new StationTable(index.stationIds.length);
  const robots = new RobotTable(index.robotIds.length);
  const bodies = new BodyTable();

  // Staged (uncommitted) latest values.
  const pStationState = new Uint8Array(stations.count).fill(NO_PENDING);
  const pStationQuality = new Uint8Array(stations.count);
  const pStationTs = new Float64Array(stations.count);
  const pStationJob: (string | null)[] = new Array(stations.count).fill(null);
  const pendingStations = new IndexList(stations.count);
  // Robots are staged as the very records the tick's frame will hold; a commit copies them into its frame at
  // once. Two stages take turns: a commit hands its listeners the robots of the one it committed, while any
  // robot staged meanwhile goes into the other.
  let stagedRobots = new RobotRecordStage(robots.count);
  let committedRobots = new RobotRecordStage(robots.count);
  // Where the bodies of keyed moves (BodyMoves.key) were last found, by key modulo the table's size: a
  // look at one typed array and the slot's id instead of the id's lookup in a map of every body (in a busy
  // server, with its caches cold, that lookup took a quarter of the hub's intake and commit). A key that
  // shares an entry with another, or whose body left, just misses.
  const slotOfKey = new Int32Array(KEY_MASK + 1).fill(-1);
  // Staged bodies, in arrival order. A body already in the tables is found again by its slot (slots change only
  // in a commit); one not yet in them, by id. No map is emptied and refilled every tick.
  // Only the first `pendingCount` are this tick's; the records stay in place (and in the pool) to be reused.
  const pendingBodies: PendingBody[] = [];
  let pendingCount = 0;
  let pendingOfSlot = new Int32Array(64).fill(-1);
  const pendingNew = new Map<string, PendingBody>();
  const bodyPool: PendingBody[] = [];
  let pooled = 0;

  let revision = 0;
  let time = 0;
  let pendingTime = 0;
  const listeners = new Set<TickListener>();
  const resetListeners = new Set<() => void>();
  const commitListeners = new Set<CommitListener>();
  const info: CommitInfo = { revision: 0, time: 0, stations: [], robots: [], bodies: [], placed: [], removed: [] };
  const infoStations = new IndexList(stations.count);
  const infoBodies = new IndexList();
  const infoPlaced = new IndexList();
  // Snapshots and catch-ups are copied out of `writer`; each commit's delta is written in place, with room in
  // front for a transport's headers, and handed to the listeners as it is. Its slabs are not zero-filled
  // (zeroing a slab cost more than the frames cut from it): every byte of a frame is written before it goes out.
  const writer = new FrameWriter();
  const tickWriter = new FrameWriter(FRAME_HEADROOM, (n) => Buffer.allocUnsafeSlow(n).buffer as ArrayBuffer);
  let snapshotCache: { revision: number; frame: Uint8Array } | null = null;
  const deltaCache = new Map<number, Uint8Array>();
  const stats = { changesIn: 0, changesRejected: 0, ticks: 0, framesEncoded: 0, lastTickMs: 0 };
  const rejects: Record<RejectReason, number> = { 'unknown-id': 0, 'invalid-value': 0 };
  let timer: ReturnType<typeof setInterval> | null = null;

  function reject(change: unknown, reason: RejectReason, detail: string): void {
    stats.changesRejected++;
    rejects[reason]++;
    options.onReject?.(change, reason, detail);
  }

  const isTs = (ts: unknown): ts is number => typeof ts === 'number' && Number.isFinite(ts);

  /** The change's quality code, or undefined (rejected) for a quality that is not one of ours. */
  function qualityOf(change: { quality?: Quality }): number | undefined {
    const q = change.quality;
    return q === undefined ? qualityCode.good : qualityCode[q];
  }

  // One function per change type, so each reads one shape of object (the sources make them alike).
  function applyStation(change: StationChange): void {
    const quality = qualityOf(change);
    if (quality === undefined) return reject(change, 'invalid-value', `unknown quality "${String(change.quality)}"`);
    const i = index.station.get(change.id);
    if (i === undefined) return reject(change, 'unknown-id', `no station "${change.id}" in scene ${scene.id}`);
    const s = stationStateCode[change.state];
    if (s === undefined) return reject(change, 'invalid-value', `unknown station state "${String(change.state)}"`);
    if (pStationState[i] === NO_PENDING) pendingStations.push(i);
    pStationState[i] = s;
    pStationQuality[i] = quality;
    pStationTs[i] = change.ts;
    // `job` omitted keeps the current job.
    pStationJob[i] = change.job === undefined ? (bodies.ids[stations.job[i]] ?? null) : change.job;
    if (change.ts > pendingTime) pendingTime = change.ts;
  }

  function applyRobot(change: RobotChange): void {
    const quality = qualityOf(change);
    if (quality === undefined) return reject(change, 'invalid-value', `unknown quality "${String(change.quality)}"`);
    const i = index.robot.get(change.id);
    if (i === undefined) return reject(change, 'unknown-id', `no robot "${change.id}" in scene ${scene.id}`);
    const s = robotStateCode[change.state];
    if (s === undefined) return reject(change, 'invalid-value', `unknown robot state "${String(change.state)}"`);
    const j = change.joints;
    if (!j || j.length !== JOINT_COUNT) return reject(change, 'invalid-value', `joints must hold ${JOINT_COUNT} angles`);
    for (let k = 0; k < JOINT_COUNT; k++) if (!Number.isFinite(j[k])) return reject(change, 'invalid-value', `joint ${k + 1} is not a finite number`);
    stagedRobots.stage(i, s, quality, change.tool ? 1 : 0, change.ts, j[0], j[1], j[2], j[3], j[4], j[5]);
    if (change.ts > pendingTime) pendingTime = change.ts;
  }

  /**
   * Robot changes in columns: the checks applyRobot makes, less the id lookup (rows name robots by index).
   * A bad row is rejected alone; the rows around it still apply.
   */
  function applyRobotSamples(b: RobotSamples): void {
    const { index, state, quality, tool, ts, joints } = b;
    const count = b.count;
    stats.changesIn += count;
    for (let r = 0; r < count; r++) {
      const i = index[r];
      const s = state[r];
      const t = ts[r];
      const q = r * JOINT_COUNT;
      if (!isTs(t)) {
        rejectSample(b, r, 'invalid-value', 'ts must be a finite number (epoch ms)');
        continue;
      }
      if (i >= robots.count) {
        rejectSample(b, r, 'unknown-id', `no robot at index ${i} in scene ${scene.id} (it has ${robots.count})`);
        continue;
      }
      if (s >= robotStates.length) {
        rejectSample(b, r, 'invalid-value', `unknown robot state code ${s}`);
        continue;
      }
      const qc = quality[r];
      if (qc >= qualities.length) {
        rejectSample(b, r, 'invalid-value', `unknown quality code ${qc}`);
        continue;
      }
      const j0 = joints[q], j1 = joints[q + 1], j2 = joints[q + 2], j3 = joints[q + 3], j4 = joints[q + 4], j5 = joints[q + 5];
      // x - x is 0 for a finite x and NaN for NaN or ±Infinity; so is a sum of float32s, finite only if each is.
      const sum = j0 + j1 + j2 + j3 + j4 + j5;
      if (sum - sum !== 0) {
        let k = 0;
        while (joints[q + k] - joints[q + k] === 0) k++;
        rejectSample(b, r, 'invalid-value', `joint ${k + 1} is not a finite number`);
        continue;
      }
      stagedRobots.stage(i, s, qc, tool[r] === 1 ? 1 : 0, t, j0, j1, j2, j3, j4, j5);
      if (t > pendingTime) pendingTime = t;
    }
  }

  /** Reports row `r` of a RobotSamples as the change it stands for (built only for a rejected row). */
  function rejectSample(b: RobotSamples, r: number, reason: RejectReason, detail: string): void {
    reject(robotChangeOf(b, r, index.robotIds), reason, detail);
  }

  function applyBody(change: BodyChange): void {
    const quality = qualityOf(change);
    if (quality === undefined) return reject(change, 'invalid-value', `unknown quality "${String(change.quality)}"`);
    const id = change.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 64) return reject(change, 'invalid-value', 'body id must be a string of 1 to 64 characters');
    const model = bodyModelCode[change.model];
    if (model === undefined) return reject(change, 'invalid-value', `unknown body model "${String(change.model)}"`);
    // Most changes move a body the tables hold: its committed row answers the colour and conveyor checks
    // when they name what it already has (the same strings), with no lookup.
    const slot = bodies.slotOf.get(id) ?? -1;
    const color = change.color;
    if (!colorOk(color, slot)) return reject(change, 'invalid-value', 'color must be #rrggbb or null');
    const loc = change.location;
    let locKind: number = LocationKind.none;
    let locIndex = 0;
    let progress = 0;
    if (loc.kind === 'station') {
      const at = index.station.get(loc.station);
      if (at === undefined) return reject(change, 'unknown-id', `no station "${loc.station}" in scene ${scene.id}`);
      locKind = LocationKind.station;
      locIndex = at;
    } else if (loc.kind === 'conveyor') {
      const at = slot >= 0 && bodies.locKind[slot] === LocationKind.conveyor && conveyorIds[bodies.locIndex[slot]] === loc.conveyor ? bodies.locIndex[slot] : index.conveyor.get(loc.conveyor);
      if (at === undefined) return reject(change, 'unknown-id', `no conveyor "${loc.conveyor}" in scene ${scene.id}`);
      if (!(loc.progress >= 0 && loc.progress <= 1)) return reject(change, 'invalid-value', 'conveyor progress must be within 0..1');
      locKind = LocationKind.conveyor;
      locIndex = at;
      progress = loc.progress;
    }
    stageBodyRow(stageBody(id, slot), model, color, quality, locKind, locIndex, progress, change.ts);
  }

  /**
   * A colour the hub can keep: null or #rrggbb. The colour a body in slot `slot` already has (the very string,
   * as a source sends it again with every move) is not checked again.
   */
  function colorOk(color: unknown, slot: number): color is string | null {
    return color === null || (typeof color === 'string' && ((slot >= 0 && bodies.colors[slot] === color) || isHexColor(color)));
  }

  function stageBodyRow(p: PendingBody, model: number, color: string | null, quality: number, locKind: number, locIndex: number, progress: number, ts: number): void {
    p.remove = false;
    p.model = model;
    p.color = color;
    p.quality = quality;
    p.locKind = locKind;
    p.locIndex = locIndex;
    p.progress = progress;
    p.ts = ts;
    if (ts > pendingTime) pendingTime = ts;
  }

  /**
   * Bodies on conveyors in columns: the checks applyBody makes of such a change, less the model's and the
   * conveyor's lookups by name (rows give their codes). A bad row is rejected alone; the rows around it still apply.
   */
  function applyBodyMoves(m: BodyMoves): void {
    const { id: ids, model, color: colors, conveyor, progress, ts, key } = m;
    const count = m.count;
    stats.changesIn += count;
    for (let r = 0; r < count; r++) {
      const id = ids[r];
      const t = ts[r];
      if (!isTs(t)) {
        rejectMove(m, r, 'invalid-value', 'ts must be a finite number (epoch ms)');
        continue;
      }
      // A keyed row: the slot its key was last found in, if that slot still holds this very body (a body that
      // left keeps its id in its slot until the slot is taken again). Its id is then a committed one, valid,
      // and its string is not read again.
      let slot = -1;
      let h = -1;
      if (key !== undefined) {
        h = key[r] & KEY_MASK;
        const guess = slotOfKey[h];
        if (guess >= 0 && bodies.alive[guess] === 1 && bodies.ids[guess] === id) slot = guess;
      }
      if (slot < 0 && (typeof id !== 'string' || id.length === 0 || id.length > 64)) {
        rejectMove(m, r, 'invalid-value', 'body id must be a string of 1 to 64 characters');
        continue;
      }
      const mc = model[r];
      if (mc >= bodyModels.length) {
        rejectMove(m, r, 'invalid-value', `unknown body model code ${mc}`);
        continue;
      }
      if (slot < 0) {
        slot = bodies.slotOf.get(id) ?? -1;
        if (h >= 0) slotOfKey[h] = slot;
      }
      const color = colors[r];
      if (!colorOk(color, slot)) {
        rejectMove(m, r, 'invalid-value', 'color must be #rrggbb or null');
        continue;
      }
      const c = conveyor[r];
      if (c >= conveyorIds.length) {
        rejectMove(m, r, 'unknown-id', `no conveyor at index ${c} in scene ${scene.id} (it has ${conveyorIds.length})`);
        continue;
      }
      const at = progress[r];
      if (!(at >= 0 && at <= 1)) {
        rejectMove(m, r, 'invalid-value', 'conveyor progress must be within 0..1');
        continue;
      }
      stageBodyRow(stageBody(id, slot), mc, color, qualityCode.good, LocationKind.conveyor, c, at, t);
    }
  }

  /** Reports row `r` of a BodyMoves as the change it stands for (built only for a rejected row). */
  function rejectMove(m: BodyMoves, r: number, reason: RejectReason, detail: string): void {
    reject(bodyMoveChangeOf(m, r, conveyorIds), reason, detail);
  }

  function applyBodyRemove(change: BodyRemoveChange): void {
    const p = stageBody(change.id, bodies.slotOf.get(change.id) ?? -1);
    p.remove = true;
    p.ts = change.ts;
    if (change.ts > pendingTime) pendingTime = change.ts;
  }

  /** The staged record of body `id` (in table slot `slot`, or -1) this tick (records are reused from tick to tick). */
  function stageBody(id: string, slot: number): PendingBody {
    let p: PendingBody | undefined;
    if (slot >= 0) {
      if (slot >= pendingOfSlot.length) {
        const grown = new Int32Array(Math.max(slot + 1, pendingOfSlot.length * 2)).fill(-1);
        grown.set(pendingOfSlot);
        pendingOfSlot = grown;
      }
      const k = pendingOfSlot[slot];
      if (k >= 0) return pendingBodies[k];
      pendingOfSlot[slot] = pendingCount;
    } else {
      p = pendingNew.get(id);
      if (p !== undefined) return p;
    }
    p = pooled > 0 ? bodyPool[--pooled] : { id, slot, remove: false, model: 0, color: null, quality: 0, locKind: 0, locIndex: 0, progress: 0, ts: 0 };
    p.id = id;
    p.slot = slot;
    pendingBodies[pendingCount++] = p;
    if (slot < 0) pendingNew.set(id, p);
    return p;
  }

  /** Forgets the staged bodies (committed or dropped), keeping their records for the next tick. */
  function clearPendingBodies(): void {
    for (let k = 0; k < pendingCount; k++) {
      const p = pendingBodies[k];
      if (p.slot >= 0) pendingOfSlot[p.slot] = -1;
      p.color = null;
      bodyPool[pooled++] = p;
    }
    pendingCount = 0;
    if (pendingNew.size > 0) pendingNew.clear();
  }

  const sink: ChangeSink = {
    apply(change: Change): void {
      stats.changesIn++;
      // Sources validate their own input; these checks keep a buggy source from corrupting state.
      if (change === null || typeof change !== 'object') return reject(change, 'invalid-value', 'a change must be an object');
      if (!isTs(change.ts)) return reject(change, 'invalid-value', 'ts must be a finite number (epoch ms)');
      switch (change.type) {
        case 'robot':
          return applyRobot(change);
        case 'body':
          return applyBody(change);
        case 'station':
          return applyStation(change);
        case 'body-remove':
          return applyBodyRemove(change);
        default:
          return reject(change, 'invalid-value', `unknown change type "${String((change as { type?: unknown }).type)}"`);
      }
    },
    robots: applyRobotSamples,
    moves: applyBodyMoves,
    time(ts: number): void {
      if (isTs(ts) && ts > pendingTime) pendingTime = ts;
    },
  };

  function writeStation(w: FrameWriter, i: number): void {
    w.stationRow(i, stations);
  }
  /** The robots changed after revision `since`, each run of neighbours in one copy. */
  function writeRobots(w: FrameWriter, since: number): void {
    const n = robots.count;
    const changed = robots.rev;
    let i = 0;
    while (i < n) {
      if (changed[i] <= since) {
        i++;
        continue;
      }
      let end = i + 1;
      while (end < n && changed[end] > since) end++;
      w.robotRecordRange(robots, i, end);
      i = end;
    }
  }
  function writeBody(w: FrameWriter, slot: number, withMeta: boolean): void {
    w.bodyRow(slot, bodies);
    if (withMeta && bodies.alive[slot] === 1) w.bodyMeta(slot, bodies.ids[slot] as string, bodies.colors[slot]);
  }

  /** Commits staged changes as a new revision; returns the delta frame, or null when nothing changed. */
  function commit(): Uint8Array | null {
    if (pendingStations.length === 0 && stagedRobots.length === 0 && pendingCount === 0) {
      time = Math.max(time, pendingTime);
      return null;
    }
    const base = revision;
    const rev = ++revision;
    time = Math.max(time, pendingTime);
    tickWriter.begin(FrameType.delta, rev, base, time, 0);
    const collect = commitListeners.size > 0;
    if (collect) {
      infoStations.clear();
      infoBodies.clear();
      infoPlaced.clear();
      info.removed.length = 0;
    }

    // Bodies first: stations refer to them by slot. Freed slots are reused only from the next tick,
    // so one frame never holds two bodies in one slot.
    const freed: number[] = [];
    for (let k = 0; k < pendingCount; k++) {
      const c = pendingBodies[k];
      const id = c.id;
      let slot = c.slot;
      if (c.remove) {
        if (slot < 0) continue;
        bodies.slotOf.delete(id);
        bodies.alive[slot] = 0;
        bodies.ts[slot] = c.ts;
        bodies.rev[slot] = rev;
        freed.push(slot);
        writeBody(tickWriter, slot, false);
        if (collect) info.removed.push({ id, ts: c.ts });
        continue;
      }
      let meta = false;
      if (slot < 0) {
        slot = bodies.allocate(id);
        bodies.colors[slot] = c.color;
        bodies.metaRev[slot] = rev;
        meta = true;
        if (collect) infoPlaced.push(slot);
      } else {
        if (bodies.colors[slot] !== c.color) {
          bodies.colors[slot] = c.color;
          bodies.metaRev[slot] = rev;
          meta = true;
        }
        if (collect && (bodies.locKind[slot] !== c.locKind || bodies.locIndex[slot] !== c.locIndex)) infoPlaced.push(slot);
      }
      bodies.model[slot] = c.model;
      bodies.quality[slot] = c.quality;
      bodies.locKind[slot] = c.locKind;
      bodies.locIndex[slot] = c.locIndex;
      bodies.progress[slot] = c.progress;
      bodies.ts[slot] = c.ts;
      bodies.rev[slot] = rev;
      writeBody(tickWriter, slot, meta);
      if (collect) infoBodies.push(slot);
    }
    clearPendingBodies();

    // A station must not keep pointing at a departed body's slot: the slot will be reused.
    if (freed.length > 0) {
      for (let i = 0; i < stations.count; i++) {
        if (stations.job[i] >= 0 && pStationState[i] === NO_PENDING && freed.includes(stations.job[i])) {
          stations.job[i] = -1;
          stations.rev[i] = rev;
          writeStation(tickWriter, i);
          if (collect) infoStations.push(i);
        }
      }
    }

    for (let k = 0; k < pendingStations.length; k++) {
      const i = pendingStations.at(k);
      stations.state[i] = pStationState[i];
      stations.quality[i] = pStationQuality[i];
      stations.ts[i] = pStationTs[i];
      const job = pStationJob[i];
      stations.job[i] = job === null ? -1 : (bodies.slotOf.get(job) ?? -1);
      stations.rev[i] = rev;
      pStationState[i] = NO_PENDING;
      writeStation(tickWriter, i);
      if (collect) infoStations.push(i);
    }
    pendingStations.clear();
    // The staged records into the table (each copied as it is) and into the frame as they were staged.
    const staged = stagedRobots;
    stagedRobots = committedRobots;
    stagedRobots.clear();
    committedRobots = staged;
    for (let row = 0; row < staged.length; row++) robots.rev[robots.commitRow(staged, row)] = rev;
    tickWriter.robotRecords(staged);
    if (collect) {
      info.revision = rev;
      info.time = time;
      info.stations = infoStations.view();
      info.robots = staged.robots();
      info.bodies = infoBodies.view();
      info.placed = infoPlaced.view();
      for (const l of commitListeners) l(info);
    }
    for (const slot of freed) bodies.release(slot);

    snapshotCache = null;
    // Map#clear makes a new table even for an empty map: most ticks no catch-up was asked for.
    if (deltaCache.size > 0) deltaCache.clear();
    stats.framesEncoded++;
    tickWriter.setBodySlots(bodies.slotCount);
    return tickWriter.finish();
  }

  function tick(): Uint8Array | null {
    const started = performance.now();
    const base = revision;
    const frame = commit();
    stats.ticks++;
    if (frame) for (const l of listeners) l(frame, revision, base);
    stats.lastTickMs = performance.now() - started;
    return frame;
  }

  /** [HUB3] The committed state at the current revision, as one frame (cached per revision). */
  function snapshotFrame(): Uint8Array {
    if (snapshotCache && snapshotCache.revision === revision) return snapshotCache.frame;
    writer.begin(FrameType.snapshot, revision, 0, time, bodies.slotCount);
    for (let i = 0; i < stations.count; i++) writeStation(writer, i);
    writeRobots(writer, -Infinity);
    for (let s = 0; s < bodies.slotCount; s++) if (bodies.alive[s] === 1) writeBody(writer, s, true);
    const frame = writer.finish();
    stats.framesEncoded++;
    snapshotCache = { revision, frame };
    return frame;
  }

  /**
   * [HUB4] Everything that changed after revision `since`, as one delta onto `since`
   * (latest value per entity; cached per revision so many clients at one revision share it).
   */
  function deltaSince(since: number): Uint8Array {
    const cached = deltaCache.get(since);
    if (cached) return cached;
    writer.begin(FrameType.delta, revision, since, time, bodies.slotCount);
    for (let s = 0; s < bodies.slotCount; s++) if (bodies.rev[s] > since) writeBody(writer, s, bodies.metaRev[s] > since);
    for (let i = 0; i < stations.count; i++) if (stations.rev[i] > since) writeStation(writer, i);
    writeRobots(writer, since);
    const frame = writer.finish();
    stats.framesEncoded++;
    deltaCache.set(since, frame);
    return frame;
  }

  /**
   * [HUB5] What to send a client that holds (epoch, revision): nothing when it is current, a delta when
   * it holds an earlier revision of this epoch and the delta is the smaller, else a snapshot.
   */
  function catchUp(clientEpoch: string | undefined, clientRevision: number | undefined): { type: 'none' } | { type: 'snapshot' | 'delta'; frame: Uint8Array } {
    if (clientEpoch === epoch && typeof clientRevision === 'number' && Number.isInteger(clientRevision) && clientRevision >= 0 && clientRevision <= revision) {
      if (clientRevision === revision) return { type: 'none' };
      const delta = deltaSince(clientRevision);
      const snap = snapshotFrame();
      if (delta.byteLength <= snap.byteLength) return { type: 'delta', frame: delta };
      return { type: 'snapshot', frame: snap };
    }
    return { type: 'snapshot', frame: snapshotFrame() };
  }

  /** The committed state as JSON (GET /api/state). */
  function snapshot(): StateSnapshot {
    const out: StateSnapshot = { epoch, revision, time, stations: {}, robots: {}, bodies: {} };
    for (let i = 0; i < stations.count; i++) {
      const job = stations.job[i];
      out.stations[index.stationIds[i]] = {
        state: stationStates[stations.state[i]],
        quality: qualities[stations.quality[i]],
        ts: stations.ts[i],
        job: job >= 0 ? (bodies.ids[job] ?? null) : null,
      };
    }
    for (let i = 0; i < robots.count; i++) {
      out.robots[index.robotIds[i]] = {
        state: robotStates[robots.state(i)],
        quality: qualities[robots.quality(i)],
        ts: robots.ts(i),
        tool: robots.tool(i) === 1,
        joints: Array.from({ length: JOINT_COUNT }, (_, k) => robots.joint(i, k)),
      };
    }
    for (let s = 0; s < bodies.slotCount; s++) {
      if (bodies.alive[s] !== 1) continue;
      const kind = bodies.locKind[s];
      const location: BodyEntity['location'] =
        kind === LocationKind.station ? { kind: 'station', station: index.stationIds[bodies.locIndex[s]] }
        : kind === LocationKind.conveyor ? { kind: 'conveyor', conveyor: index.conveyorIds[bodies.locIndex[s]], progress: bodies.progress[s] }
        : { kind: 'none' };
      out.bodies[bodies.ids[s] as string] = {
        model: bodyModels[bodies.model[s]],
        color: bodies.colors[s],
        location,
        quality: qualities[bodies.quality[s]],
        ts: bodies.ts[s],
      };
    }
    return out;
  }

  /**
   * Mirrors (other nodes of a cluster) follow another hub's frames with its epoch and revisions, so a
   * client can move between nodes and resume. `mirrorFrame` applies one frame: a snapshot resets the
   * state to it; a delta must follow the current revision (else it returns false: reload a snapshot).
   */
  let mirrorReader: FrameChangeReader | null = null;
  function mirrorFrame(frame: Uint8Array, frameEpoch: string): boolean {
    const h = readHeader(frame);
    if (h.type === FrameType.snapshot) {
      reset(frameEpoch);
      mirrorReader = new FrameChangeReader(index);
      mirrorReader.readInto(frame, sink);
      sink.time?.(h.time);
      revision = h.revision - 1;
      commit();
      snapshotCache = null;
      deltaCache.clear();
      for (const l of resetListeners) l();
      return true;
    }
    if (!mirrorReader || frameEpoch !== epoch || h.baseRevision !== revision) return false;
    mirrorReader.readInto(frame, sink);
    sink.time?.(h.time);
    revision = h.revision - 1;
    tick();
    return true;
  }

  function reset(newEpoch: string): void {
    epoch = newEpoch;
    revision = 0;
    time = 0;
    pendingTime = 0;
    stations.state.fill(0);
    stations.quality.fill(0);
    stations.ts.fill(0);
    stations.job.fill(-1);
    stations.rev.fill(0);
    robots.clear();
    robots.rev.fill(0);
    for (let s = 0; s < bodies.slotCount; s++) if (bodies.alive[s] === 1) bodies.release(s);
    bodies.rev.fill(0);
    bodies.metaRev.fill(0);
    pendingStations.clear();
    stagedRobots.clear();
    committedRobots.clear();
    pStationState.fill(NO_PENDING);
    clearPendingBodies();
  }

  return {
    get epoch() {
      return epoch;
    },
    mirrorFrame,
    /** Read-only view of the committed tables, for writers that serialise what a commit changed. */
    tables: { stations, robots, bodies } as const,
    /** Called after each commit with what it changed (before the tick's frame goes out). */
    onCommit(listener: CommitListener): () => void {
      commitListeners.add(listener);
      return () => commitListeners.delete(listener);
    },
    /** Called after the state was replaced wholesale (a mirror took a new snapshot): clients need a snapshot. */
    onReset(listener: () => void): () => void {
      resetListeners.add(listener);
      return () => resetListeners.delete(listener);
    },
    scene,
    index,
    tickMs,
    sink,
    stats,
    rejects,
    get revision() {
      return revision;
    },
    get time() {
      return time;
    },
    tick,
    snapshotFrame,
    deltaSince,
    catchUp,
    snapshot,
    onTick(listener: TickListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start(): void {
      if (timer === null) timer = setInterval(tick, tickMs);
    },
    stop(): void {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
