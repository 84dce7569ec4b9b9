/**
 * The recording thread's copy of the hub's committed tables, kept up to date from the very frames the
 * hub sends its clients. Reading a delta frame yields the commit it came from (what changed, in the
 * hub's order), so writeChangesLine writes from the mirror exactly the line it would write from the hub.
 */
import { decodeFrame, FrameType, type FrameVisitor } from '../../protocol/codec.ts';
import { BodyTable, RobotTable, StationTable } from '../hub/entity-tables.ts';
import type { CommitInfo } from '../hub/twin-hub.ts';
import type { LineSource } from './changes-line.ts';

export type SceneIds = { stationIds: string[]; robotIds: string[]; conveyorIds: string[] };

export class FrameMirror implements LineSource, FrameVisitor {
  readonly tables: { stations: StationTable; robots: RobotTable; bodies: BodyTable };
  private readonly info: CommitInfo & { stations: number[]; robots: number[]; bodies: number[]; placed: number[] } = { revision: 0, time: 0, stations: [], robots: [], bodies: [], placed: [], removed: [] };

  constructor(readonly index: SceneIds) {
    this.tables = { stations: new StationTable(index.stationIds.length), robots: new RobotTable(index.robotIds.length), bodies: new BodyTable() };
  }

  /**
   * Applies one frame. A snapshot replaces what is known and returns null (it is no commit); a delta
   * returns what its commit changed (reused by the next call). Throws FrameError on a malformed frame.
   */
  read(frame: Uint8Array): CommitInfo | null {
    const info = this.info;
    info.stations.length = 0;
    info.robots.length = 0;
    info.bodies.length = 0;
    info.placed.length = 0;
    info.removed.length = 0;
    const header = decodeFrame(frame, this);
    if (header.type === FrameType.snapshot) return null;
    info.revision = header.revision;
    info.time = header.time;
    return info;
  }

  station(index: number, state: number, quality: number, jobSlot: number, ts: number): void {
    const t = this.tables.stations;
    if (index >= t.count) return;
    t.state[index] = state;
    t.quality[index] = quality;
    t.job[index] = jobSlot;
    t.ts[index] = ts;
    this.info.stations.push(index);
  }

  robot(index: number, state: number, quality: number, tool: boolean, ts: number, j0: number, j1: number, j2: number, j3: number, j4: number, j5: number): void {
    const t = this.tables.robots;
    if (index >= t.count) return;
    t.set(index, state, quality, tool ? 1 : 0, ts, j0, j1, j2, j3, j4, j5);
    this.info.robots.push(index);
  }

  body(slot: number, alive: boolean, quality: number, model: number, locKind: number, locIndex: number, progress: number, ts: number): void {
    const t = this.tables.bodies;
    t.reserveSlot(slot);
    t.ts[slot] = ts;
    if (!alive) {
      // The hub frees a slot only after the frame, so its id is still the departed body's.
      const id = t.ids[slot];
      t.alive[slot] = 0;
      if (id !== null && id !== undefined) this.info.removed.push({ id, ts });
      return;
    }
    // New in its slot (the slot was free), or somewhere else than before.
    if (t.alive[slot] !== 1 || t.locKind[slot] !== locKind || t.locIndex[slot] !== locIndex) this.info.placed.push(slot);
    t.alive[slot] = 1;
    t.quality[slot] = quality;
    t.model[slot] = model;
    t.locKind[slot] = locKind;
    t.locIndex[slot] = locIndex;
    t.progress[slot] = progress;
    this.info.bodies.push(slot);
  }

  /** Visited after the records; lines are written once the whole frame is read. */
  meta(slot: number, id: string, color: string | null): void {
    const t = this.tables.bodies;
    t.reserveSlot(slot);
    t.ids[slot] = id;
    t.colors[slot] = color;
  }
}
