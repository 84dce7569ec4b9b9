/**
 * Turns binary frames back into Changes, resolving body slots to ids. The recorder, the history
 * and playback sessions use it, and SnapshotBuilder is built on it, so there is one decoding path.
 */
import type { Change, StationChange } from './changes.ts';
import { decodeFrame, FrameError, FrameType, LocationKind, type FrameHeader } from './codec.ts';
import type { SceneIndex } from './scene-index.ts';
import { bodyModels, qualities, robotStates, stationStates, type BodyLocation, type BodyModel, type Quality } from './state.ts';

type PendingBody = { slot: number; alive: boolean; quality: Quality; model: BodyModel; location: BodyLocation; ts: number };

export class FrameChangeReader {
  private slotIds: (string | undefined)[] = [];
  private slotColors: (string | null)[] = [];
  private slotOfId = new Map<string, number>();

  constructor(private readonly index: SceneIndex) {}

  /**
   * Decodes one frame into Changes in an order that applies correctly (bodies before the stations
   * whose jobs name them). For a snapshot, the changes describe the whole state: the caller starts
   * from empty.
   */
  read(frame: ArrayBuffer | ArrayBufferView): { header: FrameHeader; changes: Change[] } {
    const { index } = this;
    const stations: Array<[StationChange, number]> = [];
    const robots: Change[] = [];
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
        robots.push({ type: 'robot', id, state: robotStates[s], quality: qualities[q], ts, tool, joints: [a, b, c, d, e, f] });
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

    const changes: Change[] = [];
    // Work on copies and keep them only when the whole frame made sense: a bad frame changes nothing.
    const snapshot = header.type === FrameType.snapshot;
    const slotIds = snapshot ? [] : this.slotIds.slice();
    const slotColors = snapshot ? [] : this.slotColors.slice();
    const slotOfId = snapshot ? new Map<string, number>() : new Map(this.slotOfId);
    // Removals first: a slot's previous body leaves before a new body may take the slot.
    for (const b of bodies) {
      if (b.alive) continue;
      const id = slotIds[b.slot];
      // A body that came and went while a client was away may be unknown here.
      if (id !== undefined && slotOfId.get(id) === b.slot) {
        slotOfId.delete(id);
        changes.push({ type: 'body-remove', id, ts: b.ts });
      }
      slotIds[b.slot] = undefined;
    }
    for (const [slot, id, color] of metas) {
      const old = slotIds[slot];
      // A reused slot: the body that held it before is gone (unless it moved to another slot).
      if (old !== undefined && old !== id && slotOfId.get(old) === slot) {
        slotOfId.delete(old);
        changes.push({ type: 'body-remove', id: old, ts: header.time });
      }
      slotIds[slot] = id;
      slotColors[slot] = color;
      slotOfId.set(id, slot);
    }
    for (const b of bodies) {
      if (!b.alive) continue;
      const id = slotIds[b.slot];
      if (id === undefined) throw new FrameError(`body slot ${b.slot} has no id`);
      changes.push({ type: 'body', id, model: b.model, color: slotColors[b.slot] ?? null, location: b.location, quality: b.quality, ts: b.ts });
    }
    for (const [c, slot] of stations) {
      c.job = slot >= 0 ? (slotIds[slot] ?? null) : null;
      changes.push(c);
    }
    for (const r of robots) changes.push(r);
    this.slotIds = slotIds;
    this.slotColors = slotColors;
    this.slotOfId = slotOfId;
    return { header, changes };
  }
}
