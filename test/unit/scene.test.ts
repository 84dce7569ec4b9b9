import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScene, SceneError, type SceneIssue } from '../../protocol/scene.ts';
import { areaKinds } from '../../protocol/scene-schema.ts';
import { buildDemoPlant, demoPlantFile, demoPlantText } from '../../scripts/make-demo-plant.ts';
import { schemaFile, schemaText } from '../../scripts/write-schema.ts';

const docFile = new URL('../../docs/scene-format.md', import.meta.url);

function demoPlant() {
  return parseScene(JSON.parse(readFileSync(demoPlantFile, 'utf8')), demoPlantFile);
}

/** A small valid scene; every invalid-scene test breaks a fresh copy. */
function base(): any {
  const limits = () => [[-185, 185], [-80, 60], [-110, 70], [-200, 200], [-125, 125], [-350, 350]];
  return {
    specVersion: 1,
    id: 'unit',
    name: 'Unit test line',
    taktTime: 60,
    areas: [{ id: 'A', name: 'Body shop', kind: 'body', center: [0, 0], size: [40, 10] }],
    stations: [
      { id: 'S1', name: 'Underbody', area: 'A', kind: 'weld', position: [-10, 0, 0], footprint: [6, 4], cycleTime: 50, bufferCapacity: 2, mtbf: 3600, mttr: 120 },
      { id: 'S2', name: 'Framing', area: 'A', kind: 'framing', position: [0, 0, 0], footprint: [6, 4], cycleTime: 55, bufferCapacity: 1 },
      { id: 'S3', name: 'Metal finish', area: 'A', kind: 'inspection', position: [10, 0, 0], footprint: [6, 4], cycleTime: 45, bufferCapacity: 0 },
    ],
    robots: [
      { id: 'R1', station: 'S1', model: 'ir-210', base: { position: [-10, 0, -3], rotation: -90 }, jointLimits: limits(), home: [0, -20, -30, 0, -40, 0], tool: 'spot-weld' },
      { id: 'R2', station: 'S2', model: 'ir-210', base: { position: [0, 0, 3], rotation: 90 }, jointLimits: limits(), home: [0, -20, -30, 0, -40, 0], tool: 'gripper' },
    ],
    conveyors: [
      { id: 'C1', from: 'S1', to: 'S2', path: [[-10, 0.5, 0], [0, 0.5, 0]], speed: 0.5, capacity: 2 },
      { id: 'C2', from: 'S2', to: 'S3', path: [[0, 0.5, 0], [10, 0.5, 0]], speed: 0.5, capacity: 1 },
    ],
  };
}

/** The issues parseScene reports for `json`; fails the test when it does not throw a SceneError. */
function issuesOf(json: unknown): SceneIssue[] {
  try {
    parseScene(json, 'broken.json');
  } catch (e) {
    expect(e).toBeInstanceOf(SceneError);
    const err = e as SceneError;
    expect(err.file).toBe('broken.json');
    // The message names the file and every problem, each with its path.
    expect(err.message).toContain(`broken.json: ${err.issues.length} problem`);
    for (const i of err.issues) expect(err.message).toContain(`broken.json: ${i.path}: ${i.message}`);
    return err.issues;
  }
  throw new Error('expected parseScene to throw a SceneError');
}

/** Asserts the issues are exactly these paths, each message containing its fragment. */
function expectIssues(issues: SceneIssue[], expected: Array<[path: string, fragment: string | RegExp]>): void {
  expect(issues.map((i) => i.path)).toEqual(expected.map(([p]) => p));
  expected.forEach(([, fragment], k) => expect(issues[k].message).toMatch(fragment));
}

