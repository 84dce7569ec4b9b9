/**
 * Replay benchmarks (issue 3), each against a baseline from the same run:
 * - seek: History.stateAt on a recording ten times longer, against the same on the short one, both
 *   made the way the demo shift is (makeDemoRecording) and loaded by the real reader;
 * - recording throughput: the recorder against appending the same lines to a file with plain fs; the
 *   time is the hub's ticks with a recorder against without, up to the recorder's stop (every line
 *   formatted on the recording threads and the file closed), judged round by round against the raw
 *   append of the same round (the median of those ratios). The ticks run as the server runs them, each
 *   its own event-loop task; the same with every tick in one synchronous run (where no line can be
 *   written before the run ends) is reported beside it as `oneSyncRun`. The recording threads start
 *   once per process (about 0.15 s, in the warm-up rounds) and serve every recorder after;
 * - playback: the replay source (manual clock) at full speed into a hub, in simulated seconds per
 *   real second (the floor is 50× real time);
 * - index plus keyframes: what the History keeps for random access, against the recording's size.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MAX_SPEED } from '../../protocol/events.ts';
import type { ResolvedScene } from '../../protocol/scene.ts';
import type { History } from '../../server/hub/history.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { makeDemoRecording } from '../../server/recording/demo-recording.ts';
import { readRecording } from '../../server/recording/reader.ts';
import { startRecorder } from '../../server/recording/recorder.ts';
import { createReplaySource } from '../../server/sources/replay/index.ts';
import { median, row, sig, type BenchContext, type Benchmark, type Row } from './harness.ts';
import { buildWorkload, feedTick, scaledDemoScene, type Workload } from './workload.ts';

/** Monday 06:00 UTC: a fixed shift start, so two runs make the same recordings. */
const SHIFT_START = Date.UTC(2026, 0, 5, 6);

/** Deterministic seek targets (a small LCG: Math.random would make two runs seek differently). */
function seekTimes(from: number, to: number, n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return from + ((to - from) * s) / 2 ** 32;
  });
}

/** Bytes the History keeps for random access: its keyframes, and one index entry (revision, time, position) each. */
function indexBytes(history: History): { keyframeBytes: number; indexBytes: number; keyframes: number } {
  const kf = (history as unknown as { keyframes?: Array<{ frame: Uint8Array }> }).keyframes;
  if (!Array.isArray(kf)) throw new Error('History no longer keeps `keyframes`; update indexBytes() in test/bench/replay.ts');
  let keyframeBytes = 0;
  for (const k of kf) keyframeBytes += k.frame.byteLength;
  return { keyframeBytes, indexBytes: kf.length * 3 * 8, keyframes: kf.length };
}

async function seekBench(scene: ResolvedScene, dir: string, quick: boolean, log: (m: string) => void) {
  const shortMin = quick ? 1 : 6;
  const files = { short: path.join(dir, 'short.jsonl.gz'), long: path.join(dir, 'long.jsonl.gz') };
  let t = performance.now();
  await makeDemoRecording(scene, files.short, { hours: shortMin / 60, seed: 42, start: SHIFT_START });
  await makeDemoRecording(scene, files.long, { hours: (10 * shortMin) / 60, seed: 42, start: SHIFT_START });
  const makeS = (performance.now() - t) / 1000;
  t = performance.now();
  const short = await readRecording(files.short, scene);
  const long = await readRecording(files.long, scene);
  const loadS = (performance.now() - t) / 1000;
  log(`replay: recordings of ${shortMin} and ${10 * shortMin} min made in ${makeS.toFixed(1)} s, loaded in ${loadS.toFixed(1)} s`);

  const n = quick ? 30 : 150;
  const targets = (h: History, seed: number) => seekTimes(h.from as number, h.to as number, n, seed);
  const ts = { short: targets(short.history, 1), long: targets(long.history, 2) };
  const time = (h: History, at: number) => {
    const t0 = performance.now();
    h.stateAt(at);
    return performance.now() - t0;
  };
  // Warm the JIT on both before timing either.
  for (let i = 0; i < 10; i++) {
    time(short.history, ts.short[i]);
    time(long.history, ts.long[i]);
  }
  // Interleaved, so load from other processes falls on both alike.
  const ms = { short: [] as number[], long: [] as number[] };
  for (let i = 0; i < n; i++) {
    ms.short.push(time(short.history, ts.short[i]));
    ms.long.push(time(long.history, ts.long[i]));
  }
  const idx = indexBytes(long.history);
  const fileBytes = statSync(files.long).size;
  const plainBytes = gunzipSync(readFileSync(files.long)).byteLength;
  return { short, long, ms, shortMin, idx, fileBytes, plainBytes, makeS, loadS };
}

