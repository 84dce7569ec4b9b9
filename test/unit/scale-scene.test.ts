import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScene } from '../../protocol/scene.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { LineSimulation } from '../../server/sources/simulator/line-simulation.ts';
import { buildDemoPlant, formatJson } from '../../scripts/make-demo-plant.ts';
import { scaleScene, writeScaledDemo } from '../../scripts/generate-scene.ts';

const demo = parseScene(buildDemoPlant());

describe('scaleScene', () => {
  it.each([1, 5, 10, 25])('[SC1] scale %i is a valid scene with every count multiplied', (k) => {
    const scene = parseScene(scaleScene(buildDemoPlant(), k), `x${k}`);
    expect(scene.id).toBe(`demo-plant-x${k}`);
    expect(scene.areas.length).toBe(demo.areas.length * k);
    expect(scene.stations.length).toBe(demo.stations.length * k);
    expect(scene.robots.length).toBe(demo.robots.length * k);
    expect(scene.conveyors.length).toBe(demo.conveyors.length * k);
  });

  it('[SC2] ids are unique within each entity kind, and each copy is its own serial line', () => {
    const k = 10;
    const scene = parseScene(scaleScene(buildDemoPlant(), k));
    expect(new Set(scene.stations.map((s) => s.id)).size).toBe(scene.stations.length);
    expect(new Set(scene.robots.map((s) => s.id)).size).toBe(scene.robots.length);
    expect(new Set(scene.conveyors.map((s) => s.id)).size).toBe(scene.conveyors.length);
    expect(new Set(scene.areas.map((s) => s.id)).size).toBe(scene.areas.length);
    expect(new Set(scene.cameras.map((s) => s.id)).size).toBe(scene.cameras.length);
    // k lines: k line ends, k line heads, and every station follows the one before it within its copy.
    expect(scene.stations.filter((s) => s.next === null).length).toBe(k);
    const fed = new Set(scene.stations.map((s) => s.next).filter((n) => n !== null));
    expect(scene.stations.filter((s) => !fed.has(s.id)).length).toBe(k);
    for (const s of scene.stations) if (s.next !== null) expect(s.next.slice(-4)).toBe(s.id.slice(-4));
    // Robots and conveyors stay with their own copy's stations.
    for (const r of scene.robots) expect(r.station.slice(-4)).toBe(r.id.slice(-4));
  });

  it('[SC7] each copy\'s names say which line it is, in English and in Chinese', () => {
    const one = parseScene(scaleScene(buildDemoPlant(), 1));
    expect(one.stations[0].names).toEqual(demo.stations[0].names);
    const scene = parseScene(scaleScene(buildDemoPlant(), 3));
    const firsts = scene.stations.filter((s) => s.id.startsWith('PR-010-'));
    expect(firsts.map((s) => s.name)).toEqual([1, 2, 3].map((n) => `${demo.stations[0].name} (line ${n})`));
    expect(firsts.map((s) => s.names?.['zh-CN'])).toEqual([1, 2, 3].map((n) => `${demo.stations[0].names!['zh-CN']}（${n} 线）`));
    expect(scene.areas.every((a) => /（\d 线）$/.test(a.names?.['zh-CN'] ?? ''))).toBe(true);
    expect(scene.cameras[0].names?.['zh-CN']).toBe('全厂区（3 条线）');
    expect(scene.names?.['zh-CN']).toBe(`${demo.names!['zh-CN']} ×3（3 条独立产线）`);
  });

  it('[SC3] copies do not overlap: every copy keeps the demo layout, shifted', () => {
    const scene = parseScene(scaleScene(buildDemoPlant(), 4));
    const rect = (a: { center: [number, number]; size: [number, number] }) => [a.center[0] - a.size[0] / 2, a.center[1] - a.size[1] / 2, a.center[0] + a.size[0] / 2, a.center[1] + a.size[1] / 2];
    const areas = scene.areas.map(rect);
    for (let i = 0; i < areas.length; i++)
      for (let j = i + 1; j < areas.length; j++) {
        const [a, b] = [areas[i], areas[j]];
        const overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
        expect(overlap, `${scene.areas[i].id} overlaps ${scene.areas[j].id}`).toBe(false);
      }
    // Station kinds, cycle times and robots per station are the demo's, copy after copy.
    const n = demo.stations.length;
    scene.stations.forEach((s, i) => {
      const d = demo.stations[i % n];
      expect([s.kind, s.cycleTime, s.bufferCapacity, s.mtbf]).toEqual([d.kind, d.cycleTime, d.bufferCapacity, d.mtbf]);
    });
  });

  it('[SC4] deterministic: the same scale gives the same bytes', () => {
    expect(formatJson(scaleScene(buildDemoPlant(), 7))).toBe(formatJson(scaleScene(buildDemoPlant(), 7)));
    const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-scale-'));
    try {
      const a = writeScaledDemo(3, path.join(dir, 'a', 'scene.json'));
      const b = writeScaledDemo(3, path.join(dir, 'b', 'scene.json'));
      expect(readFileSync(a.file, 'utf8')).toBe(readFileSync(b.file, 'utf8'));
      expect(a).toMatchObject({ stations: demo.stations.length * 3, robots: demo.robots.length * 3 });
      // The written file loads on its own, $schema hint included.
      parseScene(JSON.parse(readFileSync(a.file, 'utf8')), a.file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('[SC5] rejects a scale that is not a positive integer', () => {
    for (const k of [0, -1, 1.5, Number.NaN, 10_000]) expect(() => scaleScene(buildDemoPlant(), k)).toThrow(/scale must be an integer/);
  });

  it('[SC6] the simulator runs every copy: all lines ship bodies and the hub accepts every change', () => {
    const k = 3;
    const scene = parseScene(scaleScene(buildDemoPlant(), k));
    const sim = new LineSimulation(scene, { seed: 1, startTime: 0, sampleHz: 1 });
    const hub = createHub({ scene, tickMs: 1 << 30 });
    sim.runUntil(2 * 3600_000, () => undefined, { sample: false });
    for (const c of sim.fullState()) hub.sink.apply(c);
    sim.runUntil(sim.now + 60_000, (c) => hub.sink.apply(c));
    hub.tick();
    expect(hub.stats.changesRejected).toBe(0);
    const state = hub.snapshot();
    const busy = new Set(Object.entries(state.stations).filter(([, s]) => s.job !== null).map(([id]) => id.slice(-3)));
    expect(busy).toEqual(new Set(['L01', 'L02', 'L03']));
  });
});
