import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeFrame, FrameError, FrameType, FrameWriter, headroomOf, readHeader, RobotRecordStage, RobotRecordTable, type FrameVisitor } from '../../protocol/codec.ts';

function collect(frame: Uint8Array) {
  const out: unknown[] = [];
  const v: FrameVisitor = {
    station: (...a) => out.push(['s', ...a]),
    robot: (...a) => out.push(['r', ...a]),
    body: (...a) => out.push(['b', ...a]),
    meta: (...a) => out.push(['m', ...a]),
  };
  const header = decodeFrame(frame, v);
  return { header, out };
}

describe('codec', () => {
  it('[COD1] round-trips every record kind and the header', () => {
    const w = new FrameWriter();
    w.begin(FrameType.delta, 42, 41, 1_700_000_000_123, 7);
    w.station(3, 2, 0, 5, 1_700_000_000_000);
    w.robot(1, 0, 1, true, 12.5, [0.5, -1, 1.5, -2, 2.5, -3]);
    w.body(5, true, 0, 1, 2, 4, 0.75, 99);
    w.bodyMeta(5, 'WLTSD1234567890AB', '#aabbcc');
    const { header, out } = collect(w.finish());
    expect(header).toEqual({ type: FrameType.delta, revision: 42, baseRevision: 41, time: 1_700_000_000_123, records: 3, bodySlots: 7 });
    expect(out).toEqual([
      ['s', 3, 2, 0, 5, 1_700_000_000_000],
      ['r', 1, 0, 1, true, 12.5, 0.5, -1, 1.5, -2, 2.5, -3],
      ['b', 5, true, 0, 1, 2, 4, 0.75, 99],
      ['m', 5, 'WLTSD1234567890AB', '#aabbcc'],
    ]);
  });

  it('[COD1] a record written from a table (stationRow, a RobotRecordTable row, bodyRow) is the record written from its values', () => {
    const double = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e13, max: 1e13 });
    const u8 = fc.nat(255);
    const row = fc.record({
      station: fc.tuple(u8, u8, fc.integer({ min: -1, max: 1e6 }), double),
      robot: fc.tuple(u8, u8, fc.boolean(), double, fc.array(double, { minLength: 6, maxLength: 6 })),
      body: fc.tuple(fc.boolean(), u8, u8, u8, fc.nat(1e6), fc.float({ noNaN: true }), double),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
        const n = rows.length;
        const st = { state: new Uint8Array(n), quality: new Uint8Array(n), job: new Int32Array(n), ts: new Float64Array(n) };
        const ro = new RobotRecordTable(n);
        const allRobots = new FrameWriter().begin(FrameType.delta, 2, 1, 3, n);
        const bo = { alive: new Uint8Array(n), quality: new Uint8Array(n), model: new Uint8Array(n), locKind: new Uint8Array(n), locIndex: new Uint32Array(n), progress: new Float32Array(n), ts: new Float64Array(n) };
        const values = new FrameWriter().begin(FrameType.delta, 2, 1, 3, n);
        const columns = new FrameWriter().begin(FrameType.delta, 2, 1, 3, n);
        rows.forEach((r, i) => {
          [st.state[i], st.quality[i], st.job[i], st.ts[i]] = r.station;
          const [rs, rq, tool, rts, joints] = r.robot;
          ro.set(i, rs, rq, tool ? 1 : 0, rts, ...(joints as [number, number, number, number, number, number]));
          allRobots.robot(i, rs, rq, tool, rts, joints);
          const [alive, bq, model, kind, li, progress, bts] = r.body;
          [bo.alive[i], bo.quality[i], bo.model[i], bo.locKind[i], bo.locIndex[i], bo.progress[i], bo.ts[i]] = [alive ? 1 : 0, bq, model, kind, li, progress, bts];
          values.station(i, ...r.station);
          values.robot(i, rs, rq, tool, rts, joints);
          values.body(i, alive, bq, model, kind, li, progress, bts);
          columns.stationRow(i, st);
          columns.robotRecordRange(ro, i, i + 1);
          columns.bodyRow(i, bo);
        });
        expect(Buffer.from(columns.finish())).toEqual(Buffer.from(values.finish()));
        // The whole table in one copy: every robot's record, in order.
        const range = new FrameWriter().begin(FrameType.delta, 2, 1, 3, n);
        range.robotRecordRange(ro, 0, n);
        expect(Buffer.from(range.finish())).toEqual(Buffer.from(allRobots.finish()));
      }),
      { numRuns: 300 },
    );
  });

  it('[COD1b] robot records staged (latest value per robot, first-staged order) are the records written from their values; committed into a table, its rows', () => {
    const double = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e13, max: 1e13 });
    const u8 = fc.nat(255);
    const sample = fc.record({ robot: fc.nat(9), state: u8, quality: u8, tool: fc.boolean(), ts: double, joints: fc.array(double, { minLength: 6, maxLength: 6 }) });
    type Sample = { robot: number; state: number; quality: number; tool: boolean; ts: number; joints: number[] };
    const fields = (s: Sample) => [s.state, s.quality, s.tool ? 1 : 0, s.ts, ...s.joints.map(Math.fround)];
    const read = (r: RobotRecordStage | RobotRecordTable, row: number) => [r.state(row), r.quality(row), r.tool(row), r.ts(row), ...[0, 1, 2, 3, 4, 5].map((k) => r.joint(row, k))];
    const zero: Sample = { robot: 0, state: 0, quality: 0, tool: false, ts: 0, joints: [0, 0, 0, 0, 0, 0] };
    fc.assert(
      fc.property(fc.array(fc.array(sample, { maxLength: 25 }), { minLength: 1, maxLength: 3 }), (ticks) => {
        const stage = new RobotRecordStage(10);
        const table = new RobotRecordTable(10);
        const committed = new Map<number, Sample>();
        for (const samples of ticks) {
          const latest = new Map<number, Sample>();
          for (const s of samples) {
            stage.stage(s.robot, s.state, s.quality, s.tool ? 1 : 0, s.ts, ...(s.joints as [number, number, number, number, number, number]));
            latest.set(s.robot, s);
          }
          const want = new FrameWriter().begin(FrameType.delta, 2, 1, 3, 0);
          // A Map keeps the order keys were first set in: the order robots were first staged.
          for (const s of latest.values()) want.robot(s.robot, s.state, s.quality, s.tool, s.ts, s.joints);
          const got = new FrameWriter().begin(FrameType.delta, 2, 1, 3, 0);
          got.robotRecords(stage);
          expect(Buffer.from(got.finish())).toEqual(Buffer.from(want.finish()));
          // The getters read back what the frame holds (joints as float32).
          [...latest.values()].forEach((s, row) => {
            expect(stage.robot(row)).toBe(s.robot);
            expect(read(stage, row)).toEqual(fields(s));
            expect(table.commitRow(stage, row)).toBe(s.robot);
            committed.set(s.robot, s);
          });
          stage.clear();
          expect(stage.length).toBe(0);
          // Every robot's row holds its latest committed record (zeros if none yet), and copies out as written from its values.
          const rows = new FrameWriter().begin(FrameType.snapshot, 2, 0, 3, 0);
          const all = new FrameWriter().begin(FrameType.snapshot, 2, 0, 3, 0);
          for (let i = 0; i < 10; i++) {
            const s = committed.get(i) ?? zero;
            expect(read(table, i)).toEqual(fields(s));
            all.robot(i, s.state, s.quality, s.tool, s.ts, s.joints);
          }
          rows.robotRecordRange(table, 0, 10);
          expect(Buffer.from(rows.finish())).toEqual(Buffer.from(all.finish()));
        }
        table.clear();
        for (let i = 0; i < 10; i++) expect(read(table, i)).toEqual(fields(zero));
      }),
      { numRuns: 300 },
    );
  });

  it('[COD2] grows its buffer for large frames and reuses it', () => {
    const w = new FrameWriter();
    w.begin(FrameType.snapshot, 1, 0, 0, 0);
    for (let i = 0; i < 5000; i++) w.robot(i, 0, 0, false, i, [i, 0, 0, 0, 0, 0]);
    const big = w.finish();
    expect(readHeader(big).records).toBe(5000);
    w.begin(FrameType.delta, 2, 1, 0, 0);
    w.station(0, 1, 0, -1, 0);
    expect(collect(w.finish()).out).toEqual([['s', 0, 1, 0, -1, 0]]);
  });

  it('[COD2b] frames written in place (headroom) stay as finished while later frames fill and outgrow the slab, in slabs not zero-filled', () => {
    // Each frame: some robots (a few thousand outgrow a slab mid-frame), some bodies with metadata.
    const frameSpec = fc.record({ robots: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 2500, max: 7000 })), bodies: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(frameSpec, { minLength: 1, maxLength: 40 }), fc.constantFrom(16, 64), (specs, headroom) => {
        // Slabs full of junk, as a server's allocator that skips zero-filling may hand them out.
        const inPlace = new FrameWriter(headroom, (n) => new Uint8Array(n).fill(0xa5).buffer);
        const copying = new FrameWriter();
        const kept: Array<{ frame: Uint8Array; want: Uint8Array }> = [];
        specs.forEach((spec, n) => {
          for (const w of [inPlace, copying]) {
            w.begin(FrameType.delta, n + 1, n, 1_700_000_000_000 + n, 0);
            for (let i = 0; i < spec.robots; i++) w.robot(i, 1, 0, i % 2 === 0, n * 1000 + i, [n, i, 0.5, -0.5, 1, 2]);
            for (let b = 0; b < spec.bodies; b++) {
              w.body(b, true, 0, 1, 2, 3, 0.25, n);
              w.bodyMeta(b, `body-${n}-${b}`, b % 2 === 0 ? '#a1b2c3' : null);
            }
            w.setBodySlots(spec.bodies + n);
          }
          kept.push({ frame: inPlace.finish(), want: copying.finish() });
        });
        for (const { frame, want } of kept) {
          // Unchanged by any later frame, with its headroom in front of it, eight-byte aligned.
          expect(Buffer.compare(Buffer.from(frame), Buffer.from(want))).toBe(0);
          expect(frame.byteOffset).toBeGreaterThanOrEqual(headroom);
          expect(frame.byteOffset % 8).toBe(0);
        }
        // The headroom is offered for the newest frame only (the one a hub sends right away).
        expect(kept.map((k) => headroomOf(k.frame))).toEqual(kept.map((_, i) => (i === kept.length - 1 ? headroom : 0)));
        // No two frames of one slab overlap, headroom included.
        for (let a = 0; a < kept.length; a++)
          for (let b = a + 1; b < kept.length; b++) {
            const x = kept[a].frame;
            const y = kept[b].frame;
            if (x.buffer !== y.buffer) continue;
            expect(y.byteOffset - headroom >= x.byteOffset + x.byteLength || x.byteOffset - headroom >= y.byteOffset + y.byteLength).toBe(true);
          }
        // A frame copied out by the default writer has no headroom to offer.
        expect(headroomOf(kept[0].want)).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('[COD3] rejects malformed frames with a FrameError before visiting anything', () => {
    const w = new FrameWriter();
    w.begin(FrameType.delta, 2, 1, 0, 0);
    w.station(0, 1, 0, -1, 0);
    const good = w.finish();
    const cases: Array<[Uint8Array, RegExp]> = [
      [good.slice(0, 10), /too short/],
      [Uint8Array.from(good, (b, i) => (i === 0 ? 0 : b)), /magic/],
      [Uint8Array.from(good, (b, i) => (i === 1 ? 9 : b)), /codec version/],
      [Uint8Array.from(good, (b, i) => (i === 2 ? 7 : b)), /frame type/],
      [good.slice(0, good.length - 1), /length|truncated/],
      [Uint8Array.from(good, (b, i) => (i === 44 ? 99 : b)), /tag/],
    ];
    for (const [frame, msg] of cases) {
      let visited = 0;
      const v: FrameVisitor = { station: () => visited++, robot: () => visited++, body: () => visited++, meta: () => visited++ };
      expect(() => decodeFrame(frame, v)).toThrow(FrameError);
      expect(() => decodeFrame(frame, v)).toThrow(msg);
      expect(visited).toBe(0);
    }
  });

  it('[COD4] random bytes never throw anything but FrameError', () => {
    const v: FrameVisitor = { station() {}, robot() {}, body() {}, meta() {} };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, withHeader) => {
        if (withHeader && bytes.length > 3) { bytes[0] = 0x4c; bytes[1] = 1; bytes[2] = 2; }
        try {
          decodeFrame(bytes, v);
        } catch (e) {
          expect(e).toBeInstanceOf(FrameError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
