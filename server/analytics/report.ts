/** The whole analysis of one window: station KPIs, line KPIs and bottlenecks, with notes. */
import { bottleneckKpis, type BottleneckKpis } from './bottlenecks.ts';
import { lineKpis, stationKpis, type LineKpis, type StationKpis } from './kpis.ts';
import type { StationTimelines } from './station-timelines.ts';

export type AnalysisWindow = { from: string; to: string; fromMs: number; toMs: number; seconds: number };

export type StationReport = StationKpis & { bottleneck: { sole: number; shifting: number; total: number } };

export type AnalyticsReport = {
  window: AnalysisWindow;
  /** The data the store holds. */
  data: { from: string | null; to: string | null };
  taktTime: number;
  line: LineKpis;
  stations: StationReport[];
  bottlenecks: BottleneckKpis;
  notes: string[];
};

export type WindowResolution = { from: number; to: number; notes: string[] } | { error: string; dataFrom: number | null; dataTo: number | null };

/** Clips [from, to) to the store's data; an error when they do not overlap. */
export function clipWindow(store: StationTimelines, from: number, to: number): WindowResolution {
  const df = store.from;
  const dt = store.to;
  if (df === null || dt === null) return { error: 'no data yet', dataFrom: null, dataTo: null };
  const f = Math.max(from, df);
  const t = Math.min(to, dt);
  if (!(t > f)) return { error: `the window ${iso(from)} to ${iso(to)} is outside the data, which covers ${iso(df)} to ${iso(dt)}`, dataFrom: df, dataTo: dt };
  const notes: string[] = [];
  if (f > from || t < to) notes.push(`the data covers ${iso(df)} to ${iso(dt)}: the window was clipped to ${iso(f)} to ${iso(t)}`);
  return { from: f, to: t, notes };
}

/** KPIs and bottlenecks of [from, to), clipped to the data (see clipWindow). */
export function analyse(store: StationTimelines, from: number, to: number): AnalyticsReport {
  store.sync();
  const w = clipWindow(store, from, to);
  if ('error' in w) throw new RangeError(`analytics: ${w.error}`);
  const notes = [...w.notes];
  const bottlenecks = bottleneckKpis(store, w.from, w.to);
  const stations = store.stationIds.map((_, s): StationReport => {
    const b = bottlenecks.stations[s];
    return { ...stationKpis(store, s, w.from, w.to), bottleneck: { sole: b.sole, shifting: b.shifting, total: b.total } };
  });
  const line = lineKpis(store, w.from, w.to);
  notes.push('quality is not in the data: OEE is availability × performance, with quality null');
  if (line.departuresFrom === 'end-station-jobs') notes.push('no body removals in the data: finished bodies are the jobs completed at the end stations');
  if (!store.hasBodies) notes.push('no body reports in the data: work in progress is unknown');
  notes.push(...bottlenecks.notes);
  return {
    window: { from: iso(w.from), to: iso(w.to), fromMs: w.from, toMs: w.to, seconds: (w.to - w.from) / 1000 },
    data: { from: store.from === null ? null : iso(store.from), to: store.to === null ? null : iso(store.to) },
    taktTime: store.scene.taktTime,
    line,
    stations,
    bottlenecks,
    notes,
  };
}

export function iso(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString();
}
