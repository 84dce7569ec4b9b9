/**
 * The engineer view's data: GET /api/kpis over the analysis window, polled every few seconds (live: the
 * last hour up to now; in playback: the hour up to the cursor). Held outside React like the live state:
 * the 3D view reads the heat colours and the bottleneck in useFrame (by version), the KPI bar listens and
 * writes its numbers through refs. One request answers the heatmap, the marker and the KPI bar together.
 */
import { playback } from '../net/playback.ts';
import { heatRgb, heatScales, type HeatStation, type HeatmapMode } from './heat-scale.ts';
import { useTwin } from './store.ts';

export type Momentary = { station: string; since: string; sinceMs: number; activeSeconds: number };

/** The parts of the /api/kpis answer the client reads (docs/analytics.md). */
export type KpiReport = {
  window: { from: string; to: string; fromMs: number; toMs: number; seconds: number };
  taktTime: number;
  line: {
    bodiesCompleted: number;
    jobsPerHour: number;
    plannedJobsPerHour: number;
    jphVsPlan: number;
    taktAdherence: number | null;
    wip: { atEnd: number | null; mean: number | null };
  };
  stations: Array<HeatStation & { name: string }>;
  bottlenecks: { main: string | null; atEnd: Momentary | null; now: Momentary | null };
};

export const POLL_MS = 4000;
/**
 * A rate over less data than this is not shown: one body in the first twenty seconds after a start would read
 * as 180 jobs per hour. Counts (bodies done, WIP) are shown from the start.
 */
export const MIN_RATE_SECONDS = 600;

/** A rate (jobs per hour) as shown: null while the window holds less than MIN_RATE_SECONDS of data. */
export function shownRate(perHour: number, windowSeconds: number): number | null {
  return windowSeconds >= MIN_RATE_SECONDS && Number.isFinite(perHour) ? perHour : null;
}
/** The analysis window: long enough to be a fair average, short enough to show a change within the shift. */
export const WINDOW = '1h';

type Feed = {
  report: KpiReport | null;
  /** Why there is no report (no data yet, server error) as a dictionary key and its values; null when there is one. */
  problem: { key: string; values?: Record<string, number> } | null;
  /** Bumped when `report` or `problem` changed. */
  version: number;
  mode: HeatmapMode;
  /** sRGB 0..1, 3 per station in scene order: the heat colour of each station in `mode`. */
  heat: Float32Array;
  /** KPI value per station in `mode` (NaN: no value). */
  heatValue: Float64Array;
  /** Bumped when the heat colours or the mode changed. */
  heatVersion: number;
  /** Scene index of the momentary bottleneck shown (live: now; playback: at the cursor), -1 none. */
  bottleneck: number;
  bottleneckInfo: Momentary | null;
  bottleneckVersion: number;
};

export const analyticsFeed: Feed = {
  report: null,
  problem: { key: 'net.loading' },
  version: 0,
  mode: 'state',
  heat: new Float32Array(0),
  heatValue: new Float64Array(0),
  heatVersion: 0,
  bottleneck: -1,
  bottleneckInfo: null,
  bottleneckVersion: 0,
};

const listeners = new Set<() => void>();
/** Called after each new report (or failure); returns the unsubscribe function. */
export function onFeed(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

let stationIds: string[] = [];

function recolour(): void {
  const f = analyticsFeed;
  const mode = f.mode;
  const n = stationIds.length;
  if (f.heat.length !== n * 3) {
    f.heat = new Float32Array(n * 3);
    f.heatValue = new Float64Array(n);
  }
  f.heatValue.fill(NaN);
  if (mode !== 'state') {
    const scale = heatScales[mode];
    const byId = new Map((f.report?.stations ?? []).map((s) => [s.id, s]));
    for (let i = 0; i < n; i++) {
      const s = byId.get(stationIds[i]);
      const v = s ? scale.value(s) : null;
      if (v !== null) f.heatValue[i] = v;
      heatRgb(scale, v, f.heat, i * 3);
    }
  }
  f.heatVersion++;
}

function setBottleneck(info: Momentary | null): void {
  const f = analyticsFeed;
  const i = info ? stationIds.indexOf(info.station) : -1;
  if (i !== f.bottleneck || info?.sinceMs !== f.bottleneckInfo?.sinceMs) f.bottleneckVersion++;
  f.bottleneck = i;
  f.bottleneckInfo = i >= 0 ? info : null;
}

function accept(report: KpiReport | null, problem: Feed['problem'], inPlayback: boolean): void {
  const f = analyticsFeed;
  f.report = report;
  f.problem = problem;
  f.version++;
  // In playback the marker shows the bottleneck at the cursor (the window's end), live the one now.
  setBottleneck(report ? (inPlayback ? report.bottlenecks.atEnd : report.bottlenecks.now) : null);
  recolour();
  for (const fn of listeners) fn();
}

/** The query for the window: the hour up to now (live) or up to the cursor (playback). */
export function windowQuery(inPlayback: boolean, cursor: number | null): string {
  return inPlayback && cursor !== null ? `to=${Math.round(cursor)}&window=${WINDOW}` : `window=${WINDOW}`;
}

/**
 * Starts polling for the scene's stations; returns the stop function. Polls every POLL_MS, at once when the
 * heatmap mode or playback mode changes, and soon after the cursor jumped in playback.
 */
export function startAnalyticsFeed(ids: string[]): () => void {
  stationIds = ids;
  analyticsFeed.mode = useTwin.getState().heatmap;
  recolour();
  let stopped = false;
  let inFlight = false;
  let lastAt = -Infinity;
  let lastCursor: number | null = null;
  let lastPlayback = false;

  const poll = async () => {
    if (inFlight || stopped) return;
    inFlight = true;
    const inPlayback = useTwin.getState().playback?.mode === 'playback';
    const cursor = playback.cursor();
    lastAt = performance.now();
    lastCursor = cursor;
    lastPlayback = inPlayback;
    try {
      const res = await fetch(`/api/kpis?${windowQuery(inPlayback, cursor)}`, { cache: 'no-store', signal: AbortSignal.timeout(10_000) });
      const json: unknown = await res.json().catch(() => null);
      if (stopped) return;
      if (res.ok && json && typeof json === 'object' && Array.isArray((json as KpiReport).stations)) accept(json as KpiReport, null, inPlayback);
      else accept(null, res.status === 416 ? { key: 'net.noDataYet' } : { key: 'net.serverAnswered', values: { status: res.status } }, inPlayback);
    } catch {
      if (!stopped) accept(null, { key: 'net.unreachable' }, inPlayback);
    } finally {
      inFlight = false;
    }
  };

  const tick = () => {
    const inPlayback = useTwin.getState().playback?.mode === 'playback';
    const cursor = playback.cursor();
    const jumped = inPlayback && cursor !== null && lastCursor !== null && Math.abs(cursor - lastCursor) > 30_000;
    if (performance.now() - lastAt >= POLL_MS || inPlayback !== lastPlayback || jumped) void poll();
  };
  const timer = window.setInterval(tick, 500);
  void poll();
  const unsub = useTwin.subscribe((s, prev) => {
    if (s.heatmap !== prev.heatmap) {
      analyticsFeed.mode = s.heatmap;
      recolour();
      for (const fn of listeners) fn();
    }
  });
  return () => {
    stopped = true;
    window.clearInterval(timer);
    unsub();
  };
}
