import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { tokenAuth } from '../../server/auth/roles.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { scriptedSource } from '../fixtures/scripted-source.ts';
import { twinClient, waitFor } from '../fixtures/client.ts';
import type { CommandResult } from '../../protocol/events.ts';
import { wireParser } from '../../protocol/wire.ts';
import { PROTOCOL_VERSION } from '../../protocol/events.ts';

const scene = tinyScene();
const apps: App[] = [];
const sockets: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const a of apps.splice(0)) await a.close();
});

async function start(opts: Parameters<typeof createApp>[0] extends infer O ? Partial<O> : never = {}) {
  const hub = createHub({ scene, tickMs: 20 });
  const source = scriptedSource([{ type: 'station', id: 'S1', state: 'working', ts: 1 }]);
  const app = createApp({ hub, sources: [source], staticDir: null, ...opts });
  apps.push(app);
  const port = await app.listen(0, '127.0.0.1');
  return { app, hub, source, url: `http://127.0.0.1:${port}`, port };
}

/** Connects and resolves with 'connected' or the connect_error message. */
function connect(url: string, opts: Parameters<typeof io>[1] = {}): Promise<{ socket: Socket; result: string }> {
  const socket = io(url, { parser: wireParser, transports: ['websocket'], reconnection: false, ...opts });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.on('connect', () => resolve({ socket, result: 'connected' }));
    socket.on('connect_error', (e) => resolve({ socket, result: e.message }));
  });
}

const auth = { protocolVersion: PROTOCOL_VERSION };

describe('hardening', () => {
  it('[SEC1] /metrics reports clients, changes, frames, ticks, rejects and event-loop figures in Prometheus format', async () => {
    const { url, hub, source } = await start();
    const c = twinClient(url, hub.index);
    sockets.push(c);
    await waitFor(() => c.events.length > 0, 'snapshot');
    source.push({ type: 'station', id: 'NOPE', state: 'down', ts: 2 });
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^linetwin_clients_connected 1$/m);
    expect(text).toMatch(/^linetwin_state_changes_in_total 2$/m);
    expect(text).toMatch(/^linetwin_rejected_inputs_total\{source="hub",reason="unknown-id"\} 1$/m);
    expect(text).toMatch(/^linetwin_frames_out_total [1-9]/m);
    expect(text).toMatch(/^linetwin_nodejs_eventloop_lag_p99_seconds /m);
    expect(text).toMatch(/^linetwin_tick_duration_seconds /m);
    // No payloads or tokens in metrics.
    expect(text).not.toContain('NOPE');
  });

  it('[SEC2] a browser page from another origin cannot connect; same origin and allowlisted origins can', async () => {
    const { url, port, app } = await start({ allowedOrigins: ['https://wall.example'] });
    expect((await connect(url, { auth, extraHeaders: { origin: 'https://evil.example' } })).result).not.toBe('connected');
    expect((await connect(url, { auth, transports: ['polling'], extraHeaders: { origin: 'https://evil.example' } })).result).not.toBe('connected');
    expect((await connect(url, { auth, extraHeaders: { origin: `http://127.0.0.1:${port}` } })).result).toBe('connected');
    expect((await connect(url, { auth, extraHeaders: { origin: 'https://wall.example' } })).result).toBe('connected');
    expect((await connect(url, { auth })).result).toBe('connected');
    expect(app.clientRejects.origin).toBe(2);
  });

  it('[SEC3] signed tokens set the role; a bad, expired or role-less token is refused; no token is a viewer', async () => {
    const secret = 'test-secret-0123456789';
    const tokens = tokenAuth(secret);
    const { url, app } = await start({ auth: tokens });
    // Listen from the start: the hello arrives right after the connection.
    const roleOf = (token?: string) =>
      new Promise<string>((resolve) => {
        const socket = io(url, { parser: wireParser, transports: ['websocket'], reconnection: false, auth: { ...auth, token } });
        sockets.push(socket);
        socket.on('session:hello', (h) => resolve(h.role));
        socket.on('connect_error', (e) => resolve(e.message));
      });
    expect(await roleOf()).toBe('viewer');
    expect(await roleOf(await tokens.sign('presenter'))).toBe('presenter');
    expect(await roleOf(await tokenAuth('other-secret').sign('admin'))).toMatch(/^unauthorized: invalid token/);
    expect(await roleOf(await tokens.sign('admin', { expiresIn: '-1s' }))).toMatch(/^unauthorized: invalid token/);
    expect(await roleOf('not.a.jwt')).toMatch(/^unauthorized/);
    expect(app.clientRejects.token).toBe(3);
  });

  it('[SEC4] a client flooding events is rate limited with an error acknowledgement; others are unaffected', async () => {
    const { url, hub, app } = await start({ limits: { eventsPerSecond: 10 } });
    const flood = twinClient(url, hub.index);
    const calm = twinClient(url, hub.index);
    sockets.push(flood, calm);
    await waitFor(() => flood.events.length > 0 && calm.events.length > 0, 'snapshots');
    const results = await Promise.all(
      Array.from({ length: 40 }, () => new Promise<CommandResult>((resolve) => (flood.socket as unknown as { emit(e: string, a: unknown, cb: (r: CommandResult) => void): void }).emit('playback:command', { type: 'live' }, resolve))),
    );
    const limited = results.filter((r) => !r.ok && /rate limited/.test(r.error));
    expect(limited.length).toBe(30);
    expect(app.clientRejects['rate-limit']).toBe(30);
    const ok = await new Promise<CommandResult>((resolve) => (calm.socket as unknown as { emit(e: string, a: unknown, cb: (r: CommandResult) => void): void }).emit('playback:command', { type: 'live' }, resolve));
    expect(ok).toEqual({ ok: true });
  });

  it('[SEC5] an oversized client event disconnects only that client; the server keeps serving', async () => {
    const { url, hub } = await start();
    const big = twinClient(url, hub.index);
    const other = twinClient(url, hub.index);
    sockets.push(big, other);
    await waitFor(() => big.events.length > 0 && other.events.length > 0, 'snapshots');
    (big.socket as unknown as { emit(e: string, a: unknown): void }).emit('playback:command', { type: 'seek', time: 1, pad: 'x'.repeat(64 * 1024) });
    await waitFor(() => big.socket.disconnected, 'the oversized client to be dropped');
    expect(other.socket.connected).toBe(true);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('[SEC6] the server shuts down within seconds although clients hold connections that never sent a whole request', async () => {
    const { app, port } = await start();
    const { socket } = await connect(`http://127.0.0.1:${port}`, { auth });
    // A browser's speculative preconnect (no request yet) and a request cut off in its headers: Node counts neither
    // as idle, and its close() waited for them until the headers timeout, a minute.
    const held = await Promise.all(
      ['', 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'].map(async (text) => {
        const c = net.connect(port, '127.0.0.1');
        c.on('error', () => undefined);
        await new Promise((r) => c.once('connect', r));
        if (text) c.write(text);
        return c;
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(socket.connected).toBe(false);
    for (const c of held) c.destroy();
    // The port is free: a new server can start on it at once.
    const again = createApp({ hub: createHub({ scene }), sources: [], staticDir: null });
    apps.push(again);
    expect(await again.listen(port, '127.0.0.1')).toBe(port);
  });
});
