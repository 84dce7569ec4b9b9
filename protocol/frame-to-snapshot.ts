/**
 * Applies binary frames to a plain StateSnapshot. Used by tests and tools; the browser applies
 * frames to typed arrays instead (client/src/live).
 */
import { FrameError, FrameType, readHeader, type FrameHeader } from './codec.ts';
import { FrameChangeReader } from './frame-changes.ts';
import type { SceneIndex } from './scene-index.ts';
import type { StateSnapshot } from './state.ts';
import type { Change } from './changes.ts';

export class SnapshotBuilder {
  readonly state: StateSnapshot;
  private reader: FrameChangeReader;

  constructor(index: SceneIndex, epoch = '') {
    this.reader = new FrameChangeReader(index);
    this.state = { epoch, revision: 0, time: 0, stations: {}, robots: {}, bodies: {} };
  }

  /** Applies one frame; throws FrameError when a delta does not follow the current revision. */
  apply(frame: ArrayBuffer | ArrayBufferView): FrameHeader {
    const head = readHeader(frame);
    if (head.type === FrameType.delta && head.baseRevision !== this.state.revision)
      throw new FrameError(`delta from revision ${head.baseRevision} does not apply to revision ${this.state.revision}`);
    const { header, changes } = this.reader.read(frame);
    if (header.type === FrameType.snapshot) this.state.bodies = {};
    for (const c of changes) applyChange(this.state, c);
    this.state.revision = header.revision;
    this.state.time = header.time;
    return header;
  }
}

/** Applies one change to a plain snapshot (latest value per entity). */
export function applyChange(state: Pick<StateSnapshot, 'stations' | 'robots' | 'bodies'>, c: Change): void {
  switch (c.type) {
    case 'station':
      state.stations[c.id] = { state: c.state, quality: c.quality ?? 'good', ts: c.ts, job: c.job === undefined ? (state.stations[c.id]?.job ?? null) : c.job };
      break;
    case 'robot':
      state.robots[c.id] = { state: c.state, quality: c.quality ?? 'good', ts: c.ts, tool: c.tool, joints: Array.from(c.joints) };
      break;
    case 'body':
      state.bodies[c.id] = { model: c.model, color: c.color, location: c.location, quality: c.quality ?? 'good', ts: c.ts };
      break;
    case 'body-remove':
      delete state.bodies[c.id];
      break;
  }
}
