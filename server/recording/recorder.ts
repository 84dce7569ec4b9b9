/**
 * Records every change the hub commits into a recording file (JSON Lines, gzip when the name ends
 * in .gz). Lines are flushed at least every second, so after a crash the file reads up to its last
 * whole line; a keyframe every `keyframeIntervalMs` lets a reader start anywhere.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createGzip, constants as zlibConstants, type Gzip } from 'node:zlib';
import type { Hub } from '../hub/twin-hub.ts';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader } from './format.ts';
import { ByteSink, writeChangesLine } from './changes-line.ts';

export type RecorderOptions = {
  keyframeIntervalMs?: number;
  flushMs?: number;
  source: string;
  /** Compress with gzip; default: when the file name ends in .gz. */
  gzip?: boolean;
  onError?: (err: Error) => void;
};

export type Recorder = { readonly file: string; readonly lines: number; readonly bytes: number; stop(): Promise<void> };

export function startRecorder(hub: Hub, file: string, options: RecorderOptions): Recorder {
  const keyframeIntervalMs = options.keyframeIntervalMs ?? 60_000;
  const gzip = options.gzip ?? file.endsWith('.gz');
  const out: WriteStream = createWriteStream(file, { flags: 'w' });
  const zip: Gzip | null = gzip ? createGzip() : null;
  if (zip) zip.pipe(out);
  const sink = zip ?? out;
  let failed = false;
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    options.onError?.(err);
  };
  out.on('error', fail);
  zip?.on('error', fail);

  // Lines are written as bytes into one buffer and handed to the stream in chunks.
  const pending = new ByteSink();
  const CHUNK = 256 * 1024;
  let lines = 0;
  let bytes = 0;
  const push = (obj: unknown) => {
    pending.text(JSON.stringify(obj) + '\n');
    lines++;
  };
  const flush = () => {
    if (failed || pending.length === 0) return;
    const chunk = pending.take();
    bytes += chunk.length;
    sink.write(chunk);
    // A sync flush ends a deflate block, so a reader can decode everything written so far.
    zip?.flush(zlibConstants.Z_SYNC_FLUSH);
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
  push(header);
  const keyframe = () => {
    const s = hub.snapshot();
    push({ type: 'keyframe', t: s.time, rev: s.revision, state: { stations: s.stations, robots: s.robots, bodies: s.bodies } });
    return s.time;
  };
  let lastKeyframe = keyframe();
  flush();

  const off = hub.onCommit((c) => {
    writeChangesLine(pending, hub, c);
    lines++;
    if (pending.length > CHUNK) flush();
    if (c.time - lastKeyframe >= keyframeIntervalMs) lastKeyframe = keyframe();
  });
  const timer = setInterval(flush, options.flushMs ?? 1000);
  timer.unref();

  return {
    file,
    get lines() {
      return lines;
    },
    get bytes() {
      return bytes;
    },
    async stop() {
      off();
      clearInterval(timer);
      flush();
      await new Promise<void>((resolve) => {
        out.once('close', () => resolve());
        out.once('error', () => resolve());
        sink.end();
      });
    },
  };
}
