/** The reports as CSV (RFC 4180: a header row, comma-separated, CRLF, fields quoted when they need it). */
import type { BottleneckKpis } from './bottlenecks.ts';
import type { AnalyticsReport } from './report.ts';

type Cell = string | number | null | undefined;

export const kpiCsvColumns = [
  'station',
  'name',
  'working',
  'starved',
  'blocked',
  'down',
  'setup',
  'off',
  'unknown',
  'planned_s',
  'run_s',
  'jobs_completed',
  'throughput_per_hour',
  'nominal_cycle_s',
  'cycle_count',
  'cycle_mean_s',
  'cycle_p50_s',
  'cycle_p95_s',
  'cycle_mean_vs_takt',
  'cycle_p50_vs_takt',
  'cycle_p95_vs_takt',
  'cycle_mean_vs_nominal',
  'cycle_p50_vs_nominal',
  'cycle_p95_vs_nominal',
  'interval_count',
  'interval_mean_s',
  'interval_p50_s',
  'interval_p95_s',
  'availability',
  'performance',
  'quality',
  'oee',
  'bottleneck_sole',
  'bottleneck_shifting',
  'bottleneck_total',
] as const;

export function kpisCsv(report: AnalyticsReport): string {
  const rows: Cell[][] = [[...kpiCsvColumns]];
  for (const s of report.stations) {
    const c = s.cycleTime;
    const g = s.jobInterval;
    const sh = s.shares;
    rows.push([
      s.id,
      s.name,
      sh.working,
      sh.starved,
      sh.blocked,
      sh.down,
      sh.setup,
      sh.off,
      sh.unknown,
      s.plannedSeconds,
      s.runSeconds,
      s.jobsCompleted,
      s.throughputPerHour,
      s.nominalCycleTime,
      c.count,
      c.mean,
      c.p50,
      c.p95,
      c.meanVsTakt,
      c.p50VsTakt,
      c.p95VsTakt,
      c.meanVsNominal,
      c.p50VsNominal,
      c.p95VsNominal,
      g.count,
      g.mean,
      g.p50,
      g.p95,
      s.availability,
      s.performance,
      s.quality,
      s.oee,
      s.bottleneck.sole,
      s.bottleneck.shifting,
      s.bottleneck.total,
    ]);
  }
  return toCsv(rows);
}

export const bottleneckCsvColumns = ['station', 'name', 'sole', 'shifting', 'total', 'sole_s', 'shifting_s', 'rank'] as const;

export function bottlenecksCsv(b: BottleneckKpis): string {
  const rows: Cell[][] = [[...bottleneckCsvColumns]];
  for (const s of b.stations) {
    const rank = b.ranking.indexOf(s.id);
    rows.push([s.id, s.name, s.sole, s.shifting, s.total, s.soleSeconds, s.shiftingSeconds, rank >= 0 ? rank + 1 : null]);
  }
  return toCsv(rows);
}

export function toCsv(rows: Cell[][]): string {
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/** Empty for null; numbers as JavaScript prints them; text quoted when it holds a comma, quote or line break. */
export function field(v: Cell): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
