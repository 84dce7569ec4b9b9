/**
 * Turns binary frames back into Changes, resolving body slots to ids. The recorder, the history
 * and playback sessions use it, and SnapshotBuilder is built on it, so there is one decoding path.
 */
import { RobotSampleBatch, type Change, type ChangeSink, type StationChange } from './changes.ts';
import { decodeFrame, FrameError, FrameType, LocationKind, type FrameHeader } from './codec.ts';
import type { SceneIndex } from './scene-index.ts';
import { bodyModels, qualities, robotStates, stationStates, type BodyLocation, type BodyModel, type Quality } from './state.ts';

type PendingBody = { slot: number; alive: boolean; quality: Quality; model: BodyModel; location: BodyLocation; ts: number };

export class FrameChangeReader {
  private slotIds: (string | undefined)[] = [];
  private slotColors: (string | null)[] = [];
  private slotOfId = new Map<string, number>();
  private readonly batch = new RobotSampleBatch();

  constructor(private readonly index: SceneIndex) {}

  /**
   * Decodes one frame into Changes in an order that applies correctly (bodies before the stations
   * whose jobs name them). For a snapshot, the changes describe the whole state: the caller starts
   * from empty.
   */
  read(frame: ArrayBuffer | ArrayBufferView): { header: FrameHeader; changes: Change[] } {
    const changes: Change[] = [];
    const header = this.decode(frame, changes, null);
    return { header, changes };
  }

  /**
   * Decodes one frame and hands its changes to `sink`, in the order `read` gives them: robots last, in
   * columns when the sink takes them so (no object per robot). Throws FrameError, having handed nothing
   * over, on a frame that makes no sense.
   */
  readInto(frame: ArrayBuffer | ArrayBufferView, sink: ChangeSink): FrameHeader {
    const changes: Change[] = [];
    const batch = sink.robots ? this.batch : null;
    batch?.clear();
    const header = this.decode(frame, changes, batch);
    for (const c of changes) sink.apply(c);
    if (batch && batch.count > 0) sink.robots!(batch);
    return header;
  }

  /** Robot records go to `robots` when given, else to `changes` after everything else. */
  private decode(frame: ArrayBuffer | ArrayBufferView, changes: Change[], robots: RobotSampleBatch | null): FrameHeader {
    const { index } = this;
    const stations: Array<[StationChange, number]> = [];
    const robotChanges: Change[] = [];
    const bodies: PendingBody[] = [];
    const metas: Array<[number, string, string | null]> = [];
    const header = decodeFrame(frame, {
      station: (i, s, q, job, ts) => {
        const id = index.stationIds[i];
        if (id === undefined || s >= stationStates.length || q >= qualities.length) throw new FrameError(`bad station record (index ${i})`);
        stations.push([{ type: 'station', id, state: stationStates[s], quality: qualities[q], ts, job: null }, job]);
      },
      robot: (i, s, q, tool, ts, a, b, c, d, e, f) => {
        const id = index.robotIds[i];
        if (id === undefined || s >= robotStates.length || q >= qualities.length) throw new FrameError(`bad robot record (index ${i})`);
        if (robots) robots.row(i, s, q, tool, ts, a, b, c, d, e, f);
        else robotChanges.push({ type: 'robot', id, state: robotStates[s], quality: qualities[q], ts, tool, joints: [a, b, c, d, e, f] });
      },
      body: (slot, alive, q, model, kind, li, progress, ts) => {
        if (q >= qualities.length || model >= bodyModels.length) throw new FrameError(`bad body record (slot ${slot})`);
        let location: BodyLocation;
        if (kind === LocationKind.station) {
          const station = index.stationIds[li];
          if (station === undefined) throw new FrameError(`body slot ${slot}: station index ${li} out of range`);
          location = { kind: 'station', station };
        } else if (kind === LocationKind.conveyor) {
          const conveyor = index.conveyorIds[li];
          if (conveyor === undefined) throw new FrameError(`body slot ${slot}: conveyor index ${li} out of range`);
          location = { kind: 'conveyor', conveyor, progress };
        } else location = { kind: 'none' };
        bodies.push({ slot, alive, quality: qualities[q], model: bodyModels[model], location, ts });
      },
      meta: (slot, id, color) => metas.push([slot, id, color]),
    });

    // What this frame changes in the slot tables goes to overlays first, and into the tables only once the
    // whole frame made sense: a bad frame changes nothing. A delta touches a few slots; the tables are not copied.
    const snapshot = header.type === FrameType.snapshot;
    const ids = new Map<number, string | undefined>();
    const colors = new Map<number, string | null>();
    const slots = new Map<string, number | undefined>();
    const idAt = (slot: number) => (ids.has(slot) ? ids.get(slot) : snapshot ? undefined : this.slotIds[slot]);
    const slotOf = (id: string) => (slots.has(id) ? slots.get(id) : snapshot ? undefined : this.slotOfId.get(id));
    const colorAt = (slot: number) => (colors.has(slot) ? colors.get(slot) : snapshot ? undefined : this.slotColors[slot]);
    // Removals first: a slot's previous body leaves before a new body may take the slot.
    for (const b of bodies) {
      if (b.alive) continue;
      const id = idAt(b.slot);
      // A body that came and went while a client was away may be unknown here.
      if (id !== undefined && slotOf(id) === b.slot) {
        slots.set(id, undefined);
        changes.push({ type: 'body-remove', id, ts: b.ts });
      }
      ids.set(b.slot, undefined);
    }
    for (const [slot, id, color] of metas) {
      const old = idAt(slot);
      // A reused slot: the body that held it before is gone (unless it moved to another slot).
      if (old !== undefined && old !== id && slotOf(old) === slot) {
        slots.set(old, undefined);
        changes.push({ type: 'body-remove', id: old, ts: header.time });
      }
      ids.set(slot, id);
      colors.set(slot, color);
      slots.set(id, slot);
    }
    for (const b of bodies) {
      if (!b.alive) continue;
      const id = idAt(b.slot);
      if (id === undefined) throw new FrameError(`body slot ${b.slot} has no id`);
      changes.push({ type: 'body', id, model: b.model, color: colorAt(b.slot) ?? null, location: b.location, quality: b.quality, ts: b.ts });
    }
    for (const [c, slot] of stations) {
      c.job = slot >= 0 ? (idAt(slot) ?? null) : null;
      changes.push(c);
    }
    for (const r of robotChanges) changes.push(r);

    if (snapshot) {
      this.slotIds = [];
      this.slotColors = [];
      this.slotOfId = new Map();
    }
    for (const [slot, id] of ids) this.slotIds[slot] = id;
    for (const [slot, color] of colors) this.slotColors[slot] = color;
    for (const [id, slot] of slots) {
      if (slot === undefined) this.slotOfId.delete(id);
      else this.slotOfId.set(id, slot);
    }
    return header;
  }
}
