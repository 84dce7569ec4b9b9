/**
 * History of committed state as binary frames: every delta plus a snapshot (keyframe) every
 * `keyframeIntervalMs` of state time. The state at any time t is the last keyframe at or before t
 * plus the deltas after it up to t: a binary search and at most one interval of deltas, whatever
 * the length of the history. Fed by the live hub (recent history) or by a recording file.
 */
import type { ResolvedScene } from '../../protocol/scene.ts';
import { FrameChangeReader } from '../../protocol/frame-changes.ts';
import { readHeader } from '../../protocol/codec.ts';
import { indexScene, type SceneIndex } from '../../protocol/scene-index.ts';
import { createHub, type Hub } from './twin-hub.ts';

export type HistoryEntry = { revision: number; time: number; frame: Uint8Array };

export type HistoryOptions = {
  scene: ResolvedScene;
  keyframeIntervalMs?: number;
  /** Keep this much state time (ms); older entries are dropped. Infinity keeps everything. */
  retentionMs?: number;
  /**
   * Keep at most about this many bytes of frames: when the history grows past it, its oldest keyframe
   * intervals go first, even within `retentionMs` (the newest interval always stays). Infinity: no limit.
   */
  maxBytes?: number;
  /** Called the first time the byte limit cuts the history shorter than `retentionMs`, with the span (ms) it keeps. */
  onBytesLimit?: (keptMs: number) => void;
};

export class History {
  readonly scene: ResolvedScene;
  readonly index: SceneIndex;
  readonly keyframeIntervalMs: number;
  readonly retentionMs: number;
  readonly maxBytes: number;
  /** Whether the byte limit has cut the history shorter than its retention (it then stays about that long). */
  limitedByBytes = false;
  private readonly onBytesLimit: ((keptMs: number) => void) | undefined;
  private deltas: HistoryEntry[] = [];
  /** Keyframes, each with the position in `deltas` of the first delta after it. */
  private keyframes: Array<HistoryEntry & { next: number }> = [];
  private dropped = 0;
  bytes = 0;

  constructor(options: HistoryOptions) {
    this.scene = options.scene;
    this.index = indexScene(options.scene);
    this.keyframeIntervalMs = options.keyframeIntervalMs ?? 60_000;
    this.retentionMs = options.retentionMs ?? 2 * 3600_000;
    this.maxBytes = options.maxBytes ?? Infinity;
    if (!(this.maxBytes > 0)) throw new RangeError(`history: maxBytes must be positive, got ${this.maxBytes}`);
    this.onBytesLimit = options.onBytesLimit;
  }

  get from(): number | null {
    return this.keyframes[0]?.time ?? null;
  }

  get to(): number | null {
    const last = this.deltas.length > this.dropped ? this.deltas[this.deltas.length - 1] : undefined;
    const key = this.keyframes[this.keyframes.length - 1];
    if (!key) return null;
    return last && last.time > key.time ? last.time : key.time;
  }

  get keyframeCount(): number {
    return this.keyframes.length;
  }

  get deltaCount(): number {
    return this.deltas.length - this.dropped;
  }

  /** Adds a keyframe (a snapshot frame). The first entry of a history must be one. */
  addKeyframe(frame: Uint8Array): void {
    const h = readHeader(frame);
    this.keyframes.push({ revision: h.revision, time: h.time, frame, next: this.deltas.length });
    this.bytes += frame.byteLength;
  }

  /** Adds a delta; `snapshot` is asked for a keyframe when one is due (after this delta). */
  addDelta(frame: Uint8Array, snapshot?: () => Uint8Array): void {
    const h = readHeader(frame);
    const lastKey = this.keyframes[this.keyframes.length - 1];
    if (!lastKey) throw new Error('history: a keyframe must come first');
    this.deltas.push({ revision: h.revision, time: h.time, frame });
    this.bytes += frame.byteLength;
    if (snapshot && h.time - lastKey.time >= this.keyframeIntervalMs) this.addKeyframe(snapshot());
    this.trim(h.time);
  }

