/**
 * Applies binary frames to a plain StateSnapshot. Used by tests, tools and the replay of a
 * captured stream; the browser applies frames to typed arrays instead (client/src/live).
 */
import { decodeFrame, FrameError, FrameType, LocationKind, type FrameHeader } from './codec.ts';
import type { SceneIndex } from './scene-index.ts';
import { bodyModels, qualities, robotStates, stationStates, type BodyEntity, type StateSnapshot } from './state.ts';

export class SnapshotBuilder {
  readonly state: StateSnapshot;
  private slotIds: (string | undefined)[] = [];
  private slotOfId = new Map<string, number>();
  private pendingBodies = new Map<number, Omit<BodyEntity, 'color'> & { alive: boolean }>();

  constructor(private readonly index: SceneIndex, epoch = '') {
    this.state = { epoch, revision: 0, time: 0, stations: {}, robots: {}, bodies: {} };
  }

  /** Applies one frame; throws FrameError when a delta does not follow the current revision. */
  apply(frame: ArrayBuffer | ArrayBufferView): FrameHeader {
    const { index, state } = this;
    const slotJobs: Array<[string, number]> = [];
    const colors = new Map<number, string | null>();
    this.pendingBodies.clear();
    const header = decodeFrame(frame, {
      station: (i, s, q, job, ts) => {
        const id = index.stationIds[i];
        if (id === undefined) throw new FrameError(`station index ${i} out of range`);
        state.stations[id] = { state: stationStates[s], quality: qualities[q], ts, job: null };
        slotJobs.push([id, job]);
      },
      robot: (i, s, q, tool, ts, a, b, c, d, e, f) => {
        const id = index.robotIds[i];
        if (id === undefined) throw new FrameError(`robot index ${i} out of range`);
        state.robots[id] = { state: robotStates[s], quality: qualities[q], ts, tool, joints: [a, b, c, d, e, f] };
      },
      body: (slot, alive, q, model, kind, li, progress, ts) => {
        const location: BodyEntity['location'] =
          kind === LocationKind.station ? { kind: 'station', station: index.stationIds[li] }
          : kind === LocationKind.conveyor ? { kind: 'conveyor', conveyor: index.conveyorIds[li], progress }
          : { kind: 'none' };
        this.pendingBodies.set(slot, { alive, quality: qualities[q], model: bodyModels[model], location, ts });
      },
      meta: (slot, id, color) => {
        colors.set(slot, color);
        // A reused slot: the body that held it before is gone.
        // (An id can also come back in another slot; then only that slot speaks for it.)
        const old = this.slotIds[slot];
        if (old !== undefined && old !== id && this.slotOfId.get(old) === slot) {
          delete state.bodies[old];
          this.slotOfId.delete(old);
        }
        this.slotIds[slot] = id;
        this.slotOfId.set(id, slot);
      },
    });
    if (header.type === FrameType.delta && header.baseRevision !== state.revision)
      throw new FrameError(`delta from revision ${header.baseRevision} does not apply to revision ${state.revision}`);
    if (header.type === FrameType.snapshot) {
      // A snapshot replaces everything it does not mention (bodies).
      state.bodies = {};
      const fresh = new Map<string, number>();
      for (const [slot] of this.pendingBodies) {
        const id = this.slotIds[slot];
        if (id !== undefined) fresh.set(id, slot);
      }
      this.slotOfId = fresh;
    }
    for (const [slot, b] of this.pendingBodies) {
      const id = this.slotIds[slot];
      if (!b.alive) {
        // A body that came and went while the client was away may be unknown here.
        if (id !== undefined && this.slotOfId.get(id) === slot) {
          delete state.bodies[id];
          this.slotOfId.delete(id);
        }
        continue;
      }
      if (id === undefined) throw new FrameError(`body slot ${slot} has no id`);
      const prev = state.bodies[id];
      const color = colors.has(slot) ? (colors.get(slot) ?? null) : (prev?.color ?? null);
      state.bodies[id] = { model: b.model, color, location: b.location, quality: b.quality, ts: b.ts };
    }
    for (const [id, slot] of slotJobs) state.stations[id].job = slot >= 0 ? (this.slotIds[slot] ?? null) : null;
    state.revision = header.revision;
    state.time = header.time;
    return header;
  }
}
