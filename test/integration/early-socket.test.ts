/**
 * The page's early socket (client/src/net/socket.ts) against a real server: what it hears before the app
 * takes it over is held and replayed in order, so nothing is lost; it is taken once; once the app has asked,
 * a late one is not opened; and a refused first connection reaches the app too. The state fetched over HTTP
 * (GET /api/state/frame) is the hub's snapshot frame, and the page's socket resuming from it (opened with
 * autoConnect off, connected when the plant is drawn) gets only what changed since. The client modules run in
 * Node here (socket.io-client works the same), with the window's timers.
 */
import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { FrameType, readHeader } from '../../protocol/codec.ts';
import { PROTOCOL_VERSION, STATE_HEADERS } from '../../protocol/events.ts';
import { stationStates } from '../../protocol/state.ts';
import { FrameApplier } from '../../client/src/live/apply-frame.ts';
import { LiveState } from '../../client/src/live/live-state.ts';
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

  it('[EARLY4] GET /api/state/frame is the hub\'s snapshot at the revision it names; the page\'s socket resuming from it gets no snapshot, only the deltas after it', async () => {
    const { hub, source, url } = await start();
    await waitFor(() => hub.revision > 0, 'the first commit');
    source.push({ type: 'station', id: 'S2', state: 'blocked', ts: T0 + 500 });
    await waitFor(() => hub.snapshot().stations.S2.state === 'blocked', 'S2 blocked');

    const res = await fetch(`${url}/api/state/frame`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const epoch = res.headers.get(STATE_HEADERS.epoch)!;
    const revision = Number(res.headers.get(STATE_HEADERS.revision));
    expect(epoch).toBe(hub.epoch);
    expect(res.headers.get(STATE_HEADERS.scene)).toBe('tiny');
    const frame = await res.arrayBuffer();
    const header = readHeader(new Uint8Array(frame));
    expect(header.type).toBe(FrameType.snapshot);
    expect(header.revision).toBe(revision);
    // HEAD: the same headers, no body.
    const head = await fetch(`${url}/api/state/frame`, { method: 'HEAD' });
    expect(head.headers.get(STATE_HEADERS.epoch)).toBe(epoch);
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    // The page applies it as it would the socket's snapshot.
    const scene = hub.scene;
    const live = new LiveState(scene.stations.length, scene.robots.length);
    const applier = new FrameApplier(live);
    expect(applier.apply(frame)).toMatchObject({ kind: 'applied', type: 'snapshot', revision });
    const stateOf = (id: string) => stationStates[live.stationState[scene.stations.findIndex((s) => s.id === id)]];
    expect(stateOf('S1')).toBe('working');
    expect(stateOf('S2')).toBe('blocked');

    // Two changes while the socket is on its way; it resumes from the fetched revision.
    source.push({ type: 'station', id: 'S1', state: 'down', ts: T0 + 1000 });
    await waitFor(() => hub.revision > revision, 'a commit after the fetch');
    const m = await freshModule();
    // As connection.ts opens it: not connected until told (the plant is drawn), then resuming from the state held.
    const socket = m.openSocket((cb) => cb({ protocolVersion: PROTOCOL_VERSION, epoch, revision }), url, { autoConnect: false });
    closers.push(() => socket.close());
    const frames: Array<{ event: string; frame: Uint8Array }> = [];
    const take = (event: string) => (f: ArrayBuffer | Uint8Array) => frames.push({ event, frame: new Uint8Array(f) });
    socket.on('state:snapshot', take('snapshot'));
    socket.on('state:delta', take('delta'));
    await new Promise((r) => setTimeout(r, 100));
    expect(apps[0].io.of('/').sockets.size).toBe(0);
    socket.connect();
    await waitFor(() => apps[0].io.of('/').sockets.size === 1, 'the connection');
    const auth = [...apps[0].io.of('/').sockets.values()][0].handshake.auth;
    expect(auth).toMatchObject({ epoch, revision });
    source.push({ type: 'station', id: 'S3', state: 'starved', ts: T0 + 2000 });
    await waitFor(() => hub.snapshot().stations.S3.state === 'starved', 'S3 starved');
    await waitFor(() => frames.length > 0 && readHeader(frames.at(-1)!.frame).revision === hub.revision, 'the newest revision');
    expect(frames.map((f) => f.event)).not.toContain('snapshot');
    expect(readHeader(frames[0].frame).baseRevision).toBe(revision);
    for (const f of frames) expect(applier.apply(f.frame)).toMatchObject({ kind: 'applied', type: 'delta' });
    expect(live.revision).toBe(hub.revision);
    for (const s of scene.stations) expect(stateOf(s.id)).toBe(hub.snapshot().stations[s.id].state);
  });

  it('[EARLY5] a socket resuming from another hub\'s state (a server restarted after the fetch) gets a snapshot', async () => {
    const { hub, url } = await start();
    await waitFor(() => hub.revision > 0, 'the first commit');
    const m = await freshModule();
    const socket = m.openSocket((cb) => cb({ protocolVersion: PROTOCOL_VERSION, epoch: 'an-earlier-hub', revision: hub.revision }), url);
    closers.push(() => socket.close());
    const events: string[] = [];
    socket.on('state:snapshot', () => events.push('snapshot'));
    socket.on('state:delta', () => events.push('delta'));
    await waitFor(() => events.length > 0, 'a frame');
    expect(events[0]).toBe('snapshot');
  });
});
