import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHub } from '../../server/hub/twin-hub.ts';
import { startRecorder } from '../../server/recording/recorder.ts';
import { readRecording, RecordingError } from '../../server/recording/reader.ts';
import { createReplaySource } from '../../server/sources/replay/index.ts';
import { LineSimulation } from '../../server/sources/simulator/line-simulation.ts';
import type { Change } from '../../protocol/changes.ts';
import type { StateSnapshot } from '../../protocol/state.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';

const scene = tinyScene();
const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-rec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_800_000_000_000;

/** Records `minutes` of the simulated tiny line; returns the truth at every tick. */
async function record(file: string, minutes: number, keyframeIntervalMs = 20_000) {
  const hub = createHub({ scene, epoch: 'e' });
  const sim = new LineSimulation(scene, { seed: 3, startTime: T0 });
  for (const c of sim.fullState()) hub.sink.apply(c);
  hub.tick();
  const rec = startRecorder(hub, file, { source: 'simulator', keyframeIntervalMs, flushMs: 50 });
  const truth: Array<[number, StateSnapshot]> = [[hub.time, hub.snapshot()]];
  for (let t = 500; t <= minutes * 60_000; t += 500) {
    sim.runUntil(T0 + t, (c) => hub.sink.apply(c));
    hub.sink.time?.(T0 + t);
    hub.tick();
    truth.push([hub.time, hub.snapshot()]);
  }
  await rec.stop();
  return { truth, rec };
}

function same(a: StateSnapshot, b: StateSnapshot) {
  // Times are recorded to the millisecond.
  const ms = <T extends { ts: number }>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { ...v, ts: Math.round(v.ts) }]));
  expect(ms(a.stations)).toEqual(ms(b.stations));
  expect(ms(a.bodies)).toEqual(ms(b.bodies));
  for (const [id, r] of Object.entries(b.robots)) {
    expect(a.robots[id].state).toBe(r.state);
    expect(a.robots[id].tool).toBe(r.tool);
    r.joints.forEach((j, k) => expect(Math.abs(a.robots[id].joints[k] - j)).toBeLessThanOrEqual(6e-5));
  }
}