/**
 * Ticks through a fresh hub, with or without a recorder on it; returns wall ms (recorder stop included).
 * `apart`: each tick its own event-loop task, as the server's timer runs them, so the recorder writes the
 * lines that come back while the hub goes on; otherwise every tick in one synchronous run, and every line
 * waits for the run's end to be written.
 */
async function recordRun(w: Workload, file: string | null, apart: boolean): Promise<{ ms: number; bytes: number; lines: number }> {
  const hub = createHub({ scene: w.scene, tickMs: 1 << 30 });
  for (const c of w.initial) hub.sink.apply(c);
  hub.sink.time?.(w.startTime);
  hub.tick();
  const t0 = performance.now();
  const rec = file ? startRecorder(hub, file, { source: 'simulator', gzip: false }) : null;
  for (let i = 0; i < w.ticks.length; i++) {
    feedTick(hub.sink, w.ticks[i]);
    hub.sink.time?.(w.tickTimes[i]);
    hub.tick();
    if (apart) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await rec?.stop();
  return { ms: performance.now() - t0, bytes: rec?.bytes ?? 0, lines: rec?.lines ?? 0 };
}

/** The baseline: the same lines appended to a file as they come, one write each. */
function rawAppend(lines: string[], file: string): number {
  const t0 = performance.now();
  const fd = openSync(file, 'a');
  try {
    for (const l of lines) writeSync(fd, l);
  } finally {
    closeSync(fd);
  }
  return performance.now() - t0;
}

async function recordingThroughput(dir: string, quick: boolean) {
  // The demo recording's cadence: robots sampled at 2 Hz, a commit every 200 ms.
  const w = buildWorkload({ scale: 1, ticks: quick ? 300 : 3000, tickMs: 200, sampleHz: 2, warmupS: 14_400 });
  const file = path.join(dir, 'throughput.jsonl');
  const rawFile = path.join(dir, 'throughput-raw.jsonl');
  // A round is about a tenth of a second, so one round's figure swings with whatever else the machine runs:
  // many rounds, each judged against the raw append of the same round, and the median of those ratios.
  const runs = quick ? 1 : 15;
  // Warm-up rounds, not measured: the JIT of this thread and of the recording threads (it took a
  // formatting thread about eight rounds' lines to reach its steady speed), and the page cache.
  const warm = quick ? 1 : 8;
  const rec: number[] = [];
  const bare: number[] = [];
  const raw: number[] = [];
  const ratios: number[] = [];
  const syncRatios: number[] = [];
  let bytes = 0;
  let lineCount = 0;
  for (let r = 0; r < warm + runs; r++) {
    rmSync(file, { force: true });
    rmSync(rawFile, { force: true });
    const withRec = await recordRun(w, file, true);
    const without = await recordRun(w, null, true);
    rmSync(file, { force: true });
    const withRecSync = await recordRun(w, file, false);
    const withoutSync = await recordRun(w, null, false);
    const lines = readFileSync(file, 'utf8').split(/(?<=\n)/);
    const rawMs = rawAppend(lines, rawFile);
    bytes = withRec.bytes;
    lineCount = lines.length;
    if (r < warm) continue;
    // What the recorder added to the same ticks (never zero: a ratio divides by it).
    const extra = (a: { ms: number }, b: { ms: number }) => Math.max(0.001, a.ms - b.ms);
    rec.push(extra(withRec, without));
    bare.push(without.ms);
    raw.push(rawMs);
    ratios.push(rawMs / extra(withRec, without));
    syncRatios.push(rawMs / extra(withRecSync, withoutSync));
  }
  const recMBps = bytes / 1e6 / (median(rec) / 1000);
  const rawMBps = bytes / 1e6 / (median(raw) / 1000);
  return { ratio: median(ratios), syncRatio: median(syncRatios), recMBps, rawMBps, bytes, lines: lineCount, hubMs: median(bare), rounds: runs };
}

function playback(history: History, scene: ResolvedScene): { speed: number; simulatedS: number; wallMs: number; calls: number } {
  const hub = createHub({ scene, tickMs: 1 << 30 });
  const src = createReplaySource(history, { manual: true, loop: false, speed: MAX_SPEED });
  src.start(hub.sink);
  hub.tick();
  const from = src.time;
  const stepMs = 50;
  let calls = 0;
  const t0 = performance.now();
  // The server's own cadence: advance by one hub tick of real time, then commit.
  while (src.playing && calls < 1_000_000) {
    src.advance(stepMs);
    hub.tick();
    calls++;
  }
  const wallMs = performance.now() - t0;
  src.stop();
  const simulatedMs = src.time - from;
  return { speed: simulatedMs / wallMs, simulatedS: simulatedMs / 1000, wallMs, calls };
}

export const replayBench: Benchmark = {
  name: 'replay',
  title: 'seek at 10× length, recording vs raw fs append, playback speed, index size',
  async run(ctx: BenchContext): Promise<Row[]> {
    const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-bench-replay-'));
    try {
      const demoScene = scaledDemoScene(1);
      // Throughput first: the seek part loads two recordings whose histories stay alive to the end, and with
      // them in the heap the recorder's rounds were sometimes measured against their garbage collection.
      const tput = await recordingThroughput(dir, ctx.quick);
      const seek = await seekBench(demoScene, dir, ctx.quick, ctx.log);
      const play = playback(seek.long.history, demoScene);
      const shortMs = median(seek.ms.short);
      const longMs = median(seek.ms.long);
      const idxTotal = seek.idx.keyframeBytes + seek.idx.indexBytes;
      return [
        row('replay', 'replay: seek at 10× recording length vs 1×', longMs / shortMs, { op: '<=', value: 1.2 }, {
          seekMs1x: sig(shortMs),
          seekMs10x: sig(longMs),
          minutes1x: seek.shortMin,
          minutes10x: seek.shortMin * 10,
          seeks: seek.ms.short.length,
          deltas10x: seek.long.history.deltaCount,
        }),
        row('replay', 'replay: recording throughput vs raw fs append', tput.ratio, { op: '>=', value: 0.3 }, {
          recorderMBps: sig(tput.recMBps),
          rawAppendMBps: sig(tput.rawMBps),
          rounds: tput.rounds,
          hubMs: sig(tput.hubMs),
          oneSyncRun: sig(tput.syncRatio),
          MB: sig(tput.bytes / 1e6),
          lines: tput.lines,
        }),
        row('replay', 'replay: playback speed (× real time)', play.speed, { op: '>=', value: 50 }, {
          simulatedS: Math.round(play.simulatedS),
          wallMs: Math.round(play.wallMs),
          advanceCalls: play.calls,
        }),
        row('replay', 'replay: index + keyframes vs recording file', idxTotal / seek.fileBytes, { op: '<=', value: 0.1 }, {
          keyframes: seek.idx.keyframes,
          keyframeKB: sig(seek.idx.keyframeBytes / 1000),
          fileKB: sig(seek.fileBytes / 1000),
          uncompressedKB: sig(seek.plainBytes / 1000),
          vsUncompressed: sig(idxTotal / seek.plainBytes),
        }),
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
