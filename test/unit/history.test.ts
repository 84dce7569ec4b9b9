import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHub } from '../../server/hub/twin-hub.ts';
import { History, recordHubHistory } from '../../server/hub/history.ts';
import { PlaybackSession } from '../../server/hub/playback-session.ts';
import { SnapshotBuilder } from '../../protocol/frame-to-snapshot.ts';
import { readHeader, FrameType } from '../../protocol/codec.ts';
import type { Change } from '../../protocol/changes.ts';
import { stationStates, type StateSnapshot } from '../../protocol/state.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';

const scene = tinyScene();
const content = (s: StateSnapshot) => ({ stations: s.stations, robots: s.robots, bodies: s.bodies });

const changeAt = (ts: number): fc.Arbitrary<Change> =>
  fc.oneof(
    fc.record({ type: fc.constant('station' as const), id: fc.constantFrom('S1', 'S2', 'S3'), state: fc.constantFrom(...stationStates), ts: fc.constant(ts) }),
    fc.record({ type: fc.constant('robot' as const), id: fc.constant('R1'), state: fc.constant('working' as const), tool: fc.boolean(), ts: fc.constant(ts), joints: fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 6, maxLength: 6 }) }),
    fc.record({ type: fc.constant('body' as const), id: fc.constantFrom('B1', 'B2', 'B3'), model: fc.constant('sedan' as const), color: fc.constant(null), location: fc.constant({ kind: 'station' as const, station: 'S1' }), ts: fc.constant(ts) }),
    fc.record({ type: fc.constant('body-remove' as const), id: fc.constantFrom('B1', 'B2', 'B3'), ts: fc.constant(ts) }),
  );

/** Random ticks at increasing times, `gap` ms apart: [time, changes][]. */
const ticksOf = (gap: { min: number; max: number }, length: { minLength: number; maxLength: number }) =>
  fc.array(fc.integer(gap), length).chain((gaps) => {
    let t = 1_000_000;
    const times = gaps.map((dt) => (t += dt));
    return fc.tuple(...times.map((time) => fc.tuple(fc.constant(time), fc.array(changeAt(time), { minLength: 1, maxLength: 6 }))));
  });
const timeline = ticksOf({ min: 1, max: 3000 }, { minLength: 1, maxLength: 60 });

/** The truth at t: the last committed state whose time is at or before t. */
function truthAt(truth: Array<[number, StateSnapshot]>, t: number): StateSnapshot {
  let want = truth[0][1];
  for (const [time, snap] of truth) if (time <= t) want = snap;
  return want;
}

function recorded(ticks: Array<[number, Change[]]>, keyframeIntervalMs: number) {
  const hub = createHub({ scene, epoch: 'e' });
  const history = new History({ scene, keyframeIntervalMs, retentionMs: Infinity });
  const truth: Array<[number, StateSnapshot]> = [];
  recordHubHistory(hub, history, 0);
  truth.push([hub.time, hub.snapshot()]);
  for (const [time, changes] of ticks) {
    for (const c of changes) hub.sink.apply(c);
    hub.sink.time?.(time);
    hub.tick();
    truth.push([hub.time, hub.snapshot()]);
  }
  return { hub, history, truth };
}

