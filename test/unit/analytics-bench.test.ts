import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyseChanges, parseLog, runAnalyticsBench } from '../../server/analytics/bench.ts';
import { generateShiftLog } from '../../server/analytics/shift-log.ts';
import { quantile } from '../../server/analytics/stats.ts';

describe('analytics benchmark', () => {
  it('BENCH1 the synthetic shift log is deterministic, in time order, and its slow station is the bottleneck', () => {
    const a = generateShiftLog({ stations: 8, hours: 1, seed: 4 });
    const b = generateShiftLog({ stations: 8, hours: 1, seed: 4 });
    expect(a.text).toBe(b.text);
    expect(generateShiftLog({ stations: 8, hours: 1, seed: 5 }).text).not.toBe(a.text);
    const changes = parseLog(a.text);
    expect(changes).toHaveLength(a.lines);
    expect(changes.filter((c) => c.type === 'station')).toHaveLength(a.stationEvents);
    for (let i = 1; i < changes.length; i++) expect(changes[i].ts).toBeGreaterThanOrEqual(changes[i - 1].ts);
    const report = analyseChanges(changes, a.scene, a.start, a.end);
    expect(report.bottlenecks.main).toBe(a.scene.stations[a.slowStation].id);
    expect(report.line.bodiesCompleted).toBeGreaterThan(400);
  });

  it('BENCH2 runAnalyticsBench returns the timings and their ratio', async () => {
    const r = await runAnalyticsBench({ stations: 10, hours: 1, repeat: 1 });
    expect(r.events).toBeGreaterThan(10_000);
    expect(r.parseMs).toBeGreaterThan(0);
    expect(r.analyseMs).toBeGreaterThan(0);
    expect(r.ratio).toBeCloseTo(r.analyseMs / r.parseMs, 9);
  });

  it('STAT1 the selection-based quantile equals interpolation over the sorted values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }), fc.constantFrom(0, 0.5, 0.95, 1), (xs, p) => {
        const sorted = [...xs].sort((x, y) => x - y);
        const h = (xs.length - 1) * p;
        const lo = Math.floor(h);
        const want = sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, xs.length - 1)] ?? 0) - sorted[lo]);
        expect(quantile(Float64Array.from(xs), p)).toBeCloseTo(want, 9);
      }),
      { numRuns: 400 },
    );
  });
});
