/**
 * GET /api/kpis and GET /api/bottlenecks (docs/analytics.md): station and line KPIs and the active
 * period bottleneck analysis of a time window, as JSON or CSV.
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
import { StationTimelines } from '../analytics/station-timelines.ts';

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

export function createAnalyticsHandler(deps: AnalyticsDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  let fromHistory: { key: string; store: StationTimelines } | null = null;

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

  return function handleAnalytics(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname === '/api/kpis' ? 'kpis' : url.pathname === '/api/bottlenecks' ? 'bottlenecks' : null;
    if (route === null) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: `method ${req.method} not allowed; use GET` }, { allow: 'GET, HEAD' });
      return true;
    }
    const q = parseQuery(url.searchParams, now());
    if ('error' in q) {
      sendJson(res, 400, q);
      return true;
    }
    const store = storeFor(q.from);
    const w = store ? clipWindow(store, q.from, q.to) : null;
    if (!store || !w || 'error' in w) {
      const h = deps.history;
      const dataFrom = Math.min(deps.analytics?.from ?? Infinity, h?.from ?? Infinity);
      const dataTo = Math.max(deps.analytics?.to ?? -Infinity, h?.to ?? -Infinity);
      const covered = Number.isFinite(dataFrom) && Number.isFinite(dataTo);
      sendJson(res, 416, {
        error: covered ? `the window ${iso(q.from)} to ${iso(q.to)} is outside the data, which covers ${iso(dataFrom)} to ${iso(dataTo)}` : 'no data yet: analytics needs station reports',
        from: covered ? iso(dataFrom) : null,
        to: covered ? iso(dataTo) : null,
        fromMs: covered ? dataFrom : null,
        toMs: covered ? dataTo : null,
      });
      return true;
    }
    const report = analyse(store, q.from, q.to);
    // The store may be one built from history; "now" is always the live one where there is one.
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

/** The window asked for, resolved against `now`; or an error naming the parameter. */
export function parseQuery(sp: URLSearchParams, now: number): Query | { error: string; parameter: string } {
  for (const key of sp.keys()) {
    if (!(params as readonly string[]).includes(key)) return { error: `unknown parameter "${key}"; expected ${params.join(', ')}`, parameter: key };
    if (sp.getAll(key).length > 1) return { error: `${key}: given more than once`, parameter: key };
  }
  const time = (name: 'from' | 'to'): number | null | { error: string; parameter: string } => {
    const text = sp.get(name);
    if (text === null) return null;
    const t = parseTime(text);
    return t === null ? { error: `${name}: expected an ISO 8601 time or epoch milliseconds, got "${text}"`, parameter: name } : t;
  };
  const from = time('from');
  if (from !== null && typeof from === 'object') return from;
  const to = time('to');
  if (to !== null && typeof to === 'object') return to;
  const wText = sp.get('window');
  let span: number | null = null;
  if (wText !== null) {
    span = parseSpan(wText);
    if (span === null) return { error: `window: expected 15m, 1h, 8h, shift or a duration such as 90s, 30m, 2h; got "${wText}"`, parameter: 'window' };
    if (from !== null && to !== null) return { error: 'window: give at most two of from, to and window', parameter: 'window' };
  }
  const format = sp.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') return { error: `format: expected json or csv, got "${format}"`, parameter: 'format' };
  const len = span ?? HOUR;
  let f: number;
  let t: number;
  if (from !== null && to !== null) [f, t] = [from, to];
  else if (from !== null) [f, t] = [from, span !== null ? from + span : now];
  else if (to !== null) [f, t] = [to - len, to];
  else [f, t] = [now - len, now];
  if (!(t > f)) return { error: `from: must be earlier than to (from ${iso(f)}, to ${iso(t)})`, parameter: 'from' };
  return { from: f, to: t, format };
}

/** ISO 8601 or epoch milliseconds; null when neither. */
function parseTime(text: string): number | null {
  const s = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
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
