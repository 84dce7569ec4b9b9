import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { scriptedSource } from '../fixtures/scripted-source.ts';
import { twinClient, waitFor } from '../fixtures/client.ts';
import type { StateSnapshot } from '../../protocol/state.ts';
import { wireParser } from '../../protocol/wire.ts';
import { PROTOCOL_VERSION } from '../../protocol/events.ts';
import { History, recordHubHistory } from '../../server/hub/history.ts';
import { expectReason } from '../fixtures/http-error.ts';

const scene = tinyScene();
let apps: App[] = [];
const clients: Array<{ close(): void }> = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const a of apps.splice(0)) await a.close();
});

async function start(epoch?: string, port = 0) {
  const hub = createHub({ scene, tickMs: 20, epoch });
  const source = scriptedSource([
    { type: 'station', id: 'S1', state: 'working', ts: 1000 },
    { type: 'station', id: 'S2', state: 'starved', ts: 1000 },
    { type: 'station', id: 'S3', state: 'starved', ts: 1000 },
    { type: 'robot', id: 'R1', state: 'idle', joints: [0, -0.3, -0.5, 0, -0.7, 0], tool: false, ts: 1000 },
    { type: 'body', id: 'WLT0000000000001', model: 'sedan', color: null, location: { kind: 'station', station: 'S1' }, ts: 1000 },
  ]);
  const app = createApp({ hub, sources: [source], staticDir: null });
  apps.push(app);
  const bound = await app.listen(port, '127.0.0.1');
  return { app, hub, source, url: `http://127.0.0.1:${bound}`, port: bound };
}

const getJson = async <T = unknown>(url: string) => {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as T };
};

