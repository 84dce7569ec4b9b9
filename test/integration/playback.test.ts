import { afterEach, describe, expect, it } from 'vitest';
import { createHub } from '../../server/hub/twin-hub.ts';
import { History } from '../../server/hub/history.ts';
import { createApp, type App } from '../../server/app.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { scriptedSource } from '../fixtures/scripted-source.ts';
import { twinClient, waitFor } from '../fixtures/client.ts';
import type { CommandResult, PlaybackCommand, PlaybackStatus } from '../../protocol/events.ts';
import type { StateSnapshot } from '../../protocol/state.ts';

const scene = tinyScene();
const apps: App[] = [];
const clients: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const a of apps.splice(0)) await a.close();
});

const T0 = 1_800_000_000_000;

async function start() {
  const hub = createHub({ scene, tickMs: 20 });
  const source = scriptedSource([{ type: 'station', id: 'S1', state: 'working', ts: T0 }]);
  const history = new History({ scene, keyframeIntervalMs: 5000 });
  const app = createApp({ hub, sources: [source], staticDir: null, history, liveSource: true });
  apps.push(app);
  const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  // One minute of history: S1 blocked during [T0+20 s, T0+40 s), down from T0+40 s.
  for (let s = 1; s <= 60; s++) {
    source.push({ type: 'station', id: 'S1', state: s < 20 ? 'working' : s < 40 ? 'blocked' : 'down', ts: T0 + s * 1000 });
    source.push({ type: 'station', id: 'S2', state: 'working', ts: T0 + s * 1000 });
    await waitFor(() => hub.time >= T0 + s * 1000 && history.to !== null && history.to >= T0 + s * 1000 - 200, `tick ${s}`);
  }
  return { hub, url, history };
}

function command(c: ReturnType<typeof twinClient>, cmd: unknown): Promise<CommandResult> {
  return new Promise((resolve) => (c.socket as unknown as { emit(e: string, a: unknown, cb: (r: CommandResult) => void): void }).emit('playback:command', cmd, resolve));
}

describe('playback over Socket.IO', () => {
  it('[TT7] a client seeks into live history and sees that state; other clients stay live; "live" returns', async () => {
    const { hub, url } = await start();
    const scrubber = twinClient(url, hub.index);
    const bystander = twinClient(url, hub.index);
    clients.push(scrubber, bystander);
    const statuses: PlaybackStatus[] = [];
    scrubber.socket.on('playback:status', (s) => statuses.push(s));
    await waitFor(() => scrubber.events.length > 0 && bystander.events.length > 0, 'snapshots');
    expect(scrubber.state.stations.S1.state).toBe('down');

    expect(await command(scrubber, { type: 'seek', time: T0 + 25_000 } satisfies PlaybackCommand)).toEqual({ ok: true });
    await waitFor(() => scrubber.state.stations.S1?.state === 'blocked', 'the past state');
    await waitFor(() => statuses.at(-1)?.mode === 'playback', 'playback status');
    expect(statuses.at(-1)).toMatchObject({ mode: 'playback', time: T0 + 25_000, playing: false, liveSource: true });
    // The API agrees about the past.
    const past = (await (await fetch(`${url}/api/state?at=${new Date(T0 + 25_000).toISOString()}`)).json()) as StateSnapshot;
    expect(past.stations.S1.state).toBe('blocked');
    expect(bystander.state.stations.S1.state).toBe('down');

    // Play on at ×60 from T0+25 s: past T0+40 s the station is down again.
    await command(scrubber, { type: 'play', speed: 60 });
    await waitFor(() => scrubber.state.stations.S1.state === 'down', 'playing on into the breakdown');

    await command(scrubber, { type: 'live' });
    await waitFor(() => statuses.at(-1)?.mode === 'live', 'back to live');
    await waitFor(() => scrubber.state.revision === hub.revision && scrubber.state.epoch === hub.epoch, 'the live state');
  });

  it('[TT8] invalid playback commands get an error acknowledgement and change nothing', async () => {
    const { hub, url } = await start();
    const c = twinClient(url, hub.index);
    clients.push(c);
    await waitFor(() => c.events.length > 0, 'snapshot');
    for (const bad of [{ type: 'seek', time: 'noon' }, { type: 'speed', speed: 1000 }, { type: 'warp' }, null, 'seek']) {
      const r = await command(c, bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/invalid playback command/);
      if (!r.ok) expect(r.reason).toBe('invalid-argument');
    }
    expect(c.events.filter((e) => e.kind === 'snapshot')).toHaveLength(1);
    const r = await command(c, { type: 'seek', time: 0 });
    expect(r).toEqual({ ok: true }); // clamped to the start of the history
  });
});

