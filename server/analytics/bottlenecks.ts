/** Bottleneck shares of a window, from the store's momentary bottleneck segments. */
import { classifySegments, segmentBefore, SEG_PERIOD_END, SEG_PERIOD_START, SEG_STATION, type SegmentSequence } from './active-periods.ts';
import type { StationTimelines, MomentaryBottleneck } from './station-timelines.ts';
import { round } from './stats.ts';

export type StationBottleneck = {
  id: string;
  name: string;
  /** Shares of the window. */
  sole: number;
  shifting: number;
  /** sole + shifting. */
  total: number;
  soleSeconds: number;
  shiftingSeconds: number;
};

export type MomentaryBottleneckOut = {
  station: string;
  /** Start of its active period. */
  since: string;
  sinceMs: number;
  /** Length of the active period (so far, when it is still in progress), seconds. */
  activeSeconds: number;
};

export type BottleneckKpis = {
  method: 'active-period';
  /** Scene order. */
  stations: StationBottleneck[];
  /** Station ids, largest total share first (stations that were never a bottleneck left out). */
  ranking: string[];
  /** The station with the largest total share, or null when no station was ever active. */
  main: string | null;
  /** Share of the window in which no station was active. */
  noBottleneck: number;
  /** The momentary bottleneck at the end of the window. */
  atEnd: MomentaryBottleneckOut | null;
  /** The momentary bottleneck now (the store's latest time). */
  now: MomentaryBottleneckOut | null;
  notes: string[];
};

export function bottleneckKpis(store: StationTimelines, from: number, to: number): BottleneckKpis {
  const seq = segmentsFor(store, to);
  const times = classifySegments(seq, store.stationCount, from, to);
  const windowMs = to - from;
  const share = (ms: number) => round(windowMs > 0 ? ms / windowMs : 0) as number;
  const stations = store.stationIds.map((id, s): StationBottleneck => ({
    id,
    name: store.scene.stations[s].name,
    sole: share(times.soleMs[s]),
    shifting: share(times.shiftingMs[s]),
    total: share(times.soleMs[s] + times.shiftingMs[s]),
    soleSeconds: round(times.soleMs[s] / 1000, 3) as number,
    shiftingSeconds: round(times.shiftingMs[s] / 1000, 3) as number,
  }));
  // Ties: more sole time first, then scene order.
  const order = stations
    .map((_, s) => s)
    .filter((s) => times.soleMs[s] + times.shiftingMs[s] > 0)
    .sort((a, b) => times.soleMs[b] + times.shiftingMs[b] - (times.soleMs[a] + times.shiftingMs[a]) || times.soleMs[b] - times.soleMs[a] || a - b);
  let atEnd: MomentaryBottleneckOut | null = null;
  const k = segmentBefore(seq, to);
  if (k >= 0) {
    const ps = seq.get(k, SEG_PERIOD_START);
    atEnd = momentary({ station: store.stationIds[seq.get(k, SEG_STATION)], since: ps, activeMs: seq.get(k, SEG_PERIOD_END) - ps });
  }
  const now = store.currentBottleneck();
  return {
    method: 'active-period',
    stations,
    ranking: order.map((s) => store.stationIds[s]),
    main: order.length > 0 ? store.stationIds[order[0]] : null,
    noBottleneck: share(times.noneMs),
    atEnd,
    now: now ? momentary(now) : null,
    notes: now !== null && store.to !== null && to >= store.to ? ['active periods still in progress are measured up to the end of the data'] : [],
  };
}

export function momentary(m: MomentaryBottleneck): MomentaryBottleneckOut {
  return { station: m.station, since: new Date(m.since).toISOString(), sinceMs: m.since, activeSeconds: round(m.activeMs / 1000, 3) as number };
}

/** The settled segments alone when they reach past `to` (no run over the unsettled rest needed). */
function segmentsFor(store: StationTimelines, to: number): SegmentSequence {
  const settled = store.segments(false);
  const k = settled.lowerBound(to, SEG_PERIOD_START);
  if (k < settled.length) return settled;
  return store.segments(true);
}