describe('server (real HTTP + Socket.IO on port 0)', () => {
  it('[API1] serves /api/scene, /api/state and /healthz; unknown routes and methods get clear errors', async () => {
    const { url, hub } = await start();
    const sceneRes = await getJson(`${url}/api/scene`);
    expect(sceneRes.status).toBe(200);
    expect(sceneRes.body).toEqual(JSON.parse(JSON.stringify(scene)));
    const state = await getJson<StateSnapshot>(`${url}/api/state`);
    expect(state.body.revision).toBe(hub.revision);
    expect(state.body.stations.S1).toMatchObject({ state: 'working', quality: 'good', ts: 1000 });
    expect(state.body.bodies.WLT0000000000001.location).toEqual({ kind: 'station', station: 'S1' });
    const health = await getJson<{ status: string; scene: string }>(`${url}/healthz`);
    expect(health.body).toMatchObject({ status: 'ok', scene: 'tiny' });
    const missing = await getJson<{ error: string }>(`${url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no API route/);
    expectReason(missing.body, 'no-route', { path: '/api/nothing' });
    const post = await fetch(`${url}/api/state`, { method: 'POST' });
    expect(post.status).toBe(405);
    expectReason(await post.json(), 'method-not-allowed', { method: 'POST' });
    const past = await getJson<{ error: string }>(`${url}/api/state?at=1000`);
    expect(past.status).toBe(404);
    expect(past.body.error).toBe('no history is kept by this server yet');
    expectReason(past.body, 'no-history-yet');
  });

  it('[API2] /api/state?at= and /api/markers refuse a bad time, a time outside the history and an unknown station, each with its reason', async () => {
    const T = Date.UTC(2026, 0, 5, 8, 0, 0);
    const iso = (t: number) => new Date(t).toISOString();
    const staging = createHub({ scene, tickMs: 1 << 30 });
    const history = new History({ scene, retentionMs: Infinity });
    recordHubHistory(staging, history, 0);
    for (const [t, state] of [[T, 'working'], [T + 60_000, 'down'], [T + 120_000, 'working']] as const) {
      staging.sink.apply({ type: 'station', id: 'S1', state, ts: t });
      staging.sink.time?.(t);
      staging.tick();
    }
    const app = createApp({ hub: createHub({ scene }), sources: [], history, liveSource: false, staticDir: null });
    apps.push(app);
    const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    expect((await getJson(`${url}/api/state?at=${T + 60_000}`)).status).toBe(200);
    const bad = await getJson<{ error: string }>(`${url}/api/state?at=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('at: expected an ISO 8601 time or epoch milliseconds, got "yesterday"');
    expectReason(bad.body, 'invalid-time', { parameter: 'at', value: 'yesterday' });
    const after = await getJson<{ error: string }>(`${url}/api/state?at=${T + 3_600_000}`);
    expect(after.status).toBe(416);
    expect(after.body).toMatchObject({ from: history.from, to: T + 120_000 });
    expect(after.body.error).toMatch(/is outside the history/);
    expectReason(after.body, 'outside-history', { at: iso(T + 3_600_000), from: iso(history.from!), to: iso(T + 120_000) });
    const range = await getJson<{ error: string }>(`${url}/api/markers?from=${T + 60_000}&to=${T}`);
    expect(range.status).toBe(400);
    expectReason(range.body, 'invalid-range');
    const station = await getJson<{ error: string }>(`${url}/api/markers?station=NOPE`);
    expect(station.status).toBe(400);
    expect(station.body.error).toBe('station: no station "NOPE" in scene tiny');
    expectReason(station.body, 'invalid-station', { station: 'NOPE', scene: 'tiny' });
  });

  it('[HUB3][NET1] a client gets hello, a snapshot at the hub revision, then deltas; its state equals /api/state', async () => {
    const { url, hub, source } = await start();
    const c = twinClient(url, hub.index);
    clients.push(c);
    await waitFor(() => c.events.length > 0, 'the snapshot');
    expect(c.hello).toMatchObject({ type: 'hello', epoch: hub.epoch, sceneId: 'tiny', protocolVersion: PROTOCOL_VERSION });
    expect(c.events[0]).toEqual({ kind: 'snapshot', revision: hub.revision });
    source.push({ type: 'station', id: 'S2', state: 'blocked', ts: 2000, job: 'WLT0000000000001' });
    source.push({ type: 'robot', id: 'R1', state: 'working', joints: [0.5, -0.2, -0.4, 0.1, -0.9, 1], tool: true, ts: 2000 });
    await waitFor(() => c.state.stations.S2?.state === 'blocked', 'the delta');
    expect(c.events.at(-1)?.kind).toBe('delta');
    const api = (await getJson<StateSnapshot>(`${url}/api/state`)).body;
    await waitFor(() => c.state.revision === hub.revision, 'catching up');
    expect(c.state).toEqual({ ...api, epoch: hub.epoch });
  });

  it('[HUB9][NET6] one delta frame, encoded once, reaches WebSocket and long-polling clients alike; both end at /api/state', async () => {
    const { url, hub, source } = await start();
    const ws = twinClient(url, hub.index);
    const polling = twinClient(url, hub.index, { transports: ['polling'] });
    clients.push(ws, polling);
    await waitFor(() => ws.events.length > 0 && polling.events.length > 0, 'both snapshots');
    for (let i = 1; i <= 20; i++) {
      source.push({ type: 'robot', id: 'R1', state: 'working', joints: [i / 100, -0.2, -0.4, 0.1, -0.9, 1], tool: i % 2 === 0, ts: 2000 + i });
      source.push({ type: 'station', id: 'S3', state: i % 3 === 0 ? 'blocked' : 'working', ts: 2000 + i });
      await new Promise((r) => setTimeout(r, 25));
    }
    await waitFor(() => ws.state.revision === hub.revision && polling.state.revision === hub.revision, 'both clients catching up');
    const api = (await getJson<StateSnapshot>(`${url}/api/state`)).body;
    expect(ws.state).toEqual({ ...api, epoch: hub.epoch });
    expect(polling.state).toEqual({ ...api, epoch: hub.epoch });
    expect(ws.events.filter((e) => e.kind === 'delta').length).toBeGreaterThan(5);
    expect(polling.events.filter((e) => e.kind === 'delta').length).toBeGreaterThan(0);
    expect((polling.socket.io.engine as unknown as { transport: { name: string } }).transport.name).toBe('polling');
  });

  it('[HUB5][NET2] a reconnecting client resumes with a delta; after a server restart it gets a snapshot', async () => {
    const first = await start('epoch-1');
    const c = twinClient(first.url, first.hub.index);
    clients.push(c);
    await waitFor(() => c.events.length > 0, 'the snapshot');
    const heldRevision = c.state.revision;
    c.socket.disconnect();
    first.source.push({ type: 'station', id: 'S3', state: 'down', ts: 3000 });
    await waitFor(() => first.hub.revision > heldRevision, 'a new revision');
    c.socket.connect();
    await waitFor(() => c.events.length >= 2, 'the resume frame');
    expect(c.events[1]).toEqual({ kind: 'delta', revision: first.hub.revision });
    expect(c.state.stations.S3.state).toBe('down');

    // Restart on the same port with a new epoch: the client's revision means nothing there.
    const port = first.port;
    await first.app.close();
    apps = apps.filter((a) => a !== first.app);
    const second = await start('epoch-2', port);
    await waitFor(() => c.hello?.epoch === 'epoch-2' && c.events.length >= 3, 'the reconnect after restart', 15_000);
    expect(c.events.at(-1)?.kind).toBe('snapshot');
    await waitFor(() => c.state.revision === second.hub.revision, 'the new state');
    expect(c.state.stations.S3.state).toBe('starved');
  });

  it('[NET3] an incompatible client is told why and disconnected; the server keeps serving', async () => {
    const { url, hub } = await start();
    const old = io(url, { parser: wireParser, transports: ['websocket'], auth: { protocolVersion: 999 }, reconnection: false });
    clients.push(old);
    const info = await new Promise((resolve) => old.on('session:incompatible', resolve));
    expect(info).toEqual({ type: 'incompatible', reason: 'protocol-version', serverVersion: PROTOCOL_VERSION });
    await waitFor(() => old.disconnected, 'the disconnect');
    const none = io(url, { parser: wireParser, transports: ['websocket'], reconnection: false });
    clients.push(none);
    await new Promise((resolve) => none.on('session:incompatible', resolve));
    const good = twinClient(url, hub.index);
    clients.push(good);
    await waitFor(() => good.events.length > 0, 'a compatible client still served');
    // A page from before the wire change (Socket.IO's text parser) cannot even finish the handshake; it
    // learns the server's version over HTTP and reloads (client/src/net/connection.ts).
    const textParser = io(url, { transports: ['websocket'], auth: { protocolVersion: 1 }, reconnection: false });
    clients.push(textParser);
    await new Promise((resolve) => {
      textParser.on('connect_error', resolve);
      textParser.on('disconnect', resolve);
    });
    expect(textParser.connected).toBe(false);
    expect((await getJson<{ protocolVersion: number }>(`${url}/healthz`)).body.protocolVersion).toBe(PROTOCOL_VERSION);
  });

  it('[NET4] bad client events are ignored and counted; a resync request gets a fresh snapshot', async () => {
    const { url, hub, app } = await start();
    const c = twinClient(url, hub.index);
    clients.push(c);
    await waitFor(() => c.events.length > 0, 'the snapshot');
    (c.socket as unknown as { emit(ev: string, ...a: unknown[]): void }).emit('state:resync', { evil: 'x'.repeat(100) });
    (c.socket as unknown as { emit(ev: string, ...a: unknown[]): void }).emit('no:such-event', 1, 2, 3);
    c.socket.emit('state:resync');
    await waitFor(() => c.events.filter((e) => e.kind === 'snapshot').length === 2, 'the resync snapshot');
    expect(app.clientRejects.invalid).toBe(1);
    expect((await getJson(`${url}/healthz`)).status).toBe(200);
  });

  it('[HUB7][NET5] a client that stops acknowledging is held, not fed a backlog, and ends at the newest state', async () => {
    const { url, hub, source, app } = await start();
    const slow = twinClient(url, hub.index);
    const fast = twinClient(url, hub.index);
    clients.push(slow, fast);
    await waitFor(() => slow.events.length > 0 && fast.events.length > 0, 'both snapshots');
    await new Promise((r) => setTimeout(r, 250)); // both have acknowledged their snapshot
    slow.setAcking(false);
    const states = ['working', 'blocked', 'starved', 'down'] as const;
    for (let i = 0; i < 100; i++) {
      source.push({ type: 'station', id: 'S1', state: states[i % 4], ts: 5000 + i });
      await new Promise((r) => setTimeout(r, 25));
    }
    await waitFor(() => fast.state.revision === hub.revision, 'the fast client at the newest revision');
    const feed = [...app.feeds].find((f) => f.skippedTicks > 0);
    expect(feed, 'the silent client is held').toBeDefined();
    expect(slow.state.revision).toBeLessThan(hub.revision);
    const heldAt = slow.events.length;
    // It acknowledges again: one catch-up frame brings it to the newest state.
    slow.setAcking(true);
    await waitFor(() => slow.state.revision === hub.revision, 'the slow client at the newest revision');
    expect(slow.events.length - heldAt).toBeLessThanOrEqual(2);
    expect(slow.state.stations.S1).toEqual(fast.state.stations.S1);
    expect(slow.state.stations.S1.ts).toBe(5099);
    expect(slow.events.length).toBeLessThan(fast.events.length / 2);
  });
});
