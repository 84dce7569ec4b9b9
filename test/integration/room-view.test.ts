/**
 * room:view: a presenter shares its camera, selection and tour step with its room (docs/hub-spec.md RM1–RM4).
 * A real server on port 0 with token auth; Node Socket.IO clients.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHub } from '../../server/hub/twin-hub.ts';
import { History } from '../../server/hub/history.ts';
import { createApp, type App } from '../../server/app.ts';
import { tokenAuth } from '../../server/auth/roles.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { scriptedSource } from '../fixtures/scripted-source.ts';
import { twinClient, waitFor } from '../fixtures/client.ts';
import type { PlaybackStatus, RoomView } from '../../protocol/events.ts';

const scene = tinyScene();
const apps: App[] = [];
const clients: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const a of apps.splice(0)) await a.close();
});

const T0 = 1_800_000_000_000;
const tokens = tokenAuth('room-view-secret');

async function start(limits?: { eventsPerSecond?: number }, roomGraceMs?: number) {
  const hub = createHub({ scene, tickMs: 20 });
  const source = scriptedSource([{ type: 'station', id: 'S1', state: 'working', ts: T0 }]);
  const history = new History({ scene, keyframeIntervalMs: 5000 });
  const app = createApp({ hub, sources: [source], staticDir: null, history, liveSource: true, auth: tokens, limits, roomGraceMs });
  apps.push(app);
  const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  for (let s = 1; s <= 3; s++) {
    source.push({ type: 'station', id: 'S1', state: 'working', ts: T0 + s * 1000 });
    await waitFor(() => history.to !== null && history.to >= T0 + s * 1000 - 200, `tick ${s}`);
  }
  return { app, hub, url };
}

type Client = ReturnType<typeof twinClient>;
const emit = <T>(c: Client, ev: string, ...args: unknown[]) =>
  new Promise<T>((resolve) => (c.socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(ev, ...args, resolve));
const views = (c: Client) => {
  const got: RoomView[] = [];
  c.socket.on('room:view', (v) => got.push(v));
  return got;
};

const view = (step: number, id = 'S2'): RoomView => ({
  type: 'view',
  camera: { position: [10, 20, 30], target: [0, 0, step] },
  selection: { kind: 'station', id },
  tour: { id: 'visitor', step },
});

describe('room:view: the presenter leads its members\' screens', () => {
  it('[RM1] only a presenter may send room:view: a viewer is refused with an error ack and counted', async () => {
    const { app, hub, url } = await start();
    const viewer = twinClient(url, hub.index);
    clients.push(viewer);
    await waitFor(() => viewer.events.length > 0, 'snapshot');
    const before = app.clientRejects.forbidden;
    expect(await emit(viewer, 'room:view', view(0))).toEqual({ ok: false, reason: 'forbidden', params: { role: 'viewer', event: 'room:view' }, error: 'forbidden: a viewer may not send room:view' });
    expect(app.clientRejects.forbidden).toBe(before + 1);
    // A presenter who opened no room has nobody to lead.
    const presenter = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    clients.push(presenter);
    await waitFor(() => presenter.events.length > 0, 'presenter snapshot');
    expect(await emit(presenter, 'room:view', view(0))).toMatchObject({ ok: false, reason: 'not-presenter', error: expect.stringMatching(/only the presenter of a room/) });
    expect(app.clientRejects.forbidden).toBe(before + 2);
  }, 20_000);

  it('[RM2] an invalid view is refused with an error ack naming the field, counted, and relayed to nobody', async () => {
    const { app, hub, url } = await start();
    const presenter = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    const member = twinClient(url, hub.index);
    clients.push(presenter, member);
    await waitFor(() => presenter.events.length > 0 && member.events.length > 0, 'snapshots');
    const created = await emit<{ ok: true; code: string }>(presenter, 'room:create');
    expect(await emit(member, 'room:join', created.code)).toMatchObject({ ok: true });
    const got = views(member);
    const before = app.clientRejects.invalid;
    const bad: unknown[] = [
      { ...view(0), camera: { position: [0, Number.NaN, 0], target: [0, 0, 0] } },
      { ...view(0), camera: { position: [0, 1e9, 0], target: [0, 0, 0] } },
      { ...view(0), selection: { kind: 'area', id: 'A' } },
      { ...view(0), tour: { id: 'visitor', step: -1 } },
      { ...view(0), extra: true },
      { type: 'view' },
      'view',
      null,
    ];
    for (const b of bad) {
      const r = await emit<{ ok: boolean; error?: string; code?: string; params?: Record<string, unknown> }>(presenter, 'room:view', b);
      expect(r.ok, JSON.stringify(b)).toBe(false);
      expect(r.error).toMatch(/^invalid room view: /);
      expect(r).toMatchObject({ reason: 'invalid-argument', params: { event: 'room:view', details: r.error!.slice('invalid room view: '.length) } });
    }
    expect((await emit<{ error: string }>(presenter, 'room:view', { ...view(0), tour: { id: 'visitor', step: -1 } })).error).toMatch(/tour\.step/);
    expect(app.clientRejects.invalid).toBe(before + bad.length + 1);
    // A good view after the bad ones is the first the member hears.
    expect(await emit(presenter, 'room:view', view(3))).toEqual({ ok: true });
    await waitFor(() => got.length === 1, 'the good view');
    expect(got).toEqual([view(3)]);
  }, 20_000);

  it('[RM3] a view is relayed to every member of the room (not to the presenter, not to other rooms)', async () => {
    const { hub, url } = await start();
    const presenter = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    const other = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    const a = twinClient(url, hub.index);
    const b = twinClient(url, hub.index);
    const outsider = twinClient(url, hub.index);
    clients.push(presenter, other, a, b, outsider);
    await waitFor(() => [presenter, other, a, b, outsider].every((c) => c.events.length > 0), 'snapshots');
    const room = await emit<{ ok: true; code: string }>(presenter, 'room:create');
    const room2 = await emit<{ ok: true; code: string }>(other, 'room:create');
    await emit(a, 'room:join', room.code);
    await emit(b, 'room:join', room.code);
    await emit(outsider, 'room:join', room2.code);
    const [gotA, gotB, gotP, gotO] = [views(a), views(b), views(presenter), views(outsider)];
    for (let step = 0; step < 3; step++) expect(await emit(presenter, 'room:view', view(step, `S${step + 1}`))).toEqual({ ok: true });
    await waitFor(() => gotA.length === 3 && gotB.length === 3, 'three views each');
    expect(gotA.map((v) => [v.tour?.step, v.selection?.id])).toEqual([[0, 'S1'], [1, 'S2'], [2, 'S3']]);
    expect(gotB).toEqual(gotA);
    await new Promise((r) => setTimeout(r, 100));
    expect(gotP).toEqual([]);
    expect(gotO).toEqual([]);
    // A member who leaves hears no more.
    await emit(b, 'room:leave');
    await emit(presenter, 'room:view', view(4));
    await waitFor(() => gotA.length === 4, 'the fourth view');
    await new Promise((r) => setTimeout(r, 100));
    expect(gotB).toHaveLength(3);
  }, 20_000);

  it('[RM4] a late joiner gets the last view at once', async () => {
    const { hub, url } = await start();
    const presenter = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    clients.push(presenter);
    await waitFor(() => presenter.events.length > 0, 'snapshot');
    const room = await emit<{ ok: true; code: string }>(presenter, 'room:create');
    await emit(presenter, 'room:view', view(1, 'S1'));
    await emit(presenter, 'room:view', view(5, 'S3'));
    const late = twinClient(url, hub.index);
    clients.push(late);
    const got = views(late);
    await waitFor(() => late.events.length > 0, 'late snapshot');
    expect(await emit(late, 'room:join', room.code)).toMatchObject({ ok: true });
    await waitFor(() => got.length === 1, 'the last view');
    expect(got[0]).toEqual(view(5, 'S3'));
  }, 20_000);

  it('[RM5] room:view is rate-limited like every client event', async () => {
    const { app, hub, url } = await start({ eventsPerSecond: 5 });
    const presenter = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    clients.push(presenter);
    await waitFor(() => presenter.events.length > 0, 'snapshot');
    await emit(presenter, 'room:create');
    const before = app.clientRejects['rate-limit'];
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => emit<{ ok: boolean; error?: string }>(presenter, 'room:view', view(i))));
    const limited = results.filter((r) => !r.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].error).toMatch(/rate limited/);
    expect(limited[0]).toMatchObject({ reason: 'rate-limited' });
    expect(app.clientRejects['rate-limit']).toBe(before + limited.length);
  }, 20_000);
});

describe('a presenter\'s lost connection does not end its room', () => {
  const statuses = (c: Client) => {
    const got: PlaybackStatus[] = [];
    c.socket.on('playback:status', (st) => got.push(st));
    return got;
  };
  type Created = { ok: true; code: string; key: string };

  it('[RM6] the room goes on with the presenter away; the presenter takes it back with its key, and leads again', async () => {
    const { app, hub, url } = await start();
    const presenter = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    const member = twinClient(url, hub.index);
    clients.push(presenter, member);
    await waitFor(() => presenter.events.length > 0 && member.events.length > 0, 'snapshots');
    const created = await emit<Created>(presenter, 'room:create');
    expect(created).toMatchObject({ ok: true, code: expect.stringMatching(/^[A-Z0-9]{5}$/), key: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const joined = await emit<{ ok: true; code: string; key?: string }>(member, 'room:join', created.code);
    // The key is the presenter's alone.
    expect(joined).toEqual({ ok: true, code: created.code });
    const seen = statuses(member);
    const got = views(member);

    presenter.close();
    await waitFor(() => seen.some((st) => st.presenterAway), 'the member to hear the presenter is away');
    expect(seen.at(-1)).toMatchObject({ room: created.code, presenter: false, presenterAway: true, mode: 'playback' });

    const back = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    clients.push(back);
    await waitFor(() => back.events.length > 0, 'the presenter\'s new connection');
    // A wrong key, a viewer, and a malformed request are refused, each with its reason.
    expect(await emit(back, 'room:resume', { code: created.code, key: 'f'.repeat(32) })).toEqual({ ok: false, reason: 'no-room-to-resume', params: { room: created.code }, error: `no room ${created.code} to resume: it has ended, or this screen did not open it` });
    const rejectsBefore = app.clientRejects.invalid;
    expect(await emit<{ ok: false; error: string }>(back, 'room:resume', { code: created.code })).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid room resume: .*key/) });
    expect(app.clientRejects.invalid).toBe(rejectsBefore + 1);
    expect(await emit(member, 'room:resume', { code: created.code, key: created.key })).toEqual({ ok: false, reason: 'forbidden', params: { role: 'viewer', event: 'room:resume' }, error: 'forbidden: a viewer may not send room:resume' });

    expect(await emit(back, 'room:resume', { code: created.code, key: created.key })).toEqual({ ok: true, code: created.code, key: created.key });
    await waitFor(() => seen.at(-1)?.presenterAway === false, 'the member to hear the presenter is back');
    expect(seen.at(-1)).toMatchObject({ room: created.code, presenterAway: false });
    expect(await emit(back, 'room:view', view(7))).toEqual({ ok: true });
    await waitFor(() => got.length === 1, 'the resumed presenter\'s view');
    expect(got).toEqual([view(7)]);
    // It drives the shared cursor again: its pause is the member's.
    expect(await emit(back, 'playback:command', { type: 'pause' })).toEqual({ ok: true });
    await waitFor(() => seen.at(-1)?.playing === false, 'the member\'s cursor to pause');
  }, 20_000);

  it('[RM7] a screen holding the key takes the room over from a connection the server still holds', async () => {
    const { hub, url } = await start();
    const first = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    clients.push(first);
    await waitFor(() => first.events.length > 0, 'snapshot');
    const created = await emit<Created>(first, 'room:create');
    const firstSeen = statuses(first);
    const second = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    clients.push(second);
    await waitFor(() => second.events.length > 0, 'snapshot');
    expect(await emit(second, 'room:resume', { code: created.code, key: created.key })).toMatchObject({ ok: true });
    await waitFor(() => firstSeen.some((st) => st.room === null && st.mode === 'live'), 'the old connection to be back on live');
    expect(await emit<{ ok: boolean }>(first, 'room:view', view(1))).toMatchObject({ ok: false });
    expect(await emit(second, 'room:view', view(1))).toEqual({ ok: true });
  }, 20_000);

  it('[RM8] a presenter that stays away longer than the grace ends the room: members go back to live and the key no longer works', async () => {
    const { hub, url } = await start(undefined, 400);
    const presenter = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    const member = twinClient(url, hub.index);
    clients.push(presenter, member);
    await waitFor(() => presenter.events.length > 0 && member.events.length > 0, 'snapshots');
    const created = await emit<Created>(presenter, 'room:create');
    await emit(member, 'room:join', created.code);
    const seen = statuses(member);
    presenter.close();
    await waitFor(() => seen.some((st) => st.presenterAway), 'the presenter to be away');
    await waitFor(() => seen.at(-1)?.room === null, 'the room to end after the grace', 5000);
    expect(seen.at(-1)).toMatchObject({ room: null, mode: 'live', presenterAway: false });
    const back = twinClient(url, hub.index, { token: await tokens.sign('presenter') });
    clients.push(back);
    await waitFor(() => back.events.length > 0, 'snapshot');
    expect(await emit(back, 'room:resume', { code: created.code, key: created.key })).toMatchObject({ ok: false, error: expect.stringMatching(/^no room/) });
  }, 20_000);
});
