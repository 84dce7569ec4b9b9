/**
 * The recorder's byte writer (server/recording/changes-line.ts) against the plain reading of the
 * recording format: the same commit written with JSON text and template strings must give the very
 * same bytes, and every number must read back as the value it stands for.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteSink, writeChangesLine } from '../../server/recording/changes-line.ts';
import { createHub, type CommitInfo, type Hub } from '../../server/hub/twin-hub.ts';
import { LineSimulation } from '../../server/sources/simulator/line-simulation.ts';
import { LocationKind } from '../../protocol/codec.ts';
import { JOINT_COUNT, bodyModels, qualities, robotStates, stationStates } from '../../protocol/state.ts';
import { loadSceneFile } from '../../server/scene-loader.ts';
import { FrameMirror } from '../../server/recording/frame-mirror.ts';
import { startRecorder } from '../../server/recording/recorder.ts';
import { defaultThreadCount } from '../../server/recording/record-thread.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * A float32 (a conveyor progress) the obvious way: the fewest decimals, up to nine, that read back as the
 * same float32, else as JSON prints the number.
 */
function float32Text(x: number): string {
  if (x > 0 && x < 1) {
    for (let k = 1; k <= 9; k++) {
      const text = x.toFixed(k);
      if (Math.fround(Number(text)) === x) return text;
    }
  }
  return String(x);
}

/** The format written the obvious way (how the recorder did it before it wrote bytes). */
function referenceLine(hub: Hub, c: CommitInfo): string {
  const { stations, robots, bodies } = hub.tables;
  const { stationIds, robotIds, conveyorIds } = hub.index;
  const quality = (code: number) => (code === 0 ? '' : `,"quality":"${qualities[code]}"`);
  const angle = (x: number) => (Math.round(x * 1e4) / 1e4).toFixed(4);
  const parts: string[] = [];
  for (const r of c.removed) parts.push(`{"type":"body-remove","id":${JSON.stringify(r.id)},"ts":${Math.round(r.ts)}}`);
  for (const s of c.bodies) {
    const kind = bodies.locKind[s];
    const loc =
      kind === LocationKind.station ? `{"kind":"station","station":${JSON.stringify(stationIds[bodies.locIndex[s]])}}`
      : kind === LocationKind.conveyor ? `{"kind":"conveyor","conveyor":${JSON.stringify(conveyorIds[bodies.locIndex[s]])},"progress":${float32Text(bodies.progress[s])}}`
      : '{"kind":"none"}';
    const color = bodies.colors[s];
    parts.push(`{"type":"body","id":${JSON.stringify(bodies.ids[s])},"model":"${bodyModels[bodies.model[s]]}","color":${color === null ? 'null' : JSON.stringify(color)},"location":${loc},"ts":${Math.round(bodies.ts[s])}${quality(bodies.quality[s])}}`);
  }
  for (const i of c.stations) {
    const job = stations.job[i];
    const jobId = job >= 0 ? bodies.ids[job] : null;
    parts.push(`{"type":"station","id":${JSON.stringify(stationIds[i])},"state":"${stationStates[stations.state[i]]}","ts":${Math.round(stations.ts[i])},"job":${jobId == null ? 'null' : JSON.stringify(jobId)}${quality(stations.quality[i])}}`);
  }
  for (const i of c.robots) {
    const joints = Array.from({ length: JOINT_COUNT }, (_, k) => angle(robots.joint(i, k))).join(',');
    parts.push(`{"type":"robot","id":${JSON.stringify(robotIds[i])},"state":"${robotStates[robots.state(i)]}","joints":[${joints}],"tool":${robots.tool(i) === 1},"ts":${Math.round(robots.ts(i))}${quality(robots.quality(i))}}`);
  }
  return `{"type":"changes","t":${c.time},"rev":${c.revision},"changes":[${parts.join(',')}]}\n`;
}

