/**
 * GET /api/kpis and GET /api/bottlenecks (docs/analytics.md): station and line KPIs and the active
 * period bottleneck analysis of a time window, as JSON or CSV. GET /api/stations/:id/timeline: one
 * station's states, jobs and breakdowns over a window (the station panel). GET /api/bodies/:vin/route:
 * where one body has been, with its dwell time at each place (follow a body); `?at=` as of a past time
 * (playback), so a viewer looking back does not see the body's future.
 *
 * `createAnalyticsHandler(deps)` returns `(req, res) => boolean`: true when it answered the request,
 * false for any other path, so it can sit in front of the API's 404 fallback.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedScene } from '../../protocol/scene.ts';
import type { History } from '../hub/history.ts';
import type { Hub } from '../hub/twin-hub.ts';
import { momentary } from '../analytics/bottlenecks.ts';
import { bottlenecksCsv, kpisCsv } from '../analytics/csv.ts';
import { analyse, clipWindow, iso, type AnalyticsReport } from '../analytics/report.ts';
import type { BodyRoute } from '../analytics/body-routes.ts';
import { parseTime } from './routes.ts';
import { StationTimelines, type StationTimeline } from '../analytics/station-timelines.ts';
import type { HttpFailure } from '../../protocol/http-errors.ts';
import { httpFailure } from './http-error.ts';

export type AnalyticsDeps = {
  /** The live store (attached to the hub), or one built over a whole recording; null when none. */
  analytics: StationTimelines | null;
  /** Recorded or live history, for windows the store does not hold; null when none. */
  history: History | null;
  scene: ResolvedScene;
  /** Its clock is "now". */
  hub: Hub;
};

const HOUR = 3600_000;
const namedWindows: Record<string, number> = { '15m': 15 * 60_000, '1h': HOUR, '8h': 8 * HOUR, shift: 8 * HOUR };
const params = ['from', 'to', 'window', 'format'] as const;

type Query = { from: number; to: number; format: 'json' | 'csv' };
/** A bad query parameter's answer (400): the coded error and the parameter's name. */
export type ParameterError = HttpFailure & { parameter: string };