describe('recording', () => {
  for (const name of ['shift.jsonl', 'shift.jsonl.gz']) {
    it(`[REC1] a recording read back seeks to the recorded state at any time (${name})`, async () => {
      const file = path.join(dir, name);
      const { truth } = await record(file, 10);
      if (name.endsWith('.gz')) expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      const loaded = await readRecording(file, scene);
      expect(loaded.warnings).toEqual([]);
      expect(loaded.header).toMatchObject({ format: 'linetwin-recording', version: 1, scene: 'tiny', source: 'simulator' });
      for (const i of [0, 1, 37, 600, truth.length - 1]) {
        const [t, want] = truth[i];
        same(loaded.history.stateAt(t).hub.snapshot(), want);
      }
    });
  }

  it('[REC2] a gzip recording cut off mid-write reads up to its last flushed line', async () => {
    const file = path.join(dir, 'crash.jsonl.gz');
    await record(file, 3);
    const bytes = readFileSync(file);
    const cut = path.join(dir, 'crash-cut.jsonl.gz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const loaded = await readRecording(cut, scene);
    expect(loaded.stats.changeLines).toBeGreaterThan(50);
    expect(loaded.history.to).toBeGreaterThan(T0);
    expect(loaded.warnings.join('\n')).toMatch(/incomplete|cut off/);
  });

  it('[REC3] torn, malformed and out-of-order lines are warned about with their line number and skipped', async () => {
    const file = path.join(dir, 'messy.jsonl');
    await record(file, 1);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const t = JSON.parse(lines[10]).t;
    lines.splice(5, 0, '{"type":"changes","t":');
    lines.splice(8, 0, JSON.stringify({ type: 'changes', t: t - 100_000, rev: 1, changes: [] }));
    lines.splice(12, 0, JSON.stringify({ type: 'changes', t, rev: 1, changes: [{ type: 'station', id: 'S1', state: 'exploded', ts: t }] }));
    writeFileSync(file, lines.join('\n') + '\n{"type":"chan');
    const loaded = await readRecording(file, scene);
    const w = loaded.warnings.join('\n');
    expect(w).toContain('line 6: not valid JSON; line skipped');
    expect(w).toMatch(/line 9: time .* is earlier than the line before/);
    expect(w).toMatch(/line 13: changes\.0\.state: .*line skipped/);
    expect(w).toMatch(/line \d+: the last line is incomplete/);
    expect(loaded.stats.skipped).toBe(3);
  });

  it('[REC4] an empty file, a non-recording and a recording of another scene are errors that say why', async () => {
    const empty = path.join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    await expect(readRecording(empty, scene)).rejects.toThrow(/the file is empty/);
    const csvish = path.join(dir, 'not.jsonl');
    writeFileSync(csvish, 'timestamp,station,state\n');
    await expect(readRecording(csvish, scene)).rejects.toThrow(/not a linetwin recording/);
    const other = path.join(dir, 'other.jsonl');
    writeFileSync(other, JSON.stringify({ format: 'linetwin-recording', version: 1, scene: 'paint-plant', start: 0, source: 'x' }) + '\n');
    await expect(readRecording(other, scene)).rejects.toThrow(/recording of scene "paint-plant".*pass --scene paint-plant/);
    const wrongVersion = path.join(dir, 'v9.jsonl');
    writeFileSync(wrongVersion, JSON.stringify({ format: 'linetwin-recording', version: 9, scene: 'tiny', start: 0, source: 'x' }) + '\n');
    await expect(readRecording(wrongVersion, scene)).rejects.toBeInstanceOf(RecordingError);
    const unknownIds = path.join(dir, 'ids.jsonl');
    await record(unknownIds, 1);
    appendFileSync(unknownIds, JSON.stringify({ type: 'changes', t: T0 + 61_000, rev: 999, changes: [{ type: 'station', id: 'NOPE', state: 'down', ts: T0 + 61_000 }] }) + '\n');
    const loaded = await readRecording(unknownIds, scene);
    expect(loaded.warnings.join('\n')).toMatch(/1 change rejected \(unknown-id: no station "NOPE"/);
  });

  it('[REC5] two replays of one file give the same event stream; a replay seek lands on the recorded state', async () => {
    const file = path.join(dir, 'replay.jsonl.gz');
    const { truth } = await record(file, 5);
    const hashOf = async () => {
      const { history } = await readRecording(file, scene);
      const hash = createHash('sha256');
      let count = 0;
      const src = createReplaySource(history, { speed: 7, loop: false, manual: true });
      src.start({ apply: (c: Change) => { count++; hash.update(JSON.stringify(c)); } });
      for (let i = 0; i < 200 && src.playing; i++) src.advance(337);
      return { hash: hash.digest('hex'), count, end: src.time };
    };
    const first = await hashOf();
    expect(first.count).toBeGreaterThan(300);
    expect(first.end).toBe(truth.at(-1)![0]);
    expect(await hashOf()).toEqual(first);

    const { history } = await readRecording(file, scene);
    const hub = createHub({ scene });
    const src = createReplaySource(history, { loop: true, manual: true });
    src.start(hub.sink);
    const [t, want] = truth[400];
    src.seek(t);
    hub.tick();
    same(hub.snapshot(), want);
    // Play to the end: it loops to the start, and bodies that were not there at the start are gone.
    src.play(120);
    for (let i = 0; i < 100; i++) src.advance(1000);
    hub.tick();
    // It looped: the cursor is back near the start and the hub holds the recorded state there.
    expect(src.time).toBeLessThan(truth[0][0] + 60_000);
    let atCursor = truth[0][1];
    for (const [tt, snap] of truth) if (tt <= src.time) atCursor = snap;
    same(hub.snapshot(), atCursor);
  });

  it('[REC12] a recording that cannot be written is reported once, with the reason, and the hub goes on', async () => {
    const hub = createHub({ scene, epoch: 'e' });
    const sim = new LineSimulation(scene, { seed: 4, startTime: T0 });
    for (const c of sim.fullState()) hub.sink.apply(c);
    hub.tick();
    const errors: Error[] = [];
    const file = path.join(dir, 'no-such-dir', 'x.jsonl');
    const rec = startRecorder(hub, file, { source: 'simulator', flushMs: 20, onError: (e) => errors.push(e) });
    for (let t = 500; t <= 30_000; t += 500) {
      sim.runUntil(T0 + t, (c) => hub.sink.apply(c));
      hub.sink.time?.(T0 + t);
      hub.tick();
      await new Promise((r) => setTimeout(r, 2));
    }
    await rec.stop();
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/ENOENT/);
    expect(errors[0].message).toContain('x.jsonl');
    expect(hub.time).toBe(T0 + 30_000);
    // The next recording on the same thread works.
    const ok = path.join(dir, 'after-error.jsonl');
    const again = startRecorder(hub, ok, { source: 'simulator' });
    hub.sink.time?.(T0 + 31_000);
    await again.stop();
    expect(readFileSync(ok, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });
});
