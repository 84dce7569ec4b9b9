/**
 * Deltas (issue 9): what a client receives per tick once it holds the state, against the snapshot a
 * newcomer gets. On the demo plant driven by the simulator at the server's defaults (20 Hz ticks,
 * robots sampled at 10 Hz, four hours of warm-up so the line is full). Exact byte counts, not timings.
 */
import { row, sig, sum, type BenchContext, type Benchmark, type Row } from './harness.ts';
import { buildWorkload } from './workload.ts';

export const deltasBench: Benchmark = {
  name: 'deltas',
  title: 'steady-state delta bytes per tick vs snapshot bytes (demo plant, simulator)',
  async run(ctx: BenchContext): Promise<Row[]> {
    // One simulated minute, or ten seconds when quick.
    const ticks = ctx.quick ? 200 : 1200;
    const w = buildWorkload({ scale: 1, ticks, warmupS: 14_400, tickMs: 50, sampleHz: 10 });
    const sizes = w.frames.map((f) => f.byteLength);
    const mean = sum(sizes) / sizes.length;
    const sorted = [...sizes].sort((a, b) => a - b);
    return [
      row('deltas', 'deltas: bytes per tick vs snapshot', mean / w.snapshotBytes, { op: '<=', value: 0.2 }, {
        meanDeltaBytes: Math.round(mean),
        p95DeltaBytes: sorted[Math.floor(sorted.length * 0.95)],
        snapshotBytes: w.snapshotBytes,
        ticks,
        emptyTicks: sizes.filter((s) => s === 0).length,
        deltaKBps: sig((mean * (1000 / w.tickMs)) / 1000),
      }),
    ];
  },
};
