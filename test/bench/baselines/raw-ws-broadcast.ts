/**
 * Baseline for the fan-out benchmark: the least a server can do to broadcast binary messages to the very
 * clients the hub serves, a bare `ws` server calling send() on every socket. It answers the Socket.IO
 * handshake (engine.io's open packet, then the namespace's CONNECT in the MessagePack parser's encoding),
 * so the benchmark's Socket.IO clients connect to it as to the app and receive, byte for byte, the
 * messages the hub sends them. After that: no protocol, no per-client state beyond what `ws` keeps; what
 * clients send (their acknowledgements) is read and dropped; flow control is the socket's own (send
 * callbacks fire once bytes reach the kernel).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { wireParser } from '../../../protocol/wire.ts';

/** Socket.IO's CONNECT packet type. */
const CONNECT = 0;
/** Long enough that neither side pings or times out during a benchmark. */
const NO_PING_MS = 600_000;

export type RawBroadcaster = {
  readonly port: number;
  readonly clients: number;
  /** Sends one message (a whole Socket.IO packet) to every connected client. */
  broadcast(message: Uint8Array): void;
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
  const encoder = new wireParser.Encoder();
  wss.on('connection', (ws) => {
    const sid = randomUUID();
    ws.send(`0${JSON.stringify({ sid, upgrades: [], pingInterval: NO_PING_MS, pingTimeout: NO_PING_MS, maxPayload: 1_000_000 })}`);
    const decoder = new wireParser.Decoder();
    decoder.on('decoded', (packet: { type: number; nsp: string }) => {
      if (packet.type !== CONNECT) return;
      const [reply] = encoder.encode({ type: CONNECT, nsp: packet.nsp, data: { sid: randomUUID() } }) as unknown as [Buffer];
      ws.send(reply, { binary: true });
      // A client that joined the namespace receives the broadcasts.
      pending.set(ws, 0);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      try {
        decoder.add(data);
      } catch {
        ws.terminate();
      }
    });
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
    broadcast(message) {
      for (const [ws, n] of pending) {
        pending.set(ws, n + 1);
        ws.send(message, { binary: true }, () => {
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