/** The demo plant on the simulator (after `warmupMs` unrecorded, so the line is full), one tick every 200 ms from `run`. */
function demoPlant(seed: number, warmupMs = 0) {
  const scene = loadSceneFile(new URL('../../scenes/demo-plant/scene.json', import.meta.url).pathname);
  const T0 = Date.UTC(2026, 10, 24, 6);
  const hub = createHub({ scene, tickMs: 1 << 30 });
  const sim = new LineSimulation(scene, { seed, startTime: T0 - warmupMs });
  sim.runUntil(T0, () => undefined, { sample: false });
  for (const c of sim.fullState()) hub.sink.apply(c);
  hub.sink.time?.(T0);
  hub.tick();
  let now = T0;
  const run = (ms: number) => {
    for (const end = now + ms; now < end; ) {
      now += 200;
      sim.runUntil(now, (c) => hub.sink.apply(c), { sample: true });
      hub.sink.time?.(now);
      hub.tick();
    }
  };
  return { hub, run };
}

describe('recording line writer', () => {
  it('[REC8] twenty minutes of the simulated demo plant: every commit written byte for byte as the plain reading, and valid JSON', () => {
    const scene = loadSceneFile(new URL('../../scenes/demo-plant/scene.json', import.meta.url).pathname);
    const T0 = Date.UTC(2026, 10, 24, 6);
    const hub = createHub({ scene, tickMs: 1 << 30 });
    const sim = new LineSimulation(scene, { seed: 5, startTime: T0 });
    for (const c of sim.fullState()) hub.sink.apply(c);
    hub.sink.time?.(T0);
    hub.tick();
    const out = new ByteSink(1024);
    let commits = 0;
    let robots = 0;
    let bodies = 0;
    hub.onCommit((c) => {
      writeChangesLine(out, hub, c);
      const got = out.take().toString('utf8');
      expect(got).toBe(referenceLine(hub, c));
      JSON.parse(got);
      commits++;
      robots += c.robots.length;
      bodies += c.bodies.length;
    });
    for (let t = T0 + 200; t <= T0 + 1200_000; t += 200) {
      sim.runUntil(t, (c) => hub.sink.apply(c), { sample: true });
      hub.sink.time?.(t);
      hub.tick();
    }
    expect(commits).toBeGreaterThan(1000);
    expect(robots).toBeGreaterThan(5000);
    expect(bodies).toBeGreaterThan(300);
  });

  it('[REC10] the recording thread\'s copy of the state, fed the hub\'s frames, writes every line the hub would', () => {
    const { hub, run } = demoPlant(7, 4 * 3_600_000);
    const mirror = new FrameMirror(hub.index);
    expect(mirror.read(hub.snapshotFrame())).toBeNull();
    const expected: string[] = [];
    const fromHub = new ByteSink(1024);
    const fromMirror = new ByteSink(1024);
    // The bodies each commit lists as new or moved to another place: the mirror must find the same ones.
    const placedByHub: number[][] = [];
    let placedSeen = 0;
    hub.onCommit((c) => {
      writeChangesLine(fromHub, hub, c);
      expected.push(fromHub.take().toString('utf8'));
      placedByHub.push([...c.placed]);
    });
    let lines = 0;
    let removed = 0;
    hub.onTick((frame) => {
      const c = mirror.read(frame);
      expect(c).not.toBeNull();
      removed += c!.removed.length;
      const placed = placedByHub.shift();
      expect([...c!.placed]).toEqual(placed);
      placedSeen += placed!.length;
      writeChangesLine(fromMirror, mirror, c!);
      expect(fromMirror.take().toString('utf8')).toBe(expected.shift());
      lines++;
    });
    run(1_800_000);
    expect(expected).toEqual([]);
    expect(lines).toBeGreaterThan(1000);
    // Bodies left the line and their slots were reused: the mirror followed.
    expect(removed).toBeGreaterThan(5);
    expect(placedSeen).toBeGreaterThan(50);
  });

  it('[REC11] a recorder writes, through one or two threads, the header, keyframes and exactly the lines of the hub\'s commits', async () => {
    const { hub, run } = demoPlant(9);
    const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-rec11-'));
    try {
      const expected: string[] = [];
      const sink = new ByteSink(1024);
      hub.onCommit((c) => {
        writeChangesLine(sink, hub, c);
        expected.push(sink.take().toString('utf8').trimEnd());
      });
      // Two threads take turns with the batches, and their lines come back in any order.
      for (const [file, threads] of [['r.jsonl', 1], ['r.jsonl.gz', 1], ['r2.jsonl', 2], ['r2.jsonl.gz', 2]] as const) {
        expected.length = 0;
        const rec = startRecorder(hub, path.join(dir, file), { source: 'simulator', keyframeIntervalMs: 60_000, flushMs: 100, threads });
        run(600_000);
        await rec.stop();
        const raw = readFileSync(path.join(dir, file));
        const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
        const lines = text.trimEnd().split('\n');
        expect(rec.bytes).toBe(Buffer.byteLength(text));
        expect(rec.lines).toBe(lines.length);
        expect(JSON.parse(lines[0])).toMatchObject({ format: 'linetwin-recording', scene: 'demo-plant' });
        const kinds = lines.slice(1).map((l) => (JSON.parse(l) as { type: string }).type);
        expect(kinds.filter((k) => k === 'keyframe').length).toBeGreaterThanOrEqual(10);
        expect(lines.slice(1).filter((l) => l.startsWith('{"type":"changes"'))).toEqual(expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('[REC9] integers and angles are written as JSON would read them back', () => {
    const ints = fc.oneof(
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.maxSafeInteger(),
      fc.maxSafeNat(),
      // Epoch-ms times around now, many sharing their leading digits.
      fc.integer({ min: 0, max: 5_000_000 }).map((x) => 1_800_000_000_000 + x),
      fc.constantFrom(0, 9, 10, 999_999, 1_000_000, 1_000_001, 1_700_000_000_000, 999_999_999_999_999, 1e15, -1),
    );
    fc.assert(
      fc.property(fc.array(ints, { minLength: 1, maxLength: 20 }), (list) => {
        const s = new ByteSink(4);
        list.forEach((n, i) => {
          if (i > 0) s.byte(0x2c);
          s.int(n);
        });
        expect(s.take().toString()).toBe(list.join(','));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -12, max: 12, noNaN: true }), fc.constantFrom(0, -0, 9.99995, -9.99995, 10, -0.00004, 3.14159265)), (x) => {
        const s = new ByteSink(4);
        s.fixed4(x);
        expect(s.take().toString()).toBe((Math.round(x * 1e4) / 1e4).toFixed(4).replace(/^-(0\.0000)$/, '$1'));
      }),
      { numRuns: 5000 },
    );
  });

  it('[REC14] a conveyor progress is written in the fewest decimals that read back as the very float32', () => {
    const f32 = fc.oneof(
      fc.float({ min: 0, max: 1, noNaN: true }),
      // What a simulation makes: a fraction of a travel time, widened from the Float32Array it was stored in.
      fc.tuple(fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 1, max: 600_000 })).map(([a, b]) => Math.fround(Math.min(a, b) / b)),
      fc.constantFrom(0, -0, 1, 0.5, 0.95, 2 ** -10, 2 ** -24, 2 ** -149, 0.1, 1 - 2 ** -24).map(Math.fround),
    );
    fc.assert(
      fc.property(f32, (x) => {
        const s = new ByteSink(4);
        s.float32(x);
        const text = s.take().toString();
        expect(Math.fround(JSON.parse(text) as number)).toBe(x === 0 ? 0 : x);
        expect(text.length).toBeLessThanOrEqual(float32Text(x).length);
      }),
      { numRuns: 20000 },
    );
    const s = new ByteSink(4);
    for (const x of [0.95, 0.5, 1, 0, 0.125]) {
      s.float32(Math.fround(x));
      s.byte(0x2c);
    }
    expect(s.take().toString()).toBe('0.95,0.5,1,0,0.125,');
  });

  it('[REC15] one recording thread per core the hub leaves free, one at least and two at most', () => {
    expect([1, 2, 3, 4, 16].map((cores) => defaultThreadCount(cores))).toEqual([1, 1, 2, 2, 2]);
  });
});
