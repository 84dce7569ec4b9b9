/**
 * Records every change the hub commits into a recording file (JSON Lines, gzip when the name ends
 * in .gz). A keyframe every `keyframeIntervalMs` lets a reader start anywhere.
 *
 * The hub's thread does little: it copies the delta frames it has already encoded for its clients into
 * batches and hands them to the recording threads (record-thread.ts), which keep their own copy of the
 * state and format the lines; the lines come back numbered and are written here in order, through the
 * file stream (and gzip) that do their work off this thread. Batches go over when they reach BATCH bytes
 * and at least every half `flushMs`, so lines reach the file within about `flushMs` (default a second):
 * after a crash the file reads up to its last whole line.
 */
import { createWriteStream } from 'node:fs';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import type { Hub } from '../hub/twin-hub.ts';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader } from './format.ts';
import { ByteSink } from './changes-line.ts';
import { Entry } from './record-messages.ts';
import { recordThreads } from './record-thread.ts';

export type RecorderOptions = {
  keyframeIntervalMs?: number;
  flushMs?: number;
  source: string;
  /** Compress with gzip; default: when the file name ends in .gz. */
  gzip?: boolean;
  onError?: (err: Error) => void;
  /** Threads that format the lines; default: one per core left beside the hub's, one or two (record-thread.ts). */
  threads?: number;
};

export type Recorder = {
  readonly file: string;
  /** Lines recorded so far (header, keyframes and one per commit). */
  readonly lines: number;
  /** Bytes of text written (before compression): exact once `stop()` has resolved. */
  readonly bytes: number;
  stop(): Promise<void>;
};

/** Frames batched before a hand-over: small enough that the recording threads work alongside the hub. */
const BATCH = 64 * 1024;

export function startRecorder(hub: Hub, file: string, options: RecorderOptions): Recorder {
  const keyframeIntervalMs = options.keyframeIntervalMs ?? 60_000;
  const flushMs = options.flushMs ?? 1000;
  const gzip = options.gzip ?? file.endsWith('.gz');
  let failed = false;
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    options.onError?.(err);
  };

  const out = createWriteStream(file, { flags: 'w' });
  const zip = gzip ? createGzip() : null;
  if (zip) zip.pipe(out);
  const sink = zip ?? out;
  out.on('error', fail);
  zip?.on('error', fail);
  const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));

  // Lines come back from the threads as each batch is done, in any order; they are written in order.
  let bytes = 0;
  let handed = 0;
  let written = 0;
  const early = new Map<number, Buffer>();
  let allWritten: (() => void) | null = null;
  const threads = recordThreads(options.threads);
  const id = threads.start(hub.index, {
    onLines(seq, data) {
      early.set(seq, data);
      for (let next = early.get(written); next !== undefined; next = early.get(written)) {
        early.delete(written);
        written++;
        if (next.length > 0 && !failed) {
          bytes += next.length;
          sink.write(next);
          // A sync flush ends a deflate block, so a reader can decode everything written so far.
          zip?.flush(zlibConstants.Z_SYNC_FLUSH);
        }
      }
      if (written === handed) allWritten?.();
    },
    onError(err) {
      fail(err);
      // Nothing more will come back: do not wait for it.
      written = handed;
      allWritten?.();
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
    threads.batch(id, handed++, batch.take());
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
  /** The full state: a keyframe line, and (`seed`) the recording threads' copy of the state. */
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
        if (written < handed) await new Promise<void>((resolve) => (allWritten = resolve));
        threads.close(id);
        sink.end();
        await closed;
      })();
      return stopping;
    },
  };
}
