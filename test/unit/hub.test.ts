import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHub } from '../../server/hub/twin-hub.ts';
import { FeedGroup, sendToEach, type FrameKind } from '../../server/hub/client-feed.ts';
import { SnapshotBuilder } from '../../protocol/frame-to-snapshot.ts';
import { readHeader, FrameError, FrameType, FrameWriter } from '../../protocol/codec.ts';
import { FrameChangeReader } from '../../protocol/frame-changes.ts';
import { LineSimulation } from '../../server/sources/simulator/line-simulation.ts';
import { BodyMoveBatch, bodyMoveChangeOf, RobotSampleBatch, type Change } from '../../protocol/changes.ts';
import { parseScene } from '../../protocol/scene.ts';
import { buildDemoPlant } from '../../scripts/make-demo-plant.ts';
import { bodyModels, qualities, stationStates, robotStates, type BodyLocation } from '../../protocol/state.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { FrameMirror } from '../../server/recording/frame-mirror.ts';

const scene = tinyScene();

function station(id: string, state: (typeof stationStates)[number], ts = 1000, job: string | null = null): Change {
  return { type: 'station', id, state, ts, job };
}

/** Commits both hubs' staged changes and expects the very same frame (or none) from each. */
/** Ticks every hub; each must commit the first one's frame. */
function tickAlike(a: ReturnType<typeof createHub>, ...others: Array<ReturnType<typeof createHub>>): void {
  const fa = a.tick();
  for (const b of others) {
    const fb = b.tick();
    expect(fb === null ? null : Buffer.from(fb)).toEqual(fa === null ? null : Buffer.from(fa));
  }
}

