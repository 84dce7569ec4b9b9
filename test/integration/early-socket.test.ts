/**
 * The page's early socket (client/src/net/socket.ts) against a real server: what it hears before the app
 * takes it over is held and replayed in order, so nothing is lost; it is taken once; once the app has asked,
 * a late one is not opened; and a refused first connection reaches the app too. The client module runs in
 * Node here (socket.io-client works the same), with the window's timers.
 */
import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { readHeader } from '../../protocol/codec.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { scriptedSource } from '../fixtures/scripted-source.ts';
import { waitFor } from '../fixtures/client.ts';

type SocketModule = typeof import('../../client/src/net/socket.ts');

const T0 = 1_800_000_000_000;
const apps: App[] = [];
const closers: Array<() => void> = [];

beforeAll(() => {
  // The module uses the window's timers; in Node they are the global ones.
  (globalThis as { window?: unknown }).window ??= globalThis;
});

afterEach(async () => {
  for (const c of closers.splice(0)) c();
  for (const a of apps.splice(0)) await a.close();
});

/** A fresh copy of the module: its early socket and "asked" flag are per page. */
async function freshModule(): Promise<SocketModule> {
  vi.resetModules();
  return import('../../client/src/net/socket.ts');
}

async function start() {
  const scene = tinyScene();
  const hub = createHub({ scene, tickMs: 20 });
  const source = scriptedSource([{ type: 'station', id: 'S1', state: 'working', ts: T0 }]);
  const app = createApp({ hub, sources: [source], staticDir: null });
  apps.push(app);
  const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  return { app, hub, source, url };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('the early socket', () => {
  it('[EARLY1] what arrives before the app takes the socket is replayed in order, then events flow directly; nothing is lost', async () => {
    const { source, url } = await start();
    const m = await freshModule();
    m.openEarlySocket(url);
    // Connected, hello and snapshot received, and two deltas, all before the app is there.
    let sent = 0;
    const waitConnections = async (n: number) => waitFor(() => apps[0].io.of('/').sockets.size === n, `${n} connection(s)`);
    await waitConnections(1);
    for (let s = 1; s <= 2; s++) {
      source.push({ type: 'station', id: 'S1', state: s % 2 ? 'blocked' : 'working', ts: T0 + s * 1000 });
      sent++;
      await new Promise((r) => setTimeout(r, 80));
    }
    const early = m.takeEarlySocket();
    expect(early).not.toBeNull();
    closers.push(() => early!.socket.close());
    expect(m.takeEarlySocket()).toBeNull();

    const heard: string[] = [];
    const revisions: number[] = [];
    const socket = early!.socket;
    socket.on('connect', () => heard.push('connect'));
    socket.on('session:hello', () => heard.push('hello'));
    socket.on('state:snapshot', (f: ArrayBuffer | Uint8Array) => {
      heard.push('snapshot');
      revisions.push(readHeader(f instanceof Uint8Array ? f : new Uint8Array(f)).revision);
    });
    socket.on('state:delta', (f: ArrayBuffer | Uint8Array) => {
      heard.push('delta');
      revisions.push(readHeader(f instanceof Uint8Array ? f : new Uint8Array(f)).revision);
    });
    expect(heard).toEqual([]);
    early!.release();
    expect(heard.slice(0, 3)).toEqual(['connect', 'hello', 'snapshot']);
    expect(heard.filter((h) => h === 'delta').length).toBe(sent);

    // After the hand-over, a new change reaches the listeners directly.
    source.push({ type: 'station', id: 'S1', state: 'down', ts: T0 + 5000 });
    await waitFor(() => heard.filter((h) => h === 'delta').length === sent + 1, 'the delta after the hand-over');
    // Revisions only increase: one stream, in order, no frame twice.
    for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThan(revisions[i - 1]);
    // One connection: the early one, now the app's.
    expect(apps[0].io.of('/').sockets.size).toBe(1);
  });

  it('[EARLY2] once the app has asked (and found none), a late early socket is not opened', async () => {
    const { url } = await start();
    const m = await freshModule();
    expect(m.takeEarlySocket()).toBeNull();
    m.openEarlySocket(url);
    await new Promise((r) => setTimeout(r, 300));
    expect(apps[0].io.of('/').sockets.size).toBe(0);
    expect(m.takeEarlySocket()).toBeNull();
  });

  it('[EARLY3] a first connection the server refuses (nothing listening) reaches the app as a connect_error', async () => {
    const m = await freshModule();
    m.openEarlySocket(`http://127.0.0.1:${await closedPort()}`);
    const early = m.takeEarlySocket();
    expect(early).not.toBeNull();
    closers.push(() => early!.socket.close());
    // Let the first attempt fail before the app's listeners are on.
    await new Promise((r) => setTimeout(r, 300));
    const errors: unknown[] = [];
    early!.socket.on('connect_error', (e) => errors.push(e));
    early!.release();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(early!.socket.connected).toBe(false);
  });
});