export function createAnalyticsHandler(deps: AnalyticsDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  let fromHistory: { key: string; store: StationTimelines } | null = null;

  /**
   * Every page polls /api/kpis every few seconds (heatmap, marker, KPI bar), and a classroom or a show stand
   * has many pages: one analysis serves all requests for the same window. Live windows that end "now" end on
   * a whole second, so requests within a second share one; the live store's answers are kept for a second,
   * a recording's (which never changes) until pushed out.
   */
  const reports = new Map<string, { at: number; report: AnalyticsReport }>();
  function analyseShared(store: StationTimelines, from: number, to: number): AnalyticsReport {
    const live = store === deps.analytics;
    const key = `${live ? 'live' : (fromHistory?.key ?? 'history')}|${from}|${to}`;
    const t = Date.now();
    const hit = reports.get(key);
    if (hit && (!live || t - hit.at < LIVE_REPORT_TTL_MS)) return hit.report;
    const report = analyse(store, from, to);
    reports.delete(key);
    reports.set(key, { at: t, report });
    // Oldest first in a Map: drop beyond the bound.
    while (reports.size > REPORT_CACHE_SIZE) reports.delete(reports.keys().next().value as string);
    return report;
  }

  /** The live store when it holds the window's start or nothing earlier exists; else a store over the whole history. */
  function storeFor(from: number): StationTimelines | null {
    const live = deps.analytics;
    const h = deps.history;
    const liveFrom = live?.from ?? null;
    const earlier = h !== null && h.from !== null && h.to !== null && (liveFrom === null || h.from < liveFrom);
    if (live && liveFrom !== null && (liveFrom <= from || !earlier)) return live;
    if (!earlier) return null;
    // A recording does not change, so this is built once; a live history only when asked past the store.
    const key = `${h.from}|${h.to}`;
    if (fromHistory?.key !== key) fromHistory = { key, store: StationTimelines.fromHistory(h, h.from as number, h.to as number) };
    return fromHistory.store;
  }

  function now(): number {
    deps.analytics?.sync();
    const t = deps.hub.time;
    if (t > 0) return t;
    return deps.analytics?.to ?? deps.history?.to ?? Date.now();
  }

  function outsideData(res: ServerResponse, q: { from: number; to: number }): void {
    const h = deps.history;
    const dataFrom = Math.min(deps.analytics?.from ?? Infinity, h?.from ?? Infinity);
    const dataTo = Math.max(deps.analytics?.to ?? -Infinity, h?.to ?? -Infinity);
    const covered = Number.isFinite(dataFrom) && Number.isFinite(dataTo);
    sendJson(res, 416, {
      ...(covered ? httpFailure('outside-data', { from: iso(q.from), to: iso(q.to), dataFrom: iso(dataFrom), dataTo: iso(dataTo) }) : httpFailure('no-data-yet')),
      from: covered ? iso(dataFrom) : null,
      to: covered ? iso(dataTo) : null,
      fromMs: covered ? dataFrom : null,
      toMs: covered ? dataTo : null,
    });
  }

  function stationTimeline(res: ServerResponse, id: string, sp: URLSearchParams): void {
    const station = deps.scene.stations.find((s) => s.id === id);
    if (!station) {
      sendJson(res, 404, { ...httpFailure('no-station', { station: id, scene: deps.scene.id }), station: id });
      return;
    }
    const q = parseQuery(sp, now());
    if ('error' in q) {
      sendJson(res, 400, q);
      return;
    }
    if (q.format !== 'json') {
      sendJson(res, 400, { ...httpFailure('json-only'), parameter: 'format' });
      return;
    }
    const store = storeFor(q.from);
    const w = store ? clipWindow(store, q.from, q.to) : null;
    if (!store || !w || 'error' in w) {
      outsideData(res, q);
      return;
    }
    const tl = store.timeline(id, w.from, w.to);
    if (!tl) {
      sendJson(res, 404, { ...httpFailure('station-not-analysed', { station: id }), station: id });
      return;
    }
    sendJson(res, 200, timelineJson(tl, station, deps.scene.taktTime, w, store.to ?? w.to));
  }

  function bodyRoute(res: ServerResponse, vin: string, sp: URLSearchParams): void {
    const at = parseAt(sp);
    if (at !== null && typeof at === 'object') {
      sendJson(res, 400, at);
      return;
    }
    // The live store first (a body now in the plant); else a store already built over the history.
    const stores = [deps.analytics, fromHistory?.store].filter((s): s is StationTimelines => !!s);
    let later: number | null = null;
    for (const store of stores) {
      store.sync();
      const r = store.routes.get(vin);
      if (!r) continue;
      // Seen only after `at` here (another store may hold an earlier route of a reused id).
      if (at !== null && r.firstSeen > at) {
        later = Math.min(later ?? Infinity, r.firstSeen);
        continue;
      }
      const end = store.to ?? r.firstSeen;
      // Never past the data: as of a time beyond it, the route is what the data holds.
      sendJson(res, 200, bodyRouteJson(r, deps.scene, at === null ? end : Math.min(at, end), at !== null));
      return;
    }
    if (later !== null && at !== null) {
      sendJson(res, 404, { ...httpFailure('body-not-yet', { vin, at: iso(at), firstSeen: iso(later) }), vin, firstSeen: later });
      return;
    }
    sendJson(res, 404, { ...(stores.length === 0 ? httpFailure('no-analytics') : httpFailure('no-body', { vin })), vin });
  }

  return function handleAnalytics(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    const stationMatch = /^\/api\/stations\/([^/]+)\/timeline$/.exec(p);
    const bodyMatch = /^\/api\/bodies\/([^/]+)\/route$/.exec(p);
    const route = p === '/api/kpis' ? 'kpis' : p === '/api/bottlenecks' ? 'bottlenecks' : stationMatch ? 'timeline' : bodyMatch ? 'route' : null;
    if (route === null) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, httpFailure('method-not-allowed', { method: String(req.method) }), { allow: 'GET, HEAD' });
      return true;
    }
    if (route === 'timeline' || route === 'route') {
      let id: string;
      try {
        id = decodeURIComponent((stationMatch ?? bodyMatch)![1]);
      } catch {
        sendJson(res, 400, httpFailure('bad-path-encoding'));
        return true;
      }
      if (route === 'timeline') stationTimeline(res, id, url.searchParams);
      else bodyRoute(res, id, url.searchParams);
      return true;
    }
    const q = parseQuery(url.searchParams, Math.floor(now() / 1000) * 1000);
    if ('error' in q) {
      sendJson(res, 400, q);
      return true;
    }
    const store = storeFor(q.from);
    const w = store ? clipWindow(store, q.from, q.to) : null;
    if (!store || !w || 'error' in w) {
      outsideData(res, q);
      return true;
    }
    const shared = analyseShared(store, q.from, q.to);
    // The store may be one built from history; "now" is always the live one where there is one. (A copy:
    // the shared report is not written to.)
    const report: AnalyticsReport = { ...shared, bottlenecks: { ...shared.bottlenecks } };
    const live = deps.analytics?.currentBottleneck();
    if (live) report.bottlenecks.now = momentary(live);
    const stamp = report.window.from.replace(/[:.]/g, '-');
    if (route === 'kpis') {
      if (q.format === 'csv') sendCsv(res, kpisCsv(report), `kpis-${stamp}.csv`, report);
      else sendJson(res, 200, report);
    } else if (q.format === 'csv') sendCsv(res, bottlenecksCsv(report.bottlenecks), `bottlenecks-${stamp}.csv`, report);
    else sendJson(res, 200, { window: report.window, data: report.data, ...report.bottlenecks, notes: [...w.notes, ...report.bottlenecks.notes] });
    return true;
  };
}

