/** REST beside Socket.IO: /api/scene, /api/state, /api/state/frame, /healthz; everything else is the built client. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hub } from '../hub/twin-hub.ts';
import type { History } from '../hub/history.ts';
import { computeMarkers, type Markers } from './markers.ts';
import { httpFailure } from './http-error.ts';
import { STATE_HEADERS } from '../../protocol/events.ts';

export type HealthInfo = () => Record<string, unknown>;

export function createApiHandler(hub: Hub, health: HealthInfo, history: History | null = null) {
  const sceneJson = JSON.stringify(hub.scene);
  const stationIds = new Set(hub.scene.stations.map((s) => s.id));
  let markerCache: { key: string; to: number | null; value: Markers } | null = null;
  return function handleApi(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    if (p !== '/healthz' && !p.startsWith('/api/') && p !== '/api') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, httpFailure('method-not-allowed', { method: String(req.method) }), { allow: 'GET, HEAD' });
      return true;
    }
    switch (p) {
      case '/api/scene':
        sendText(res, 200, sceneJson);
        return true;
      case '/api/state': {
        const at = url.searchParams.get('at');
        if (at === null) {
          sendJson(res, 200, hub.snapshot());
          return true;
        }
        const t = parseTime(at);
        if (t === null) {
          sendJson(res, 400, httpFailure('invalid-time', { parameter: 'at', value: at }));
          return true;
        }
        if (!history || history.from === null || history.to === null) {
          sendJson(res, 404, httpFailure('no-history-yet'));
          return true;
        }
        if (t < history.from || t > history.to) {
          const iso = (ms: number) => new Date(ms).toISOString();
          sendJson(res, 416, { ...httpFailure('outside-history', { at: iso(t), from: iso(history.from), to: iso(history.to) }), from: history.from, to: history.to });
          return true;
        }
        const { hub: past } = history.stateAt(t);
        sendJson(res, 200, { ...past.snapshot(), time: t });
        return true;
      }
      case '/api/state/frame': {
        // The current state as the socket's snapshot frame (the same bytes; protocol/codec.ts): a page fetches it
        // beside the scene and draws its first frame without waiting for the socket, which then resumes from
        // this epoch and revision (HUB5) and sends only what changed since.
        const frame = hub.snapshotFrame();
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(frame.byteLength),
          'cache-control': 'no-store',
          [STATE_HEADERS.epoch]: hub.epoch,
          [STATE_HEADERS.revision]: String(hub.revision),
          [STATE_HEADERS.scene]: hub.scene.id,
        });
        res.end(req.method === 'HEAD' ? undefined : frame);
        return true;
      }
      case '/api/markers': {
        if (!history || history.from === null || history.to === null) {
          sendJson(res, 200, { from: null, to: null, breakdowns: [] });
          return true;
        }
        const fromText = url.searchParams.get('from');
        const toText = url.searchParams.get('to');
        const from = fromText === null ? history.from : parseTime(fromText);
        const to = toText === null ? history.to : parseTime(toText);
        if (from === null || to === null || to < from) {
          sendJson(res, 400, httpFailure('invalid-range'));
          return true;
        }
        const station = url.searchParams.get('station') ?? undefined;
        if (station !== undefined && !stationIds.has(station)) {
          sendJson(res, 400, httpFailure('invalid-station', { station, scene: hub.scene.id }));
          return true;
        }
        const key = `${from}|${to}|${station ?? ''}`;
        if (!markerCache || markerCache.key !== key || markerCache.to !== history.to) markerCache = { key, to: history.to, value: computeMarkers(history, from, to, station) };
        sendJson(res, 200, markerCache.value);
        return true;
      }
      case '/healthz':
        sendJson(res, 200, health());
        return true;
      default:
        sendJson(res, 404, { ...httpFailure('no-route', { path: p }), routes: ['/api/scene', '/api/state', '/api/state/frame', '/api/markers', '/api/kpis', '/api/bottlenecks', '/api/stations/:id/timeline', '/api/bodies/:vin/route', '/healthz', '/metrics'] });
        return true;
    }
  };
}

/** ISO 8601 or epoch milliseconds; null when neither (or a number too large to be a time). */
export function parseTime(text: string): number | null {
  const s = text.trim();
  const t = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : /^\d{4}-\d{2}-\d{2}/.test(s) ? Date.parse(s) : NaN;
  return Number.isFinite(t) ? t : null;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), headers);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