describe('demo plant', () => {
  it('[SCN1] the demo plant validates and has ≥40 stations over all five area kinds, ≥60 robots, exactly one paintsBody station', () => {
    const scene = demoPlant();
    expect(scene.specVersion).toBe(1);
    expect(scene.taktTime).toBe(60);
    expect(scene.stations.length).toBeGreaterThanOrEqual(40);
    expect(scene.robots.length).toBeGreaterThanOrEqual(60);
    const areaKind = new Map(scene.areas.map((a) => [a.id, a.kind]));
    expect(new Set(scene.stations.map((s) => areaKind.get(s.area)))).toEqual(new Set(areaKinds));
    // Area kinds in flow order: press, body, paint, assembly, eol, each one contiguous block.
    const order = scene.stations.map((s) => areaKind.get(s.area)).filter((k, i, all) => i === 0 || all[i - 1] !== k);
    expect(order).toEqual([...areaKinds]);
    const painters = scene.stations.filter((s) => s.paintsBody);
    expect(painters.map((s) => s.kind)).toEqual(['paint-booth']);
    expect(scene.mix.models.map((m) => [m.model, m.share])).toEqual([['sedan', 0.6], ['suv', 0.4]]);
    expect(scene.mix.colors.length).toBeGreaterThanOrEqual(6);
    expect(scene.cameras.map((c) => c.id)).toEqual(['overview', ...scene.areas.map((a) => a.id)]);
  });

  it('[SCN1] the demo plant is one serial flow from the first press to the last end-of-line station', () => {
    const scene = demoPlant();
    scene.stations.forEach((s, i) => expect(s.next).toBe(scene.stations[i + 1]?.id ?? null));
    expect(scene.stations[0].kind).toBe('press');
    expect(scene.stations[0].setup).toEqual({ every: 150, duration: 420 });
    for (const s of scene.stations) expect(s.cycleTime, s.id).toBeLessThan(scene.taktTime);
  });

  it('[SCN1] every name of the demo plant that the page shows also has its Chinese name', () => {
    const scene = demoPlant();
    const named = [scene, ...scene.areas, ...scene.stations, ...scene.cameras, ...scene.mix.colors];
    expect(named.filter((e) => !e.names?.['zh-CN']).map((e) => e.name)).toEqual([]);
    // Not a copy of the English one by mistake.
    expect(named.filter((e) => e.names?.['zh-CN'] === e.name).map((e) => e.name)).toEqual([]);
  });

  it('[SCN2] every consecutive pair of stations is joined by one conveyor along right angles from station to station', () => {
    const scene = demoPlant();
    const byId = new Map(scene.stations.map((s) => [s.id, s]));
    expect(scene.conveyors.length).toBe(scene.stations.length - 1);
    for (const s of scene.stations) {
      if (s.next === null) continue;
      const joining = scene.conveyors.filter((c) => c.from === s.id);
      expect(joining.map((c) => c.to), s.id).toEqual([s.next]);
      const c = joining[0];
      const to = byId.get(s.next)!;
      expect(c.capacity, c.id).toBeGreaterThanOrEqual(Math.max(1, s.bufferCapacity));
      expect(c.speed, c.id).toBeGreaterThanOrEqual(0.3);
      expect(c.speed, c.id).toBeLessThanOrEqual(1);
      const [first, last] = [c.path[0], c.path[c.path.length - 1]];
      expect([first[0], first[2]], c.id).toEqual([s.position[0], s.position[2]]);
      expect([last[0], last[2]], c.id).toEqual([to.position[0], to.position[2]]);
      for (let i = 1; i < c.path.length; i++) {
        const changed = [0, 1, 2].filter((k) => c.path[i][k] !== c.path[i - 1][k]);
        expect(changed.length, `${c.id} segment ${i}`).toBe(1);
      }
    }
  });

  it('[SCN2] robots stand 0.5–1.5 m outside their station footprint, face its centre, and the plant fits in 260 m × 160 m', () => {
    const scene = demoPlant();
    const byId = new Map(scene.stations.map((s) => [s.id, s]));
    for (const r of scene.robots) {
      const s = byId.get(r.station)!;
      // Into the station's frame: local x = world · (cos θ, -sin θ), local z = world · (sin θ, cos θ).
      const t = (s.rotation * Math.PI) / 180;
      const dx = r.base.position[0] - s.position[0];
      const dz = r.base.position[2] - s.position[2];
      const lx = dx * Math.cos(t) - dz * Math.sin(t);
      const lz = dx * Math.sin(t) + dz * Math.cos(t);
      const outside = Math.max(Math.abs(lx) - s.footprint[0] / 2, Math.abs(lz) - s.footprint[1] / 2);
      expect(outside, r.id).toBeGreaterThanOrEqual(0.5 - 1e-9);
      expect(outside, r.id).toBeLessThanOrEqual(1.5 + 1e-9);
      // Local +X of the base, (cos θ, -sin θ), points at the station centre.
      const yaw = (r.base.rotation * Math.PI) / 180;
      const len = Math.hypot(dx, dz);
      expect(Math.cos(yaw) * -dx + -Math.sin(yaw) * -dz, r.id).toBeCloseTo(len, 1);
    }
    const xs = scene.areas.flatMap((a) => [a.center[0] - a.size[0] / 2, a.center[0] + a.size[0] / 2]);
    const zs = scene.areas.flatMap((a) => [a.center[1] - a.size[1] / 2, a.center[1] + a.size[1] / 2]);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThanOrEqual(260);
    expect(Math.max(...zs) - Math.min(...zs)).toBeLessThanOrEqual(160);
  });

  it('[SCN3] scenes/scene.schema.json is up to date with protocol/scene-schema.ts', () => {
    const committed = readFileSync(schemaFile, 'utf8');
    expect(committed === schemaText(), 'scenes/scene.schema.json is stale: run npm run schema').toBe(true);
  });

  it('[SCN4] the demo plant generator is deterministic and the committed scene is its output', () => {
    const once = demoPlantText();
    expect(demoPlantText()).toBe(once);
    expect(JSON.parse(once)).toEqual(buildDemoPlant());
    expect(Object.keys(JSON.parse(once))[0]).toBe('$schema');
    expect(once.endsWith('}\n')).toBe(true);
    const committed = readFileSync(demoPlantFile, 'utf8');
    expect(committed === once, 'scenes/demo-plant/scene.json differs from scripts/make-demo-plant.ts: run npm run scene:demo').toBe(true);
  });
});

