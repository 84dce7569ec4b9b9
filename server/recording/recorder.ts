/**
 * Records every change the hub commits into a recording file (JSON Lines, gzip when the name ends
 * in .gz). A keyframe every `keyframeIntervalMs` lets a reader start anywhere.
 *
 * The hub's thread does little: it copies the delta frames it has already encoded for its clients into
 * a batch and hands batches to the recording thread (record-thread.ts), which keeps its own copy of the
 * state from them and formats and writes the lines. Batches go over when they reach BATCH bytes and at
 * least every half `flushMs`, so lines reach the file within about `flushMs` (default a second): after a
 * crash the file reads up to its last whole line.
 */
import type { Hub } from '../hub/twin-hub.ts';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader } from './format.ts';
import { ByteSink } from './changes-line.ts';
import { Entry } from './record-messages.ts';
import { recordThread } from './record-thread.ts';

export type RecorderOptions = {
  keyframeIntervalMs?: number;
  flushMs?: number;
  source: string;
  /** Compress with gzip; default: when the file name ends in .gz. */
  gzip?: boolean;
  onError?: (err: Error) => void;
};

export type Recorder = {
  readonly file: string;
  /** Lines recorded so far (header, keyframes and one per commit). */
  readonly lines: number;
  /** Bytes of text written (before compression): exact once `stop()` has resolved. */
  readonly bytes: number;
  stop(): Promise<void>;
};

/** Frames batched before a hand-over: small enough that the recording thread works alongside the hub. */
const BATCH = 64 * 1024;

export function startRecorder(hub: Hub, file: string, options: RecorderOptions): Recorder {
  const keyframeIntervalMs = options.keyframeIntervalMs ?? 60_000;
  const flushMs = options.flushMs ?? 1000;
  const gzip = options.gzip ?? file.endsWith('.gz');
  let failed = false;
  let bytes = 0;
  let closed!: () => void;
  const whenClosed = new Promise<void>((resolve) => (closed = resolve));
  const thread = recordThread();
  const id = thread.start(file, gzip, hub.index, {
    onError(err) {
      if (failed) return;
      failed = true;
      options.onError?.(err);
    },
    onClosed(written) {
      bytes = written;
      closed();
    },
  });

  const batch = new ByteSink(BATCH * 2);
  let lines = 0;
  const entry = (kind: number, data: Uint8Array) => {
    batch.byte(kind);
    batch.room(4);
    batch.buf.writeUInt32LE(data.byteLength, batch.pos);
    batch.pos += 4;
    batch.bytes(data);
  };
  const text = (obj: unknown) => {
    entry(Entry.text, Buffer.from(JSON.stringify(obj) + '\n', 'utf8'));
    lines++;
  };
  const handOver = () => {
    if (failed || batch.length === 0) return;
    thread.batch(id, batch.take());
  };

  const header: RecordingHeader = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    scene: hub.scene.id,
    start: hub.time,
    source: options.source,
    keyframeInterval: keyframeIntervalMs,
    created: new Date().toISOString(),
  };
  text(header);
  /** The full state: a keyframe line, and (`seed`) the recording thread's copy of the state. */
  const keyframe = (seed: boolean) => {
    if (seed) entry(Entry.frame, hub.snapshotFrame());
    const s = hub.snapshot();
    text({ type: 'keyframe', t: s.time, rev: s.revision, state: { stations: s.stations, robots: s.robots, bodies: s.bodies } });
    return s.time;
  };
  let lastKeyframe = keyframe(true);
  handOver();

  const offTick = hub.onTick((frame) => {
    entry(Entry.frame, frame);
    lines++;
    if (hub.time - lastKeyframe >= keyframeIntervalMs) lastKeyframe = keyframe(false);
    if (batch.length >= BATCH) handOver();
  });
  // A mirror node replaced its whole state without a delta: start again from a keyframe.
  const offReset = hub.onReset(() => {
    lastKeyframe = keyframe(true);
  });
  const timer = setInterval(handOver, Math.max(10, flushMs / 2));
  timer.unref();

  let stopping: Promise<void> | null = null;
  return {
    file,
    get lines() {
      return lines;
    },
    get bytes() {
      return bytes;
    },
    stop() {
      stopping ??= (async () => {
        offTick();
        offReset();
        clearInterval(timer);
        handOver();
        thread.close(id);
        await whenClosed;
      })();
      return stopping;
    },
  };
}