const LIVE_REPORT_TTL_MS = 1000;
const REPORT_CACHE_SIZE = 32;

const seconds = (ms: number) => Math.round(ms) / 1000;

/** One station's timeline as JSON: epoch ms times (the client draws them), durations in seconds. */
function timelineJson(tl: StationTimeline, station: { name: string; cycleTime: number }, taktTime: number, w: { from: number; to: number; notes: string[] }, dataTo: number) {
  const breakdowns: Array<{ from: number; to: number; seconds: number; ongoing: boolean }> = [];
  for (const iv of tl.intervals) {
    if (iv.state !== 'down') continue;
    const prev = breakdowns[breakdowns.length - 1];
    // Intervals are consecutive: two down intervals in a row are one breakdown (a report with only a new job).
    if (prev && prev.to === iv.from) {
      prev.to = iv.to;
      prev.seconds = seconds(prev.to - prev.from);
    } else breakdowns.push({ from: iv.from, to: iv.to, seconds: seconds(iv.to - iv.from), ongoing: false });
  }
  const lastDown = breakdowns[breakdowns.length - 1];
  if (lastDown && lastDown.to >= dataTo && tl.intervals[tl.intervals.length - 1]?.state === 'down') lastDown.ongoing = true;
  return {
    station: tl.station,
    name: station.name,
    window: { from: iso(w.from), to: iso(w.to), fromMs: w.from, toMs: w.to, seconds: seconds(w.to - w.from) },
    taktTime,
    nominalCycleTime: station.cycleTime,
    intervals: tl.intervals,
    jobs: tl.jobs.map((j) => ({ job: j.job, start: j.start, end: j.end, cycleSeconds: seconds(j.workMs), startKnown: j.startKnown })),
    current: tl.current ? { job: tl.current.job, start: tl.current.start, workSeconds: seconds(tl.current.workMs) } : null,
    breakdowns,
    notes: w.notes,
  };
}

/**
 * A body's route as JSON, with the dwell time at each place (an open visit is timed up to `now`). `clip`:
 * the route as known at `now`, a past time: visits entered later are left out, the one in progress then is
 * open, and a removal after `now` has not happened yet.
 */