describe('invalid scenes', () => {
  it('[SCN5] the base scene of these tests is valid', () => {
    expect(parseScene(base(), 'base.json').stations.map((s) => s.next)).toEqual(['S2', 'S3', null]);
  });

  it('[SCN5] a wrong type names its JSON path and the expected type', () => {
    const s = base();
    s.stations[0].cycleTime = 'fast';
    s.robots[1].tool = 'laser';
    s.conveyors[0].capacity = 1.5;
    expectIssues(issuesOf(s), [
      ['$.stations[0].cycleTime', /expected number, received string/],
      ['$.robots[1].tool', /expected one of .*"spot-weld"/],
      ['$.conveyors[0].capacity', /expected int/],
    ]);
  });

  it('[SCN5] missing required fields are each reported', () => {
    const s = base();
    delete s.taktTime;
    delete s.stations[1].name;
    delete s.robots[0].home;
    expectIssues(issuesOf(s), [
      ['$.taktTime', /expected number, received undefined/],
      ['$.stations[1].name', /expected string, received undefined/],
      ['$.robots[0].home', /expected tuple, received undefined/],
    ]);
  });

  it('[SCN5] unknown keys and an unknown specVersion are rejected', () => {
    const s = base();
    s.specVersion = 2;
    s.stations[2].cycletime = 40;
    expectIssues(issuesOf(s), [
      ['$.specVersion', /expected specVersion 1/],
      ['$.stations[2]', /Unrecognized key: "cycletime"/],
    ]);
  });

  it('[SCN10] names in other languages: optional, checked, and an unknown language is named with its path', () => {
    const s = base();
    s.names = { 'zh-CN': '测试工厂' };
    s.stations[0].names = { 'zh-CN': '主拼' };
    s.stations[1].names = {};
    expect(parseScene(s, 'base.json').stations[0].names).toEqual({ 'zh-CN': '主拼' });
    s.stations[1].names = { fr: 'Soudure' };
    s.areas[0].names = { 'zh-CN': '' };
    s.cameras = [{ id: 'c', name: 'Overview', names: 'Vue', position: [0, 1, 0], target: [0, 0, 0] }];
    expectIssues(issuesOf(s), [
      ['$.areas[0].names["zh-CN"]', /expected string to have >=1 characters/],
      ['$.stations[1].names', /Unrecognized key: "fr"/],
      ['$.cameras[0].names', /expected object, received string/],
    ]);
  });

  it('[SCN6] unknown references in robot.station, conveyor.from and station.next', () => {
    const s = base();
    s.robots[0].station = 'BW-99';
    s.conveyors[1].from = 'S9';
    s.stations[0].next = 'S7';
    s.stations[0].area = 'paint';
    expectIssues(issuesOf(s), [
      ['$.stations[0].area', 'expected the id of an area, got "paint"'],
      ['$.stations[0].next', 'expected the id of a station, got "S7"'],
      ['$.robots[0].station', 'expected the id of a station, got "BW-99"'],
      ['$.conveyors[0].to', 'expected "S7", the station downstream of "S1", got "S2"'],
      ['$.conveyors[1].from', 'expected the id of a station, got "S9"'],
    ]);
  });

  it('[SCN6] duplicate ids point at the second use and the first', () => {
    const s = base();
    s.stations[2].id = 'S1';
    s.robots[1].id = 'R1';
    const issues = issuesOf(s);
    expect(issues).toContainEqual({ path: '$.stations[2].id', message: 'duplicate id "S1" (first used at $.stations[0])' });
    expect(issues).toContainEqual({ path: '$.robots[1].id', message: 'duplicate id "R1" (first used at $.robots[0])' });
  });

  it('[SCN6] a home pose outside the joint limits, and limits with min ≥ max', () => {
    const s = base();
    s.robots[0].home = [0, -95, -30, 0, -40, 0];
    s.robots[1].jointLimits[4] = [125, -125];
    expectIssues(issuesOf(s), [
      ['$.robots[0].home[1]', 'expected a value within the joint limits [-80, 60], got -95'],
      ['$.robots[1].jointLimits[4]', 'expected min < max, got [125, -125]'],
      ['$.robots[1].home[4]', 'expected a value within the joint limits [125, -125], got -40'],
    ]);
  });

  it('[SCN7] a flow that loops back is rejected', () => {
    const s = base();
    s.stations[2].next = 'S1';
    s.conveyors.push({ id: 'C3', from: 'S3', to: 'S1', path: [[10, 0.5, 0], [-10, 0.5, 0]], speed: 0.5, capacity: 1 });
    // Reported where the loop is closed: S3's next.
    expectIssues(issuesOf(s), [['$.stations[2].next', '"S3" feeds "S1", which is upstream of it: the flow loops; a line must end']]);
  });

  it('[SCN7] a station cannot feed itself, nor be fed by two stations', () => {
    const s = base();
    s.stations[2].next = 'S3';
    const self = issuesOf(s);
    expect(self).toContainEqual({ path: '$.stations[2].next', message: 'a station cannot feed itself' });
    expect(new Set(self.map((i) => i.path))).toEqual(new Set(['$.stations[2].next']));
    const t = base();
    t.stations[0].next = 'S3';
    t.conveyors = [];
    expectIssues(issuesOf(t), [['$.stations[1].next', 'station "S3" is already fed by "S1"; a station has at most one upstream station']]);
  });

  it('[SCN7] a conveyor whose `to` is not the downstream station of its `from`', () => {
    const s = base();
    s.conveyors[0].to = 'S3';
    expectIssues(issuesOf(s), [['$.conveyors[0].to', 'expected "S2", the station downstream of "S1", got "S3"']]);
  });

  it('[SCN7] mtbf without mttr (and mttr without mtbf)', () => {
    const s = base();
    delete s.stations[0].mttr;
    s.stations[2].mttr = 300;
    expectIssues(issuesOf(s), [
      ['$.stations[0]', 'expected mtbf and mttr together (both or neither)'],
      ['$.stations[2]', 'expected mtbf and mttr together (both or neither)'],
    ]);
  });

  it('[SCN8] two errors in one file are both reported, in the message as well as in issues', () => {
    const s = base();
    s.robots[1].station = 'S9';
    s.conveyors[1].to = 'S1';
    const issues = issuesOf(s);
    expectIssues(issues, [
      ['$.robots[1].station', 'expected the id of a station, got "S9"'],
      ['$.conveyors[1].to', 'expected "S3", the station downstream of "S2", got "S1"'],
    ]);
    let message = '';
    try {
      parseScene(s, 'scenes/my-plant/scene.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'scenes/my-plant/scene.json: 2 problems',
      '  scenes/my-plant/scene.json: $.robots[1].station: expected the id of a station, got "S9"',
      '  scenes/my-plant/scene.json: $.conveyors[1].to: expected "S3", the station downstream of "S2", got "S1"',
    ]);
  });
});

describe('docs/scene-format.md', () => {
  it('[SCN9] the minimal example scene in the docs validates', () => {
    const md = readFileSync(docFile, 'utf8');
    const m = /<!-- example: minimal-scene -->\s*```json\n([\s\S]*?)\n```/.exec(md);
    expect(m, 'docs/scene-format.md has no ```json block after <!-- example: minimal-scene -->').not.toBeNull();
    const scene = parseScene(JSON.parse(m![1]), 'docs/scene-format.md');
    expect(scene.stations.map((s) => s.next)).toEqual(['S2', 'S3', null]);
    expect(scene.stations.filter((s) => s.paintsBody).map((s) => s.id)).toEqual(['S2']);
    expect(scene.robots.length).toBeGreaterThan(0);
    expect(scene.conveyors.length).toBe(2);
  });
});
