/**
 * Baseline for the fan-out benchmark: the least a server can do to broadcast binary frames, a bare
 * `ws` server calling send() on every socket. No protocol, no acks, no per-client state beyond what
 * `ws` keeps; flow control is the socket's own (send callbacks fire once bytes reach the kernel).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type RawBroadcaster = {
  readonly port: number;
  readonly clients: number;
  /** Sends one frame to every connected client. */
  broadcast(frame: Uint8Array): void;
  /** Resolves once no client has `window` or more sends still waiting for the kernel. */
  whenBelow(window: number): Promise<void>;
  close(): Promise<void>;
};

export async function startRawBroadcaster(host = '127.0.0.1'): Promise<RawBroadcaster> {
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const pending = new Map<WebSocket, number>();
  let waiter: { window: number; resolve: () => void } | null = null;
  const check = () => {
    if (!waiter) return;
    for (const n of pending.values()) if (n >= waiter.window) return;
    const w = waiter;
    waiter = null;
    w.resolve();
  };
  wss.on('connection', (ws) => {
    pending.set(ws, 0);
    ws.on('close', () => {
      pending.delete(ws);
      check();
    });
    ws.on('error', () => ws.terminate());
  });
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const port = (http.address() as AddressInfo).port;

  return {
    port,
    get clients() {
      return pending.size;
    },
    broadcast(frame) {
      for (const [ws, n] of pending) {
        pending.set(ws, n + 1);
        ws.send(frame, { binary: true }, () => {
          const left = pending.get(ws);
          if (left !== undefined) pending.set(ws, left - 1);
          check();
        });
      }
    },
    whenBelow(window) {
      return new Promise<void>((resolve) => {
        waiter = { window, resolve };
        check();
      });
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