describe('history and seek', () => {
  it('[TT1] the state after seek(t) equals the state from playing every change up to t', () => {
    fc.assert(
      fc.property(timeline, fc.integer({ min: 500, max: 20_000 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }), (ticks, interval, fractions) => {
        const { history, truth } = recorded(ticks as Array<[number, Change[]]>, interval);
        const from = history.from!;
        const to = history.to!;
        // Between ticks, and exactly on tick times (where an off-by-one would hide).
        const targets = fractions.flatMap((f) => [from + f * (to - from), truth[Math.floor(f * (truth.length - 1))][0]]);
        for (const t of targets) expect(content(history.stateAt(t).hub.snapshot())).toEqual(content(truthAt(truth, t)));
      }),
      { numRuns: 120 },
    );
  });

  it('[TT2] a seek applies at most one keyframe interval of deltas, however long the history', () => {
    const hub = createHub({ scene });
    const history = new History({ scene, keyframeIntervalMs: 10_000, retentionMs: Infinity });
    recordHubHistory(hub, history, 0);
    for (let i = 1; i <= 20_000; i++) {
      hub.sink.apply({ type: 'station', id: 'S1', state: stationStates[i % 5], ts: i * 100 });
      hub.tick();
    }
    expect(history.keyframeCount).toBeGreaterThan(150);
    for (const t of [5_000, 777_777, 1_999_999]) {
      const r = history.stateAt(t);
      expect(r.applied).toBeLessThanOrEqual(100);
      expect(r.hub.snapshot().stations.S1.state).toBe(stationStates[Math.floor(t / 100) % 5]);
    }
  });

  it('[TT3] retention drops whole old intervals and keeps the range seekable', () => {
    const hub = createHub({ scene });
    const history = new History({ scene, keyframeIntervalMs: 1000, retentionMs: 5000 });
    recordHubHistory(hub, history, 0);
    for (let i = 1; i <= 300; i++) {
      hub.sink.apply({ type: 'station', id: 'S2', state: stationStates[i % 3], ts: i * 100 });
      hub.tick();
    }
    expect(history.to).toBe(30_000);
    expect(history.from).toBeGreaterThanOrEqual(30_000 - 6000);
    expect(history.from).toBeLessThanOrEqual(30_000 - 5000);
    expect(history.deltaCount).toBeLessThanOrEqual(70);
    expect(history.stateAt(history.from! + 1234).hub.snapshot().stations.S2.state).toBe(stationStates[Math.floor((history.from! + 1234) / 100) % 3]);
  });

  it('[TT3b] a byte limit drops whole old intervals too: the bytes counted are the bytes held, within the limit, and what is kept seeks right', () => {
    fc.assert(
      fc.property(timeline, fc.integer({ min: 500, max: 10_000 }), fc.integer({ min: 200, max: 6000 }), (ticks, interval, maxBytes) => {
        const hub = createHub({ scene, epoch: 'e' });
        const limits: number[] = [];
        const history = new History({ scene, keyframeIntervalMs: interval, retentionMs: Infinity, maxBytes, onBytesLimit: (kept) => limits.push(kept) });
        // Every frame handed to the history, in order: the bytes it should hold are those from its first keyframe on.
        const added: Array<{ key: boolean; time: number; bytes: number }> = [];
        const key = () => {
          const frame = hub.snapshotFrame();
          added.push({ key: true, time: hub.time, bytes: frame.byteLength });
          return frame;
        };
        history.addKeyframe(key());
        const truth: Array<[number, StateSnapshot]> = [[hub.time, hub.snapshot()]];
        let recorded = hub.revision;
        for (const [time, changes] of ticks as Array<[number, Change[]]>) {
          for (const c of changes) hub.sink.apply(c);
          hub.sink.time?.(time);
          hub.tick();
          truth.push([hub.time, hub.snapshot()]);
          if (hub.revision === recorded) continue;
          const delta = hub.deltaSince(recorded);
          recorded = hub.revision;
          added.push({ key: false, time: hub.time, bytes: delta.byteLength });
          history.addDelta(delta, key);
          const first = added.findLastIndex((a) => a.key && a.time === history.from);
          expect(first).toBeGreaterThanOrEqual(0);
          expect(history.bytes).toBe(added.slice(first).reduce((n, a) => n + a.bytes, 0));
          if (history.keyframeCount > 1) expect(history.bytes).toBeLessThanOrEqual(maxBytes);
        }
        // Told once, when the limit first cut the history, with the span it kept then.
        expect(limits.length).toBe(history.limitedByBytes ? 1 : 0);
        if (history.limitedByBytes) expect(limits[0]).toBeGreaterThanOrEqual(0);
        const from = history.from!;
        for (const t of [from, (from + history.to!) / 2, history.to!]) expect(content(history.stateAt(t).hub.snapshot())).toEqual(content(truthAt(truth, t)));
      }),
      { numRuns: 150 },
    );
  });

  it('[TT3c] with a byte limit the history keeps the newest minutes, says when it first cut, and refuses a limit that is not positive', () => {
    const hub = createHub({ scene });
    const limits: number[] = [];
    const history = new History({ scene, keyframeIntervalMs: 1000, retentionMs: 3_600_000, maxBytes: 4000, onBytesLimit: (kept) => limits.push(kept) });
    recordHubHistory(hub, history, 0);
    for (let i = 1; i <= 600; i++) {
      hub.sink.apply({ type: 'station', id: 'S2', state: stationStates[i % 3], ts: i * 100 });
      hub.tick();
    }
    expect(history.limitedByBytes).toBe(true);
    expect(limits).toHaveLength(1);
    expect(history.bytes).toBeLessThanOrEqual(4000);
    expect(history.to).toBe(60_000);
    // Within the hour of retention, but only what fits: the newest seconds.
    expect(history.to! - history.from!).toBeLessThan(30_000);
    expect(history.keyframeCount).toBeGreaterThan(1);
    expect(history.stateAt(history.from! + 234).hub.snapshot().stations.S2.state).toBe(stationStates[Math.floor((history.from! + 234) / 100) % 3]);
    for (const bad of [0, -1, Number.NaN]) expect(() => new History({ scene, maxBytes: bad })).toThrow(/maxBytes must be positive/);
  });

  it('[TT4] live history merges ticks into buckets of state time (latest value per entity)', () => {
    const hub = createHub({ scene });
    const history = new History({ scene, retentionMs: Infinity });
    recordHubHistory(hub, history, 200);
    for (let i = 1; i <= 100; i++) {
      hub.sink.apply({ type: 'robot', id: 'R1', state: 'working', tool: false, joints: [i, 0, 0, 0, 0, 0].map((x) => x / 100), ts: i * 50 });
      hub.tick();
    }
    // 5 s of 20 Hz ticks in 200 ms buckets.
    expect(history.deltaCount).toBe(25);
    expect(history.stateAt(5000).hub.snapshot().robots.R1.joints[0]).toBeCloseTo(1, 5);
  });

  it('[TT4b] in buckets of 1 s: the state at each recorded time is the live state then, and every body that left is recorded leaving at its own time', () => {
    const ticks = ticksOf({ min: 50, max: 700 }, { minLength: 5, maxLength: 80 });
    fc.assert(
      fc.property(ticks, (timeline) => {
        const hub = createHub({ scene, epoch: 'e' });
        const history = new History({ scene, keyframeIntervalMs: 5000, retentionMs: Infinity });
        recordHubHistory(hub, history, 1000);
        const truth: Array<[number, StateSnapshot]> = [[hub.time, hub.snapshot()]];
        const left: Array<{ id: string; ts: number }> = [];
        hub.onCommit((c) => left.push(...c.removed.map((r) => ({ id: r.id, ts: r.ts }))));
        for (const [time, changes] of timeline as Array<[number, Change[]]>) {
          for (const c of changes) hub.sink.apply(c);
          hub.sink.time?.(time);
          hub.tick();
          truth.push([hub.time, hub.snapshot()]);
        }
        const start = history.stateAt(history.from!);
        const recordedAt = [history.from!];
        const recordedLeft: Array<{ id: string; ts: number }> = [];
        history.forEachDelta(start.next, Infinity, (entry) => {
          recordedAt.push(entry.time);
          for (const c of start.reader.read(entry.frame).changes) if (c.type === 'body-remove') recordedLeft.push({ id: c.id, ts: c.ts });
          expect(content(history.stateAt(entry.time).hub.snapshot())).toEqual(content(truthAt(truth, entry.time)));
        });
        // A body that came and went inside one bucket was never recorded, so neither is its leaving; every other
        // departure is, at its own time (a departure closes its bucket).
        const shown = left.filter((r) => {
          const before = recordedAt.filter((t) => t < r.ts).at(-1);
          return before !== undefined && truthAt(truth, before).bodies[r.id] !== undefined;
        });
        const byTime = (x: { id: string; ts: number }, y: { id: string; ts: number }) => x.ts - y.ts || x.id.localeCompare(y.id);
        expect(recordedLeft.sort(byTime)).toEqual(shown.sort(byTime));
      }),
      { numRuns: 150 },
    );
  });
});