export function bodyRouteJson(r: BodyRoute, scene: ResolvedScene, now: number, clip = false) {
  const names = new Map(scene.stations.map((s) => [s.id, s.name]));
  const removed = clip && r.removed !== null && r.removed > now ? null : r.removed;
  const kept = clip ? r.visits.filter((v) => v.from <= now) : r.visits;
  const visits = kept.map((v) => {
    const to = clip && v.to !== null && v.to > now ? null : v.to;
    const end = to ?? Math.max(now, v.from);
    return {
      kind: v.kind,
      id: v.id,
      name: v.kind === 'station' ? (names.get(v.id) ?? v.id) : v.id,
      from: v.from,
      to,
      dwellSeconds: seconds(end - v.from),
      open: to === null,
      enteredBeforeData: v.enteredBeforeData,
    };
  });
  const notes: string[] = [];
  if (r.droppedVisits > 0) notes.push(`the first ${r.droppedVisits} visits are not kept`);
  if (visits.some((v) => v.enteredBeforeData)) notes.push('the body was in the plant before the data began: its first dwell time is a lower bound');
  return {
    vin: r.id,
    inPlant: removed === null,
    firstSeen: r.firstSeen,
    removed,
    visits,
    stationSeconds: seconds(visits.reduce((a, v) => a + (v.kind === 'station' ? v.dwellSeconds * 1000 : 0), 0)),
    totalSeconds: seconds((removed ?? Math.max(now, r.firstSeen)) - r.firstSeen),
    // The facts behind the notes, for a client that words them itself (the browser, in its language).
    droppedVisits: r.droppedVisits,
    notes,
  };
}

/** A route's only parameter: `at`, the time it is asked as of (null: now); or an error naming the parameter. */
export function parseAt(sp: URLSearchParams): number | null | ParameterError {
  for (const key of sp.keys()) {
    if (key !== 'at') return { ...httpFailure('unknown-parameter', { parameter: key, expected: 'at' }), parameter: key };
    if (sp.getAll(key).length > 1) return { ...httpFailure('repeated-parameter', { parameter: key }), parameter: key };
  }
  return timeParam(sp, 'at');
}

/** A time parameter: null when absent, the time, or an error naming the parameter. */
function timeParam(sp: URLSearchParams, name: string): number | null | ParameterError {
  const text = sp.get(name);
  if (text === null) return null;
  const t = parseTime(text);
  return t === null ? { ...httpFailure('invalid-time', { parameter: name, value: text }), parameter: name } : t;
}

/** The window asked for, resolved against `now`; or an error naming the parameter. */
export function parseQuery(sp: URLSearchParams, now: number): Query | ParameterError {
  for (const key of sp.keys()) {
    if (!(params as readonly string[]).includes(key)) return { ...httpFailure('unknown-parameter', { parameter: key, expected: params.join(', ') }), parameter: key };
    if (sp.getAll(key).length > 1) return { ...httpFailure('repeated-parameter', { parameter: key }), parameter: key };
  }
  const from = timeParam(sp, 'from');
  if (from !== null && typeof from === 'object') return from;
  const to = timeParam(sp, 'to');
  if (to !== null && typeof to === 'object') return to;
  const wText = sp.get('window');
  let span: number | null = null;
  if (wText !== null) {
    span = parseSpan(wText);
    if (span === null) return { ...httpFailure('invalid-window', { value: wText }), parameter: 'window' };
    if (from !== null && to !== null) return { ...httpFailure('window-overdetermined'), parameter: 'window' };
  }
  const format = sp.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') return { ...httpFailure('invalid-format', { value: format }), parameter: 'format' };
  const len = span ?? HOUR;
  let f: number;
  let t: number;
  if (from !== null && to !== null) [f, t] = [from, to];
  else if (from !== null) [f, t] = [from, span !== null ? from + span : now];
  else if (to !== null) [f, t] = [to - len, to];
  else [f, t] = [now - len, now];
  if (!(t > f)) return { ...httpFailure('from-not-before-to', { from: iso(f), to: iso(t) }), parameter: 'from' };
  return { from: f, to: t, format };
}


/** 15m, 1h, 8h, shift (8 h), or any number of s, m or h. */
function parseSpan(text: string): number | null {
  const named = namedWindows[text];
  if (named !== undefined) return named;
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : HOUR);
  return ms > 0 ? ms : null;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

function sendCsv(res: ServerResponse, text: string, filename: string, report: AnalyticsReport): void {
  send(res, 200, text, {
    'content-type': 'text/csv; charset=utf-8; header=present',
    'content-disposition': `attachment; filename="${filename}"`,
    'x-window-from': report.window.from,
    'x-window-to': report.window.to,
  });
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  res.writeHead(status, { 'cache-control': 'no-store', ...headers });
  res.end(res.req?.method === 'HEAD' ? undefined : text);
}
