/**
 * Applies binary state frames (protocol/codec.ts) to a LiveState, record by record, with no allocation
 * per record. The caller (net/) decides what to do with the outcome (ack, resync).
 */
import { decodeFrame, FrameError, FrameType, LocationKind, readHeader, type FrameVisitor } from '../../../protocol/codec.ts';
import { bodyModels, JOINT_COUNT, qualities, robotStates, stationStates } from '../../../protocol/state.ts';
import { LiveState, MAX_BODY_SLOTS } from './live-state.ts';

export type ApplyOutcome =
  | { kind: 'applied'; type: 'snapshot' | 'delta'; revision: number }
  /** A delta for a state we do not hold (revision gap, or nothing held yet): ask for a snapshot. */
  | { kind: 'gap'; baseRevision: number; held: number }
  /** The frame is malformed or names entities this scene lacks: ask for a snapshot. */
  | { kind: 'error'; message: string };

const HEX = /^#[0-9a-fA-F]{6}$/;

export class FrameApplier {
  private problem: string | null = null;
  private stations = 0;
  private robots = 0;
  private bodies = 0;
  private readonly visitor: FrameVisitor;

  constructor(private readonly live: LiveState) {
    const bad = (msg: string) => {
      if (this.problem === null) this.problem = msg;
    };
    this.visitor = {
      station: (i, state, quality, job, ts) => {
        if (i >= live.stationCount || state >= stationStates.length || quality >= qualities.length) return bad(`bad station record ${i}`);
        this.stations++;
        live.stationState[i] = state;
        live.stationQuality[i] = quality;
        live.stationTs[i] = ts;
        live.stationJob[i] = job >= 0 && job < MAX_BODY_SLOTS ? job : -1;
      },
      robot: (i, state, quality, tool, ts, j0, j1, j2, j3, j4, j5) => {
        if (i >= live.robotCount || state >= robotStates.length || quality >= qualities.length) return bad(`bad robot record ${i}`);
        this.robots++;
        live.robotState[i] = state;
        live.robotQuality[i] = quality;
        live.robotTool[i] = tool ? 1 : 0;
        live.robotTs[i] = ts;
        const o = i * JOINT_COUNT;
        const t = live.robotTarget;
        t[o] = j0; t[o + 1] = j1; t[o + 2] = j2; t[o + 3] = j3; t[o + 4] = j4; t[o + 5] = j5;
        if (live.robotSeen[i] === 0) {
          live.robotSeen[i] = 1;
          live.robotShown.set(t.subarray(o, o + JOINT_COUNT), o);
        }
      },
      body: (slot, alive, quality, model, locKind, locIndex, progress, ts) => {
        if (slot >= MAX_BODY_SLOTS || quality >= qualities.length || model >= bodyModels.length || locKind > LocationKind.conveyor) return bad(`bad body record ${slot}`);
        live.ensureBodyCapacity(slot + 1);
        this.bodies++;
        if (!alive) {
          live.bodyAlive[slot] = 0;
          live.bodyIds[slot] = null;
          live.bodyColorHex[slot] = null;
          return;
        }
        if (live.bodyAlive[slot] === 0) live.bodySnap[slot] = 1;
        live.bodyAlive[slot] = 1;
        live.bodyQuality[slot] = quality;
        live.bodyModel[slot] = model;
        live.bodyLocKind[slot] = locKind;
        live.bodyLocIndex[slot] = locIndex;
        live.bodyProgress[slot] = Number.isFinite(progress) ? Math.min(1, Math.max(0, progress)) : 0;
        live.bodyTs[slot] = ts;
        if (slot >= live.bodySlotsUsed) live.bodySlotsUsed = slot + 1;
      },
      meta: (slot, id, color) => {
        if (slot >= MAX_BODY_SLOTS) return bad(`bad body metadata slot ${slot}`);
        live.ensureBodyCapacity(slot + 1);
        // A different id in a slot is a new body: it appears where it is rather than gliding from the old one.
        if (live.bodyIds[slot] !== id) live.bodySnap[slot] = 1;
        live.bodyIds[slot] = id;
        live.bodyColorHex[slot] = color;
        if (color !== null && HEX.test(color)) {
          const n = parseInt(color.slice(1), 16);
          live.bodyColor[slot * 3] = ((n >> 16) & 255) / 255;
          live.bodyColor[slot * 3 + 1] = ((n >> 8) & 255) / 255;
          live.bodyColor[slot * 3 + 2] = (n & 255) / 255;
          live.bodyPainted[slot] = 1;
        } else live.bodyPainted[slot] = 0;
      },
    };
  }

  apply(frame: ArrayBuffer | ArrayBufferView): ApplyOutcome {
    const live = this.live;
    let header;
    try {
      header = readHeader(frame);
    } catch (e) {
      live.invalidate();
      return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    const snapshot = header.type === FrameType.snapshot;
    if (!snapshot && (live.revision < 0 || header.baseRevision !== live.revision))
      return { kind: 'gap', baseRevision: header.baseRevision, held: live.revision };

    if (snapshot) live.clearBodies();
    this.problem = null;
    this.stations = this.robots = this.bodies = 0;
    try {
      if (header.bodySlots > MAX_BODY_SLOTS) throw new FrameError(`frame claims ${header.bodySlots} body slots`);
      live.ensureBodyCapacity(header.bodySlots);
      decodeFrame(frame, this.visitor);
    } catch (e) {
      live.invalidate();
      return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    if (snapshot || this.stations > 0) live.stationVersion++;
    if (snapshot || this.robots > 0) live.robotVersion++;
    // Station jobs name bodies, so body changes also refresh what stations show.
    if (snapshot || this.bodies > 0) {
      live.bodyVersion++;
      live.metaVersion++;
      live.stationVersion++;
    }
    live.revision = header.revision;
    live.time = header.time;
    live.lastFrameAt = performance.now();
    live.framesApplied++;
    if (snapshot) live.snapshotsApplied++;
    if (this.problem !== null) {
      // Applied what made sense; the rest needs a fresh snapshot.
      live.invalidate();
      return { kind: 'error', message: this.problem };
    }
    return { kind: 'applied', type: snapshot ? 'snapshot' : 'delta', revision: header.revision };
  }
}