  /** Keeps whole keyframe intervals within the retention window and the byte limit. */
  private trim(now: number): void {
    const keys = this.keyframes;
    const oldest = now - this.retentionMs;
    let drop = 0;
    let byBytes = false;
    // Bytes of the intervals dropped so far: each keyframe and the deltas after it.
    let freed = 0;
    let at = this.dropped;
    while (drop + 1 < keys.length) {
      const tooOld = keys[drop + 1].time <= oldest;
      if (!tooOld && this.bytes - freed <= this.maxBytes) break;
      byBytes ||= !tooOld;
      freed += keys[drop].frame.byteLength;
      drop++;
      for (const end = keys[drop].next; at < end; at++) freed += this.deltas[at].frame.byteLength;
    }
    if (byBytes && !this.limitedByBytes) {
      this.limitedByBytes = true;
      this.onBytesLimit?.(now - keys[drop].time);
    }
    if (drop === 0) return;
    const first = this.keyframes[drop];
    this.bytes -= freed;
    this.keyframes.splice(0, drop);
    this.dropped = first.next;
    // Compact now and then rather than shifting the array every tick.
    if (this.dropped > 4096 && this.dropped > this.deltas.length / 2) {
      this.deltas.splice(0, this.dropped);
      for (const k of this.keyframes) k.next -= this.dropped;
      this.dropped = 0;
    }
  }

  /** Index of the last keyframe at or before t, or -1. */
  keyframeAt(t: number): number {
    let lo = 0;
    let hi = this.keyframes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.keyframes[mid].time <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * A hub holding the state at time t (clamped to the history's range), and the position of the
   * next delta to apply when playing on from there.
   */
  stateAt(t: number, into?: Hub): { hub: Hub; next: number; time: number; reader: FrameChangeReader; applied: number } {
    if (this.keyframes.length === 0) throw new Error('history is empty');
    let k = this.keyframeAt(t);
    if (k < 0) k = 0;
    const key = this.keyframes[k];
    const hub = into ?? createHub({ scene: this.scene, tickMs: 1 << 30 });
    const reader = new FrameChangeReader(this.index);
    reader.readInto(key.frame, hub.sink);
    hub.sink.time?.(key.time);
    let i = Math.max(key.next, this.dropped);
    const first = i;
    for (; i < this.deltas.length && this.deltas[i].time <= t; i++) {
      reader.readInto(this.deltas[i].frame, hub.sink);
      hub.sink.time?.(this.deltas[i].time);
    }
    hub.tick();
    return { hub, next: i, time: Math.max(key.time, Math.min(t, this.to ?? t)), reader, applied: i - first };
  }

  /** Deltas from position `from` whose time is at most t; returns the position after them. */
  forEachDelta(from: number, t: number, fn: (entry: HistoryEntry) => void): number {
    let i = Math.max(from, this.dropped);
    for (; i < this.deltas.length && this.deltas[i].time <= t; i++) fn(this.deltas[i]);
    return i;
  }

  /** Times of the keyframes (for tests and the timeline). */
  keyframeTimes(): number[] {
    return this.keyframes.map((k) => k.time);
  }
}

/**
 * Records a live hub into a History at `resolutionMs` of state time: once per bucket, the hub's own delta
 * since the revision recorded last (every entity whose revision is newer, at its latest value: what a client
 * that fell behind is sent, HUB5), so two hours of a plant whose robots report at 10 Hz stay around a hundred
 * megabytes. Nothing is decoded: the delta is written from the hub's tables, and a keyframe is the hub's
 * snapshot frame. A tick in which a body left closes its bucket at once, so a body slot is never taken again
 * inside one recorded delta and each departure keeps its own time. Returns a stop function.
 */
export function recordHubHistory(hub: Hub, history: History, resolutionMs = 200): () => void {
  history.addKeyframe(hub.snapshotFrame());
  let recorded = hub.revision;
  let lastCommit = hub.time;
  let bodyLeft = false;
  const offCommit = hub.onCommit((c) => {
    if (c.removed.length > 0) bodyLeft = true;
  });
  const offTick = hub.onTick(() => {
    const time = hub.time;
    if (time - lastCommit < resolutionMs && !bodyLeft) return;
    lastCommit = time;
    bodyLeft = false;
    if (hub.revision === recorded) return;
    const delta = hub.deltaSince(recorded);
    recorded = hub.revision;
    history.addDelta(delta, () => hub.snapshotFrame());
  });
  return () => {
    offCommit();
    offTick();
  };
}