describe('hub', () => {
  it('[HUB1] revisions only increase; an empty tick makes no revision', () => {
    const hub = createHub({ scene });
    expect(hub.revision).toBe(0);
    expect(hub.tick()).toBeNull();
    expect(hub.revision).toBe(0);
    hub.sink.apply(station('S1', 'working'));
    const frame = hub.tick();
    expect(frame).not.toBeNull();
    expect(hub.revision).toBe(1);
    expect(readHeader(frame!)).toMatchObject({ type: FrameType.delta, revision: 1, baseRevision: 0 });
    expect(hub.tick()).toBeNull();
    expect(hub.revision).toBe(1);
  });

  it('[HUB2] coalesces per tick: latest value per entity, one record each, snapshots show committed state only', () => {
    const hub = createHub({ scene });
    hub.sink.apply(station('S1', 'working', 1));
    hub.tick();
    hub.sink.apply(station('S1', 'blocked', 2));
    hub.sink.apply(station('S1', 'down', 3));
    hub.sink.apply(station('S2', 'starved', 3));
    // Staged, not committed: the snapshot still shows revision 1.
    expect(hub.snapshot().stations.S1.state).toBe('working');
    const frame = hub.tick()!;
    expect(readHeader(frame).records).toBe(2);
    const s = hub.snapshot();
    expect(s.revision).toBe(2);
    expect(s.stations.S1).toMatchObject({ state: 'down', ts: 3 });
    expect(s.stations.S2.state).toBe('starved');
  });

  it('[HUB3] a snapshot frame carries the hub revision and decodes to /api/state', () => {
    const hub = createHub({ scene });
    hub.sink.apply(station('S1', 'working'));
    hub.sink.apply({ type: 'robot', id: 'R1', state: 'working', joints: [0.1, -0.2, 0.3, 0, 1.2, -3], tool: true, ts: 5 });
    hub.sink.apply({ type: 'body', id: 'VIN1', model: 'suv', color: '#112233', location: { kind: 'conveyor', conveyor: 'C1', progress: 0.25 }, ts: 6 });
    hub.sink.apply(station('S2', 'working', 7, 'VIN1'));
    hub.tick();
    const frame = hub.snapshotFrame();
    expect(readHeader(frame)).toMatchObject({ type: FrameType.snapshot, revision: hub.revision });
    const b = new SnapshotBuilder(hub.index, hub.epoch);
    b.apply(frame);
    expect(b.state).toEqual(hub.snapshot());
    expect(b.state.stations.S2.job).toBe('VIN1');
    expect(b.state.bodies.VIN1).toEqual({ model: 'suv', color: '#112233', location: { kind: 'conveyor', conveyor: 'C1', progress: 0.25 }, quality: 'good', ts: 6 });
  });

  it('[HUB4] snapshot at r plus deltas equals snapshot at r+k (random change streams)', () => {
    const ids = { station: scene.stations.map((s) => s.id), robot: scene.robots.map((r) => r.id), conveyor: scene.conveyors.map((c) => c.id) };
    const bodyIds = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6'];
    const loc: fc.Arbitrary<BodyLocation> = fc.oneof(
      fc.record({ kind: fc.constant('station' as const), station: fc.constantFrom(...ids.station) }),
      fc.record({ kind: fc.constant('conveyor' as const), conveyor: fc.constantFrom(...ids.conveyor), progress: fc.float({ min: 0, max: 1, noNaN: true }) }),
      fc.constant({ kind: 'none' as const }),
    );
    const change: fc.Arbitrary<Change> = fc.oneof(
      fc.record({ type: fc.constant('station' as const), id: fc.constantFrom(...ids.station), state: fc.constantFrom(...stationStates), ts: fc.nat(), job: fc.option(fc.constantFrom(...bodyIds), { nil: null }) }),
      fc.record({ type: fc.constant('robot' as const), id: fc.constantFrom(...ids.robot), state: fc.constantFrom(...robotStates), ts: fc.nat(), tool: fc.boolean(), joints: fc.array(fc.float({ min: -6, max: 6, noNaN: true }), { minLength: 6, maxLength: 6 }) }),
      fc.record({ type: fc.constant('body' as const), id: fc.constantFrom(...bodyIds), model: fc.constantFrom('sedan' as const, 'suv' as const), color: fc.option(fc.constantFrom('#ff0000', '#00ff00'), { nil: null }), location: loc, ts: fc.nat() }),
      fc.record({ type: fc.constant('body-remove' as const), id: fc.constantFrom(...bodyIds), ts: fc.nat() }),
    );
    // Ticks of changes; `split` is where the late joiner takes its snapshot.
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 12 }), { minLength: 1, maxLength: 25 }), fc.nat(), (ticks, splitSeed) => {
        const hub = createHub({ scene, epoch: 'e' });
        const split = splitSeed % ticks.length;
        let joiner: SnapshotBuilder | null = null;
        let joinedAt = 0;
        const early = new SnapshotBuilder(hub.index, 'e');
        early.apply(hub.snapshotFrame());
        // An independent model of "latest value per entity": bodies and robots as the changes say, in order.
        const bodies = new Map<string, unknown>();
        const robots = new Map<string, unknown>();
        ticks.forEach((tick, t) => {
          for (const c of tick) {
            hub.sink.apply(c);
            if (c.type === 'body-remove') bodies.delete(c.id);
            else if (c.type === 'body') {
              const location = c.location.kind === 'conveyor' ? { ...c.location, progress: Math.fround(c.location.progress) } : c.location;
              bodies.set(c.id, { model: c.model, color: c.color, location, quality: 'good', ts: c.ts });
            } else if (c.type === 'robot') robots.set(c.id, { state: c.state, quality: 'good', ts: c.ts, tool: c.tool, joints: Array.from(c.joints, Math.fround) });
          }
          const frame = hub.tick();
          const now = hub.snapshot();
          expect(now.bodies).toEqual(Object.fromEntries(bodies));
          for (const [id, r] of robots) expect(now.robots[id]).toEqual(r);
          if (frame) early.apply(frame);
          if (t === split) {
            joiner = new SnapshotBuilder(hub.index, 'e');
            joiner.apply(hub.snapshotFrame());
            joinedAt = hub.revision;
          } else if (frame && joiner) joiner.apply(frame);
        });
        const want = hub.snapshot();
        expect(early.state).toEqual(want);
        expect(joiner!.state).toEqual(want);
        // One catch-up delta from the joiner's revision gives the same state.
        const caught = new SnapshotBuilder(hub.index, 'e');
        const hub2 = hub; // same hub: rebuild the state at joinedAt from a replay
        void hub2;
        const replay = createHub({ scene, epoch: 'e' });
        ticks.slice(0, split + 1).forEach((tick) => {
          for (const c of tick) replay.sink.apply(c);
          replay.tick();
        });
        caught.apply(replay.snapshotFrame());
        expect(caught.state.revision).toBe(joinedAt);
        if (joinedAt < hub.revision) caught.apply(hub.deltaSince(joinedAt));
        expect(caught.state).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });

  it('[HUB4] many robots: the snapshot frame and a delta since any earlier revision (robots copied in runs of neighbours) give the hub\'s state', () => {
    const demo = parseScene(buildDemoPlant(), 'demo-plant');
    const robotIds = demo.robots.map((r) => r.id);
    // Each tick samples a set of robots: runs of neighbours, gaps, the first and the last robot.
    const sample = fc.record({ robot: fc.oneof(fc.nat(robotIds.length - 1), fc.constantFrom(0, robotIds.length - 1)), state: fc.constantFrom(...robotStates), tool: fc.boolean(), joint: fc.float({ min: -3, max: 3, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(fc.array(sample, { maxLength: 40 }), { minLength: 1, maxLength: 12 }), (ticks) => {
        const hub = createHub({ scene: demo, epoch: 'e', tickMs: 1 << 30 });
        const at: Array<{ revision: number; frame: Uint8Array }> = [{ revision: hub.revision, frame: hub.snapshotFrame() }];
        ticks.forEach((tick, t) => {
          for (const r of tick) hub.sink.apply({ type: 'robot', id: robotIds[r.robot], state: r.state, tool: r.tool, ts: t + 1, joints: [r.joint, -r.joint, t, 0, 1, r.robot / 100] });
          hub.tick();
          at.push({ revision: hub.revision, frame: hub.snapshotFrame() });
        });
        const want = hub.snapshot();
        const fresh = new SnapshotBuilder(hub.index, 'e');
        fresh.apply(hub.snapshotFrame());
        expect(fresh.state).toEqual(want);
        for (const { revision, frame } of at) {
          const caught = new SnapshotBuilder(hub.index, 'e');
          caught.apply(frame);
          if (revision < hub.revision) caught.apply(hub.deltaSince(revision));
          expect(caught.state).toEqual(want);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('[HUB5] resume: same epoch gets a delta, another epoch or a future revision gets a snapshot, current gets nothing', () => {
    const hub = createHub({ scene, epoch: 'E' });
    for (let i = 0; i < 5; i++) {
      hub.sink.apply(station('S1', i % 2 ? 'working' : 'blocked', i));
      hub.tick();
    }
    expect(hub.catchUp('E', 5)).toEqual({ type: 'none' });
    const d = hub.catchUp('E', 3);
    expect(d.type).toBe('delta');
    if (d.type !== 'none') expect(readHeader(d.frame)).toMatchObject({ baseRevision: 3, revision: 5, records: 1 });
    expect(hub.catchUp('OTHER', 3).type).toBe('snapshot');
    expect(hub.catchUp('E', 99).type).toBe('snapshot');
    expect(hub.catchUp(undefined, undefined).type).toBe('snapshot');
    expect(hub.catchUp('E', -1).type).toBe('snapshot');
  });

  it('[HUB6] rejected changes are counted by reason and change nothing', () => {
    const seen: string[] = [];
    const hub = createHub({ scene, onReject: (_c, reason, detail) => seen.push(`${reason}: ${detail}`) });
    hub.sink.apply(station('S1', 'working'));
    hub.tick();
    const before = hub.snapshot();
    const bad: unknown[] = [
      station('NOPE', 'working'),
      { type: 'station', id: 'S1', state: 'exploded', ts: 1 },
      { type: 'station', id: 'S1', state: 'down', ts: Number.NaN },
      { type: 'robot', id: 'R1', state: 'working', joints: [1, 2, 3], tool: false, ts: 1 },
      { type: 'robot', id: 'R1', state: 'working', joints: [1, 2, 3, 4, 5, Number.POSITIVE_INFINITY], tool: false, ts: 1 },
      { type: 'body', id: 'X', model: 'truck', color: null, location: { kind: 'none' }, ts: 1 },
      { type: 'body', id: 'X', model: 'suv', color: 'red', location: { kind: 'none' }, ts: 1 },
      // A colour left out or of another type is a bad value, not a crash of the hub.
      { type: 'body', id: 'X', model: 'suv', location: { kind: 'none' }, ts: 1 },
      { type: 'body', id: 'X', model: 'suv', color: 7, location: { kind: 'none' }, ts: 1 },
      { type: 'body', id: 'X', model: 'suv', color: null, location: { kind: 'conveyor', conveyor: 'C1', progress: 2 }, ts: 1 },
      { type: 'body', id: 'X', model: 'suv', color: null, location: { kind: 'station', station: 'ZZ' }, ts: 1 },
      { type: 'teleport', id: 'S1', ts: 1 },
      // Names that every plain object answers to are not states, qualities or models.
      { type: 'station', id: 'S1', state: 'toString', ts: 1 },
      { type: 'station', id: 'S1', state: 'working', quality: '__proto__', ts: 1 },
      { type: 'robot', id: 'R1', state: 'constructor', joints: [0, 0, 0, 0, 0, 0], tool: false, ts: 1 },
      { type: 'body', id: 'X', model: 'hasOwnProperty', color: null, location: { kind: 'none' }, ts: 1 },
      null,
    ];
    for (const c of bad) hub.sink.apply(c as Change);
    expect(hub.tick()).toBeNull();
    expect(hub.snapshot()).toEqual(before);
    expect(hub.stats.changesRejected).toBe(bad.length);
    expect(hub.rejects['unknown-id']).toBe(2);
    expect(hub.rejects['invalid-value']).toBe(bad.length - 2);
    expect(seen[0]).toMatch(/no station "NOPE"/);
    expect(seen.filter((w) => w === 'invalid-value: color must be #rrggbb or null')).toHaveLength(3);
  });

  it('[HUB2] robot samples in columns commit exactly what the same changes as objects commit', () => {
    const demo = parseScene(buildDemoPlant(), 'demo-plant');
    const ids = demo.robots.map((r) => r.id);
    const angle = fc.double({ noNaN: true, noDefaultInfinity: true, min: -7, max: 7 });
    const sample = fc.record({
      // A few robots, so that one robot often has several rows in one tick (the last must win).
      index: fc.nat(Math.min(7, ids.length - 1)),
      state: fc.nat(robotStates.length - 1),
      quality: fc.nat(qualities.length - 1),
      tool: fc.boolean(),
      ts: fc.integer({ min: 0, max: 1e9 }),
      joints: fc.array(angle, { minLength: 6, maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(sample, { maxLength: 20 }), { minLength: 1, maxLength: 5 }), (ticks) => {
        const a = createHub({ scene: demo, epoch: 'e' });
        const b = createHub({ scene: demo, epoch: 'e' });
        const batch = new RobotSampleBatch();
        for (const rows of ticks) {
          batch.clear();
          for (const r of rows) {
            const [j1, j2, j3, j4, j5, j6] = r.joints;
            batch.row(r.index, r.state, r.quality, r.tool, r.ts, j1, j2, j3, j4, j5, j6);
            a.sink.apply({ type: 'robot', id: ids[r.index], state: robotStates[r.state], quality: qualities[r.quality], joints: r.joints, tool: r.tool, ts: r.ts });
          }
          b.sink.robots!(batch);
          tickAlike(a, b);
        }
        expect(b.snapshot()).toEqual(a.snapshot());
        expect(b.stats.changesIn).toBe(a.stats.changesIn);
      }),
      { numRuns: 300 },
    );
    // More rows than a batch starts with room for: it grows and keeps every row.
    const a = createHub({ scene: demo, epoch: 'e' });
    const b = createHub({ scene: demo, epoch: 'e' });
    const batch = new RobotSampleBatch();
    for (let r = 0; r < 300; r++) {
      const joints = [r / 100, -r / 200, 0.5, 0, 1, -1];
      const index = r % ids.length;
      batch.add(index, r % robotStates.length, r % 2 === 0, 1000 + r, joints);
      a.sink.apply({ type: 'robot', id: ids[index], state: robotStates[r % robotStates.length], joints, tool: r % 2 === 0, ts: 1000 + r });
    }
    expect(batch.count).toBe(300);
    b.sink.robots!(batch);
    expect(Buffer.from(b.tick()!)).toEqual(Buffer.from(a.tick()!));
  });

  it('[HUB2] bodies on conveyors in columns commit exactly what the same changes as objects commit, in the order handed over, with keys right or wrong', () => {
    const conveyorIds = scene.conveyors.map((c) => c.id);
    const ids = ['B1', 'B2', 'B3'];
    // A body's change as an object (any place, or gone), or a run of moves in columns; a tick is a list of either.
    const object = fc.record({
      kind: fc.constant('object' as const),
      id: fc.constantFrom(...ids),
      remove: fc.boolean(),
      model: fc.nat(bodyModels.length - 1),
      color: fc.constantFrom(null, '#c81e1e', '#1e5ac8'),
      place: fc.constantFrom<BodyLocation>({ kind: 'none' }, { kind: 'station', station: 'S1' }, { kind: 'station', station: 'S2' }, { kind: 'conveyor', conveyor: 'C1', progress: 0 }),
      ts: fc.integer({ min: 1, max: 1e6 }),
    });
    const move = fc.record({
      id: fc.constantFrom(...ids),
      model: fc.nat(bodyModels.length - 1),
      color: fc.constantFrom(null, '#c81e1e', '#1e5ac8'),
      conveyor: fc.nat(conveyorIds.length - 1),
      progress: fc.float({ min: 0, max: 1, noNaN: true }),
      ts: fc.integer({ min: 1, max: 1e6 }),
      // BodyMoves.key is a hint: here shared by several bodies, changing from move to move, or two keys one
      // lookup entry apart (1 and 8193), yet the keyed batch must commit what the others do.
      key: fc.constantFrom(0, 1, 2, 8193),
    });
    const moves = fc.record({ kind: fc.constant('moves' as const), rows: fc.array(move, { minLength: 1, maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(object, moves), { maxLength: 6 }), { minLength: 1, maxLength: 6 }), (ticks) => {
        const a = createHub({ scene, epoch: 'e' });
        const b = createHub({ scene, epoch: 'e' });
        const hubC = createHub({ scene, epoch: 'e' });
        const batch = new BodyMoveBatch();
        const keyed = new BodyMoveBatch();
        for (const steps of ticks) {
          for (const step of steps) {
            if (step.kind === 'object') {
              const c: Change = step.remove ? { type: 'body-remove', id: step.id, ts: step.ts } : { type: 'body', id: step.id, model: bodyModels[step.model], color: step.color, location: step.place, ts: step.ts };
              a.sink.apply(c);
              b.sink.apply(c);
              hubC.sink.apply(c);
              continue;
            }
            batch.clear();
            keyed.clear();
            for (const r of step.rows) {
              batch.add(r.id, r.model, r.color, r.conveyor, r.progress, r.ts);
              keyed.add(r.id, r.model, r.color, r.conveyor, r.progress, r.ts, r.key);
            }
            for (let r = 0; r < batch.count; r++) a.sink.apply(bodyMoveChangeOf(batch, r, conveyorIds));
            b.sink.moves!(batch);
            hubC.sink.moves!(keyed);
          }
          tickAlike(a, b, hubC);
        }
        expect(b.snapshot()).toEqual(a.snapshot());
        expect(hubC.snapshot()).toEqual(a.snapshot());
        expect(b.stats.changesIn).toBe(a.stats.changesIn);
      }),
      { numRuns: 300 },
    );
  });

  it('[HUB6] a bad row of body moves is rejected alone, by reason and with the change it stands for', () => {
    const seen: Array<{ change: unknown; why: string }> = [];
    const hub = createHub({ scene, onReject: (change, reason, detail) => seen.push({ change, why: `${reason}: ${detail}` }) });
    const batch = new BodyMoveBatch();
    const suv = bodyModels.indexOf('suv');
    batch.add('B1', suv, '#c81e1e', 1, 0.25, 5);
    batch.add('B2', suv, null, 2, 0.5, 6);
    batch.add('B3', 200, null, 0, 0.5, 6);
    batch.add('B4', suv, 'red', 0, 0.5, 6);
    batch.add('B5', suv, null, 0, Number.NaN, 6);
    batch.add('B6', suv, null, 0, 0.5, Number.NaN);
    batch.add('', suv, null, 0, 0.5, 6);
    hub.sink.moves!(batch);
    expect(hub.tick()).not.toBeNull();
    expect(hub.snapshot().bodies).toEqual({ B1: { model: 'suv', color: '#c81e1e', location: { kind: 'conveyor', conveyor: 'C2', progress: 0.25 }, ts: 5, quality: 'good' } });
    expect(hub.stats.changesIn).toBe(7);
    expect(hub.stats.changesRejected).toBe(6);
    expect(hub.rejects).toEqual({ 'unknown-id': 1, 'invalid-value': 5 });
    expect(seen.map((s) => s.why)).toEqual([
      'unknown-id: no conveyor at index 2 in scene tiny (it has 2)',
      'invalid-value: unknown body model code 200',
      'invalid-value: color must be #rrggbb or null',
      'invalid-value: conveyor progress must be within 0..1',
      'invalid-value: ts must be a finite number (epoch ms)',
      'invalid-value: body id must be a string of 1 to 64 characters',
    ]);
    expect(seen[0].change).toMatchObject({ type: 'body', id: 'B2', location: { kind: 'conveyor', conveyor: '#2', progress: 0.5 } });
    expect(seen[1].change).toMatchObject({ type: 'body', id: 'B3', model: 200 });
    // The same rows keyed (all under one key, which leads to B1 once it is in the tables): the same verdicts.
    const keyedSeen: string[] = [];
    const keyedHub = createHub({ scene, onReject: (_change, reason, detail) => keyedSeen.push(`${reason}: ${detail}`) });
    const keyed = new BodyMoveBatch();
    for (let round = 0; round < 2; round++) {
      keyed.clear();
      for (let r = 0; r < batch.count; r++) keyed.add(batch.id[r], batch.model[r], batch.color[r], batch.conveyor[r], batch.progress[r], batch.ts[r] + round, 1);
      keyedHub.sink.moves!(keyed);
      keyedHub.tick();
    }
    const verdicts = seen.map((x) => x.why);
    expect(keyedSeen).toEqual([...verdicts, ...verdicts]);
    expect(keyedHub.snapshot().bodies).toEqual({ B1: { model: 'suv', color: '#c81e1e', location: { kind: 'conveyor', conveyor: 'C2', progress: 0.25 }, ts: 6, quality: 'good' } });
    // A known body's colour, given again, is not checked again; another one is.
    batch.clear();
    batch.add('B1', suv, '#c81e1e', 1, 0.5, 7);
    batch.add('B1', suv, 'blue', 1, 0.75, 8);
    hub.sink.moves!(batch);
    hub.tick();
    expect(hub.snapshot().bodies.B1.location).toEqual({ kind: 'conveyor', conveyor: 'C2', progress: 0.5 });
    expect(seen.at(-1)!.why).toBe('invalid-value: color must be #rrggbb or null');
  });

  it('[HUB6] a bad row of robot samples is rejected alone, by reason and with the change it stands for', () => {
    const seen: Array<{ change: unknown; why: string }> = [];
    const hub = createHub({ scene, onReject: (change, reason, detail) => seen.push({ change, why: `${reason}: ${detail}` }) });
    const batch = new RobotSampleBatch();
    const ok = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    batch.add(0, robotStates.indexOf('working'), true, 5, ok);
    batch.add(7, 0, false, 6, ok);
    batch.add(0, 200, false, 6, ok);
    batch.add(0, 0, false, 6, [0, 0, Number.NaN, 0, 0, 0]);
    batch.add(0, 0, false, 6, [0, 0, 0, 0, 0, Number.NEGATIVE_INFINITY]);
    batch.add(0, 0, false, Number.NaN, ok);
    batch.row(0, 0, 3, false, 6, 0, 0, 0, 0, 0, 0);
    hub.sink.robots!(batch);
    expect(hub.tick()).not.toBeNull();
    expect(hub.snapshot().robots.R1).toMatchObject({ state: 'working', tool: true, ts: 5, quality: 'good', joints: ok.map(Math.fround) });
    expect(hub.stats.changesIn).toBe(7);
    expect(hub.stats.changesRejected).toBe(6);
    expect(hub.rejects).toEqual({ 'unknown-id': 1, 'invalid-value': 5 });
    expect(seen.map((s) => s.why)).toEqual([
      'unknown-id: no robot at index 7 in scene tiny (it has 1)',
      'invalid-value: unknown robot state code 200',
      'invalid-value: joint 3 is not a finite number',
      'invalid-value: joint 6 is not a finite number',
      'invalid-value: ts must be a finite number (epoch ms)',
      'invalid-value: unknown quality code 3',
    ]);
    expect(seen[1].change).toMatchObject({ type: 'robot', id: 'R1', state: 200, ts: 6 });
    expect(seen[0].change).toMatchObject({ type: 'robot', id: '#7' });
  });

  it('[HUB4] frames read back into a hub, robots in columns (readInto) or as objects (read), give the state that made them; a bad frame hands nothing over', () => {
    const demo = parseScene(buildDemoPlant(), 'demo-plant');
    const sim = new LineSimulation(demo, { seed: 9, startTime: 0 });
    sim.runUntil(3_600_000, () => undefined, { sample: false });
    const hub = createHub({ scene: demo, epoch: 'e', tickMs: 1 << 30 });
    for (const c of sim.fullState()) hub.sink.apply(c);
    hub.sink.time?.(sim.now);
    hub.tick();
    const viaObjects = createHub({ scene: demo, epoch: 'e' });
    const viaColumns = createHub({ scene: demo, epoch: 'e' });
    const objects = new FrameChangeReader(hub.index);
    const columns = new FrameChangeReader(hub.index);
    const feed = (frame: Uint8Array) => {
      const { header, changes } = objects.read(frame);
      for (const c of changes) viaObjects.sink.apply(c);
      viaObjects.sink.time?.(header.time);
      viaObjects.tick();
      viaColumns.sink.time?.(columns.readInto(frame, viaColumns.sink).time);
      viaColumns.tick();
    };
    feed(hub.snapshotFrame());
    const untimed = (h: typeof hub) => ({ ...h.snapshot(), revision: 0, epoch: '' });
    let left = 0;
    hub.onCommit((info) => (left += info.removed.length));
    for (let i = 0; i < 1500; i++) {
      sim.runUntil(sim.now + 400, (c) => hub.sink.apply(c), { robots: (r) => hub.sink.robots!(r) });
      hub.sink.time?.(sim.now);
      const frame = hub.tick();
      if (frame) feed(frame);
      if (i % 50 === 0) {
        expect(untimed(viaColumns)).toEqual(untimed(hub));
        expect(untimed(viaObjects)).toEqual(untimed(hub));
      }
    }
    expect(untimed(viaColumns)).toEqual(untimed(hub));
    expect(untimed(viaObjects)).toEqual(untimed(hub));
    // Bodies left the line and their slots were taken again, so slot bookkeeping was exercised.
    expect(left).toBeGreaterThan(5);

    // A body record in a slot that no body holds: the frame is refused whole, and the next frames still apply.
    const bad = new FrameWriter().begin(FrameType.delta, hub.revision + 1, hub.revision, sim.now, 0);
    bad.robot(0, 1, 0, true, sim.now, [9, 9, 9, 9, 9, 9]);
    bad.body(100_000, true, 0, 0, 0, 0, 0, sim.now);
    const handed: string[] = [];
    expect(() => columns.readInto(bad.finish(), { apply: (c) => void handed.push(c.type), robots: () => void handed.push('robots') })).toThrow(FrameError);
    expect(handed).toEqual([]);
    for (let i = 0; i < 100; i++) {
      sim.runUntil(sim.now + 400, (c) => hub.sink.apply(c), { robots: (r) => hub.sink.robots!(r) });
      hub.sink.time?.(sim.now);
      const frame = hub.tick();
      if (frame) feed(frame);
    }
    expect(untimed(viaColumns)).toEqual(untimed(hub));
  });

  /** A transport whose write queue the test controls: `queue` frames are "not yet written". */
  function fakeTransport() {
    const got: Array<[FrameKind, Uint8Array]> = [];
    return { got, queue: 0, queued() { return this.queue; }, send(kind: FrameKind, frame: Uint8Array) { got.push([kind, frame]); } };
  }
  function busyTicks(hub: ReturnType<typeof createHub>, n: number, from = 0): void {
    for (let i = from; i < from + n; i++) {
      hub.sink.apply(station('S1', stationStates[i % 5], i));
      hub.sink.apply(station('S2', stationStates[(i + 1) % 5], i));
      hub.tick();
    }
  }
  function replay(hub: ReturnType<typeof createHub>, frames: Uint8Array[]) {
    const b = new SnapshotBuilder(hub.index, hub.epoch);
    for (const f of frames) b.apply(f);
    return b.state;
  }

  it('[HUB7][HUB9] up-to-date clients share one broadcast per tick; a client whose transport is full is skipped, then gets one catch-up', () => {
    const hub = createHub({ scene, epoch: 'E' });
    const broadcasts: Array<{ frame: Uint8Array; to: number }> = [];
    const group = new FeedGroup(hub, (frame, to) => {
      broadcasts.push({ frame, to: to.length });
      sendToEach(frame, to);
    }, { maxQueued: 2 });
    const fast = fakeTransport();
    const slow = fakeTransport();
    group.add(fast);
    const slowFeed = group.add(slow);
    busyTicks(hub, 3);
    expect(broadcasts.map((b) => b.to)).toEqual([2, 2, 2]);
    // The slow client's socket stops taking bytes: its queue stays full for 40 ticks.
    slow.queue = 2;
    busyTicks(hub, 40, 3);
    expect(fast.got).toHaveLength(1 + 43); // snapshot + every delta
    expect(slow.got).toHaveLength(1 + 3);
    expect(slowFeed.skippedTicks).toBe(40);
    // Every up-to-date client got the very same bytes (one encoding per tick).
    expect(fast.got[1][1]).toBe(broadcasts[0].frame);
    // It drains while the hub is quiet: the next pump sends one catch-up delta to the newest revision.
    slow.queue = 0;
    group.pump();
    expect(slow.got).toHaveLength(5);
    expect(readHeader(slow.got[4][1])).toMatchObject({ type: FrameType.delta, baseRevision: 3, revision: 43, records: 2 });
    expect(replay(hub, slow.got.map((g) => g[1]))).toEqual(hub.snapshot());
    // And from then on it is back in the shared broadcast.
    busyTicks(hub, 1, 43);
    expect(broadcasts.at(-1)!.to).toBe(2);
    expect(replay(hub, fast.got.map((g) => g[1]))).toEqual(hub.snapshot());
  });

  it('[HUB7] a client that acknowledges and then leaves frames unacknowledged too long is held, and caught up when it acks', () => {
    const hub = createHub({ scene, epoch: 'E' });
    let now = 0;
    const group = new FeedGroup(hub, sendToEach, { maxQueued: 2, staleMs: 1000, clock: () => now });
    const frozen = fakeTransport();
    const tool = fakeTransport();
    const frozenFeed = group.add(frozen);
    group.add(tool); // never acknowledges: paced by its transport alone
    frozenFeed.ack(hub.revision);
    // 50 ticks at 20 Hz, no acknowledgement: the first second is sent, then the client is held.
    for (let i = 0; i < 50; i++) {
      now += 50;
      busyTicks(hub, 1, i);
    }
    expect(tool.got).toHaveLength(51);
    expect(frozen.got.length).toBeGreaterThanOrEqual(1 + 19);
    expect(frozen.got.length).toBeLessThanOrEqual(1 + 21);
    expect(frozenFeed.skippedTicks).toBe(51 - frozen.got.length);
    // It wakes and acknowledges what it applied: one catch-up delta to the newest, not a backlog.
    const before = frozen.got.length;
    frozenFeed.ack(frozenFeed.sentRevision);
    expect(frozen.got).toHaveLength(before + 1);
    expect(readHeader(frozen.got.at(-1)![1]).revision).toBe(hub.revision);
    expect(replay(hub, frozen.got.map((g) => g[1]))).toEqual(hub.snapshot());
    // An acknowledgement beyond what was sent (a revision of another cursor) acknowledges only what was sent.
    frozenFeed.ack(1e9);
    expect(frozenFeed.ackedRevision).toBe(frozenFeed.sentRevision);
  });

  it('[HUB7] a resync asked for while the transport is full is answered with a snapshot once it has room', () => {
    const hub = createHub({ scene, epoch: 'E' });
    const t = fakeTransport();
    const group = new FeedGroup(hub, sendToEach, { maxQueued: 2 });
    const feed = group.add(t);
    busyTicks(hub, 2);
    t.queue = 5;
    feed.resync();
    busyTicks(hub, 2, 2);
    expect(t.got).toHaveLength(3);
    t.queue = 0;
    busyTicks(hub, 1, 4);
    expect(t.got).toHaveLength(4);
    expect(t.got[3][0]).toBe('snapshot');
    expect(replay(hub, [t.got[3][1]])).toEqual(hub.snapshot());
    group.close();
    busyTicks(hub, 1, 5);
    expect(t.got).toHaveLength(4);
  });

  it('[HUB8] a freed body slot is not reused in the same tick', () => {
    const hub = createHub({ scene, epoch: 'E' });
    hub.sink.apply({ type: 'body', id: 'A', model: 'sedan', color: null, location: { kind: 'none' }, ts: 1 });
    hub.tick();
    hub.sink.apply({ type: 'body-remove', id: 'A', ts: 2 });
    hub.sink.apply({ type: 'body', id: 'B', model: 'sedan', color: null, location: { kind: 'none' }, ts: 2 });
    hub.tick();
    const b = new SnapshotBuilder(hub.index, 'E');
    b.apply(hub.snapshotFrame());
    expect(Object.keys(b.state.bodies)).toEqual(['B']);
    hub.sink.apply({ type: 'body', id: 'C', model: 'suv', color: null, location: { kind: 'none' }, ts: 3 });
    const f = hub.tick()!;
    b.apply(f);
    expect(Object.keys(b.state.bodies).sort()).toEqual(['B', 'C']);
    expect(readHeader(hub.snapshotFrame()).bodySlots).toBe(2);
  });

  it('[HUB2] a commit lists the robots it committed; a robot staged by a commit listener waits for the next commit', () => {
    const hub = createHub({ scene, epoch: 'e' });
    const sample = (ts: number, j: number): Change => ({ type: 'robot', id: 'R1', state: 'working', tool: false, joints: [j, 0, 0, 0, 0, 0], ts });
    const lists: number[][] = [];
    hub.onCommit((c) => {
      lists.push([...c.robots]);
      if (lists.length === 1) hub.sink.apply(sample(2, 0.5));
      // Staging meanwhile leaves the list of this commit as it is.
      expect([...c.robots]).toEqual(lists.at(-1));
    });
    hub.sink.apply(sample(1, 0.25));
    hub.tick();
    expect(hub.snapshot().robots.R1.joints[0]).toBe(0.25);
    hub.tick();
    expect(hub.snapshot().robots.R1.joints[0]).toBe(0.5);
    expect(hub.tick()).toBeNull();
    expect(lists).toEqual([[0], [0]]);
  });

  it('[HUB10] a commit lists the bodies that are new or changed place, and the mirror of its frames lists the same', () => {
    const hub = createHub({ scene, epoch: 'E' });
    const mirror = new FrameMirror(hub.index);
    mirror.read(hub.snapshotFrame());
    const at = (id: string, location: BodyLocation, ts: number, color: string | null = null): Change => ({ type: 'body', id, model: 'sedan', color, location, ts });
    const commit = (...changes: Change[]) => {
      let seen: { bodies: string[]; placed: string[]; removed: string[] } | null = null;
      const ids = (slots: ArrayLike<number>) => Array.from(slots, (s) => hub.tables.bodies.ids[s] as string);
      const off = hub.onCommit((c) => (seen = { bodies: ids(c.bodies), placed: ids(c.placed), removed: c.removed.map((r) => r.id) }));
      for (const c of changes) hub.sink.apply(c);
      const frame = hub.tick()!;
      off();
      const m = mirror.read(frame)!;
      expect({ bodies: Array.from(m.bodies, (s) => mirror.tables.bodies.ids[s]), placed: Array.from(m.placed, (s) => mirror.tables.bodies.ids[s]), removed: m.removed.map((r) => r.id) }).toEqual(seen);
      return seen!;
    };
    // New bodies are placed, wherever they are.
    expect(commit(at('A', { kind: 'station', station: 'S1' }, 1), at('B', { kind: 'conveyor', conveyor: 'C1', progress: 0.1 }, 1), at('N', { kind: 'none' }, 1))).toEqual({ bodies: ['A', 'B', 'N'], placed: ['A', 'B', 'N'], removed: [] });
    // The same station again, further along the same conveyor, a new colour: changed, not placed.
    expect(commit(at('A', { kind: 'station', station: 'S1' }, 2), at('B', { kind: 'conveyor', conveyor: 'C1', progress: 0.6 }, 2), at('N', { kind: 'none' }, 2, '#ff0000'))).toEqual({ bodies: ['A', 'B', 'N'], placed: [], removed: [] });
    // Station to station, conveyor to conveyor, conveyor to station, nowhere to a station.
    expect(commit(at('A', { kind: 'station', station: 'S2' }, 3), at('B', { kind: 'conveyor', conveyor: 'C2', progress: 0 }, 3))).toEqual({ bodies: ['A', 'B'], placed: ['A', 'B'], removed: [] });
    expect(commit(at('B', { kind: 'station', station: 'S3' }, 4), at('N', { kind: 'station', station: 'S1' }, 4))).toEqual({ bodies: ['B', 'N'], placed: ['B', 'N'], removed: [] });
    // Staged twice in one tick: only where it ends up counts (back where it was: not placed).
    expect(commit(at('A', { kind: 'station', station: 'S3' }, 5), at('A', { kind: 'station', station: 'S2' }, 5))).toEqual({ bodies: ['A'], placed: [], removed: [] });
    // A station to nowhere is a change of place; a body that leaves is listed as removed, not as changed.
    expect(commit(at('B', { kind: 'none' }, 6), { type: 'body-remove', id: 'N', ts: 6 })).toEqual({ bodies: ['B'], placed: ['B'], removed: ['N'] });
    // Its slot taken by a new body in a later tick: placed as new, even at the same station.
    expect(commit(at('Z', { kind: 'station', station: 'S1' }, 7))).toEqual({ bodies: ['Z'], placed: ['Z'], removed: [] });
  });
});