describe('playback session', () => {
  function setup() {
    const { history, truth } = recorded(
      Array.from({ length: 100 }, (_, i): [number, Change[]] => [1_000_000 + (i + 1) * 1000, [{ type: 'station', id: 'S1', state: stationStates[i % 4], ts: 1_000_000 + (i + 1) * 1000 }]]),
      10_000,
    );
    const sent: Array<{ kind: string; frame: Uint8Array }> = [];
    const session = new PlaybackSession(history, {}, { queued: () => 0, send: (kind, frame) => void sent.push({ kind, frame }) });
    return { history, truth, sent, session };
  }

  it('[TT5] seek sends a snapshot of the state at that time; play sends the recorded changes as deltas', () => {
    const { sent, session, history } = setup();
    session.seek(1_000_000 + 10_500);
    expect(sent).toHaveLength(1);
    expect(readHeader(sent[0].frame).type).toBe(FrameType.snapshot);
    const view = new SnapshotBuilder(history.index);
    view.apply(sent[0].frame);
    expect(view.state.stations.S1.state).toBe(stationStates[9 % 4]);
    session.play(2);
    session.advance(1000); // 2 s of state time
    for (const f of sent.slice(1)) view.apply(f.frame);
    expect(session.time).toBe(1_000_000 + 12_500);
    expect(view.state.stations.S1.state).toBe(stationStates[11 % 4]);
  });

  it('[TT6] playing stops at the end; speed is clamped to ×0.25…×120; step moves one second and pauses', () => {
    const { session, history } = setup();
    session.seek(0);
    expect(session.time).toBe(history.from);
    session.setSpeed(1000);
    expect(session.speed).toBe(120);
    session.setSpeed(0.01);
    expect(session.speed).toBe(0.25);
    session.play(120);
    session.advance(10_000);
    expect(session.time).toBe(history.to);
    expect(session.playing).toBe(false);
    session.step(-1);
    expect(session.time).toBe(history.to! - 1000);
    expect(session.playing).toBe(false);
  });
});
