/** REST beside Socket.IO: /api/scene, /api/state, /healthz; everything else is the built client. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hub } from '../hub/twin-hub.ts';

export type HealthInfo = () => Record<string, unknown>;

export function createApiHandler(hub: Hub, health: HealthInfo) {
  const sceneJson = JSON.stringify(hub.scene);
  return function handleApi(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    if (p !== '/healthz' && !p.startsWith('/api/') && p !== '/api') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: `method ${req.method} not allowed; use GET` }, { allow: 'GET, HEAD' });
      return true;
    }
    switch (p) {
      case '/api/scene':
        sendText(res, 200, sceneJson);
        return true;
      case '/api/state':
        sendJson(res, 200, hub.snapshot());
        return true;
      case '/healthz':
        sendJson(res, 200, health());
        return true;
      default:
        sendJson(res, 404, { error: `no API route ${p}`, routes: ['/api/scene', '/api/state', '/healthz'] });
        return true;
    }
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), headers);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
