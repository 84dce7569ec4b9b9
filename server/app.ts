/**
 * Composition of the HTTP server, Socket.IO and the hub. Parts are injected so tests can pass a
 * hand-driven source or hub: createApp({ hub, sources, staticDir }).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import sirv from 'sirv';
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import { handshakeAuthSchema, PROTOCOL_VERSION, type ClientToServerEvents, type Hello, type ServerToClientEvents } from '../protocol/events.ts';
import { ClientFeed } from './hub/client-feed.ts';
import type { Hub } from './hub/twin-hub.ts';
import type { Source } from './sources/source.ts';
import { createApiHandler } from './http/routes.ts';

export type AppOptions = {
  hub: Hub;
  sources: Source[];
  /** Folder of the built client; null or missing serves the API only. */
  staticDir?: string | null;
  logger?: Logger;
  /** Unacknowledged frames a client may have before it is conflated (default 2). */
  maxInFlight?: number;
};

export type App = ReturnType<typeof createApp>;

export function createApp(options: AppOptions) {
  const { hub, sources, logger } = options;
  const startedAt = Date.now();
  const feeds = new Set<ClientFeed>();
  const counters = { connections: 0, incompatible: 0, invalidEvents: 0 };

  const health = () => ({
    status: 'ok',
    uptimeS: Math.round((Date.now() - startedAt) / 1000),
    epoch: hub.epoch,
    revision: hub.revision,
    time: hub.time,
    scene: hub.scene.id,
    clients: feeds.size,
    sources: sources.map((s) => s.health?.() ?? { kind: s.kind }),
    changes: { in: hub.stats.changesIn, rejected: hub.rejects },
  });
  const api = createApiHandler(hub, health);
  const staticDir = options.staticDir && existsSync(options.staticDir) ? options.staticDir : null;
  const assets = staticDir ? sirv(staticDir, { single: true, etag: true, dev: false }) : null;

  const http: HttpServer = createServer((req, res) => {
    try {
      if (api(req, res)) return;
      if (assets) return assets(req, res, () => notFound(res));
      notFound(res);
    } catch (e) {
      logger?.error({ err: e, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    }
  });

  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    serveClient: false,
    // Client events are tiny; a large one is an attack or a bug.
    maxHttpBufferSize: 16 * 1024,
  });

  const hello = (): Hello => ({
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    epoch: hub.epoch,
    sceneId: hub.scene.id,
    tickMs: hub.tickMs,
    source: sources[0]?.kind ?? 'none',
  });

  io.on('connection', (socket) => {
    counters.connections++;
    const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success || auth.data.protocolVersion !== PROTOCOL_VERSION) {
      counters.incompatible++;
      socket.emit('session:incompatible', { type: 'incompatible', reason: 'protocol-version', serverVersion: PROTOCOL_VERSION });
      socket.disconnect(true);
      return;
    }
    const feed = new ClientFeed(
      hub,
      {
        send(kind, frame, ack) {
          // Socket.IO sends a Uint8Array as a binary attachment; the browser receives an ArrayBuffer.
          socket.emit(kind === 'snapshot' ? 'state:snapshot' : 'state:delta', frame as unknown as ArrayBuffer, ack);
        },
      },
      options.maxInFlight,
    );
    feeds.add(feed);
    socket.emit('session:hello', hello());
    feed.begin(auth.data.epoch, auth.data.revision);

    socket.on('state:resync', (...args: unknown[]) => {
      if (args.length > 0) {
        counters.invalidEvents++;
        return;
      }
      feed.resync();
    });
    socket.on('disconnect', () => {
      feed.close();
      feeds.delete(feed);
    });
  });

  const offTick = hub.onTick((frame, revision, base) => {
    for (const feed of feeds) feed.onTick(frame, revision, base);
  });

  let running = false;
  return {
    http,
    io,
    hub,
    feeds,
    counters,
    /** Starts the sources and the hub, then listens. Resolves with the bound port. */
    async listen(port = 0, host?: string): Promise<number> {
      for (const s of sources) await s.start(hub.sink);
      // Commit what the sources reported at start so the first client gets a full state.
      hub.tick();
      hub.start();
      running = true;
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      return (http.address() as AddressInfo).port;
    },
    async close(): Promise<void> {
      if (running) {
        running = false;
        for (const s of sources) await s.stop();
        hub.stop();
      }
      offTick();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function notFound(res: import('node:http').ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found');
}
