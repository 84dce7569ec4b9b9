/**
 * The demo recording: a shift of the demo plant simulated offline (faster than real time) and
 * recorded in the normal recording format. Too large to commit, so it is made on first use
 * (`--replay demo-shift`) or by `npm run recording:demo`.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedScene } from '../../protocol/scene.ts';
import { createHub } from '../hub/twin-hub.ts';
import { LineSimulation } from '../sources/simulator/line-simulation.ts';
import { startRecorder } from './recorder.ts';

export const DEMO_RECORDING = 'demo-shift';

export type DemoRecordingOptions = {
  hours?: number;
  seed?: number;
  /** Simulated start of the shift (epoch ms); default: 06:00 UTC today. */
  start?: number;
  stepMs?: number;
  onProgress?: (fraction: number) => void;
};

export function recordingsDir(scenesDir: string, sceneId: string): string {
  return path.join(scenesDir, sceneId, 'recordings');
}

export async function makeDemoRecording(scene: ResolvedScene, file: string, options: DemoRecordingOptions = {}): Promise<void> {
  const hours = options.hours ?? 2;
  const stepMs = options.stepMs ?? 200;
  const day = new Date();
  const start = options.start ?? Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 6);
  const sim = new LineSimulation(scene, { seed: options.seed ?? 42, startTime: start - 4 * 3600_000, sampleHz: 2 });
  // Four hours of warm-up so the shift starts with a full line.
  sim.runUntil(start, () => undefined, { sample: false });
  const hub = createHub({ scene, tickMs: 1 << 30 });
  for (const c of sim.fullState()) hub.sink.apply(c);
  hub.sink.time?.(start);
  hub.tick();
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const rec = startRecorder(hub, partial, { source: 'simulator', flushMs: 1000, gzip: true });
  const end = start + hours * 3600_000;
  let nextReport = 0;
  for (let t = start + stepMs; t <= end; t += stepMs) {
    sim.runUntil(t, (c) => hub.sink.apply(c));
    hub.sink.time?.(t);
    hub.tick();
    const f = (t - start) / (end - start);
    if (f >= nextReport) {
      options.onProgress?.(f);
      nextReport += 0.05;
      // Let the write stream drain now and then.
      await new Promise((r) => setImmediate(r));
    }
  }
  await rec.stop();
  // Only a finished file gets the real name, so an interrupted run is made again next time.
  renameSync(partial, file);
  options.onProgress?.(1);
}

/** The demo recording's path, making it first when it does not exist yet. */
export async function ensureDemoRecording(scene: ResolvedScene, scenesDir: string, log: (msg: string) => void): Promise<string> {
  const file = path.join(recordingsDir(scenesDir, scene.id), `${DEMO_RECORDING}.jsonl.gz`);
  if (existsSync(file)) return file;
  log(`Making the demo recording (a simulated 2-hour shift of "${scene.id}", once; about half a minute)…`);
  let shown = -1;
  await makeDemoRecording(scene, file, {
    onProgress: (f) => {
      const pct = Math.floor(f * 10) * 10;
      if (pct !== shown) log(`  ${pct}%`);
      shown = pct;
    },
  });
  return file;
}
