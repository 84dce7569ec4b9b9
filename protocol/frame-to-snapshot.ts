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
        this.slotIds[slot] = id;
      },
    });
    if (header.type === FrameType.delta && header.baseRevision !== state.revision)
      throw new FrameError(`delta from revision ${header.baseRevision} does not apply to revision ${state.revision}`);
    if (header.type === FrameType.snapshot) {
      // A snapshot replaces everything it does not mention (bodies).
      state.bodies = {};
    }
    for (const [slot, b] of this.pendingBodies) {
      const id = this.slotIds[slot];
      if (id === undefined) throw new FrameError(`body slot ${slot} has no id`);
      if (!b.alive) {
        delete state.bodies[id];
        continue;
      }
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