describe('rooms: a shared cursor a presenter drives', () => {
  it('[TT11] members follow the presenter\'s seek; a member\'s own command detaches only it; viewers cannot open rooms; the presenter going live closes the room', async () => {
    const secret = 'room-test-secret';
    const { tokenAuth } = await import('../../server/auth/roles.ts');
    const tokens = tokenAuth(secret);
    const hub = createHub({ scene, tickMs: 20 });
    const source = scriptedSource([{ type: 'station', id: 'S1', state: 'working', ts: T0 }]);
    const history = new History({ scene, keyframeIntervalMs: 5000 });
    const app = createApp({ hub, sources: [source], staticDir: null, history, liveSource: true, auth: tokens });
    apps.push(app);
    const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    for (let s = 1; s <= 30; s++) {
      source.push({ type: 'station', id: 'S1', state: s < 10 ? 'working' : s < 20 ? 'blocked' : 'down', ts: T0 + s * 1000 });
      await waitFor(() => hub.time >= T0 + s * 1000 && history.to !== null && history.to >= T0 + s * 1000 - 200, `tick ${s}`);
    }
    const presenter = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    const a = twinClient(url, hub.index);
    const b = twinClient(url, hub.index);
    clients.push(presenter, a, b);
    await waitFor(() => [presenter, a, b].every((c) => c.events.length > 0), 'snapshots');
    const emit = <T>(c: ReturnType<typeof twinClient>, ev: string, ...args: unknown[]) =>
      new Promise<T>((resolve) => (c.socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(ev, ...args, resolve));

    expect(await emit(a, 'room:create')).toEqual({ ok: false, reason: 'forbidden', params: { role: 'viewer', event: 'room:create' }, error: 'forbidden: a viewer may not send room:create' });
    const created = await emit<{ ok: boolean; code: string }>(presenter, 'room:create');
    expect(created.ok).toBe(true);
    expect(created.code).toMatch(/^[A-Z2-9]{5}$/);
    expect(await emit(a, 'room:join', created.code.toLowerCase())).toEqual({ ok: true, code: created.code });
    expect(await emit(b, 'room:join', created.code)).toEqual({ ok: true, code: created.code });
    expect(await emit(b, 'room:join', 'NOPE9')).toEqual({ ok: false, reason: 'no-room', params: { room: 'NOPE9' }, error: 'no room NOPE9: check the code on the presenter\'s screen' });
    expect(await emit(b, 'room:join', 'no!')).toMatchObject({ ok: false, reason: 'invalid-room-code', error: expect.stringMatching(/^invalid room code: /) });

    // The presenter seeks: every member sees the past state.
    await emit(presenter, 'playback:command', { type: 'seek', time: T0 + 15_000 });
    await waitFor(() => [presenter, a, b].every((c) => c.state.stations.S1?.state === 'blocked'), 'all three at the blocked period');
    // b looks around on its own: only b moves.
    await emit(b, 'playback:command', { type: 'seek', time: T0 + 5_000 });
    await waitFor(() => b.state.stations.S1?.state === 'working', 'b on its own cursor');
    await emit(presenter, 'playback:command', { type: 'seek', time: T0 + 25_000 });
    await waitFor(() => a.state.stations.S1?.state === 'down', 'a follows the presenter');
    expect(b.state.stations.S1.state).toBe('working');
    // The presenter returns to live: the room closes and its members return to live too.
    await emit(presenter, 'playback:command', { type: 'live' });
    await waitFor(() => a.state.epoch === hub.epoch && a.state.revision === hub.revision, 'a back on the live stream');
    expect(await emit(b, 'room:join', created.code)).toMatchObject({ ok: false });
  }, 40_000);

  it('[TT12] a server without history refuses playback and rooms with a code the client can word', async () => {
    const { tokenAuth } = await import('../../server/auth/roles.ts');
    const tokens = tokenAuth('room-test-secret');
    const hub = createHub({ scene, tickMs: 20 });
    const app = createApp({ hub, sources: [], staticDir: null, auth: tokens });
    apps.push(app);
    const c = twinClient(`http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`, hub.index, { token: await tokens.sign('presenter') });
    clients.push(c);
    await waitFor(() => c.events.length > 0, 'snapshot');
    expect(await command(c, { type: 'pause' })).toEqual({ ok: false, reason: 'no-history', error: 'this server keeps no history' });
    const created = await new Promise((resolve) => (c.socket as unknown as { emit(e: string, cb: (r: unknown) => void): void }).emit('room:create', resolve));
    expect(created).toEqual({ ok: false, reason: 'no-history', error: 'this server keeps no history' });
  }, 20_000);
});
