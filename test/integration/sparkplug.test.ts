/**
 * The Sparkplug B host against a real Mosquitto: sequences encoded with sparkplug-payload and
 * published with MQTT.js, seen through a real server's GET /api/state and a Socket.IO client.
 * Every test uses its own Sparkplug group, so parallel runs on the shared broker do not collide.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import sparkplug from 'sparkplug-payload';
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { createSparkplugSource, type SparkplugSourceOptions } from '../../server/sources/sparkplug/index.ts';
import type { StateSnapshot } from '../../protocol/state.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { portOpen, requireMosquitto } from '../fixtures/mosquitto.ts';
import { twinClient, waitFor } from '../fixtures/client.ts';

const BROKER = 'mqtt://127.0.0.1:1883';
const run = `lt${process.pid}-${randomBytes(3).toString('hex')}`;
let groupCounter = 0;
const codec = sparkplug.get('spBv1.0')!;

const axes = [1, 2, 3, 4, 5, 6];
// R1's joints come from a device with its own metric names, through the scene's mapping;
// everything else uses the default names (stations/<id>/state, robots/<id>/state).
const scene = tinyScene({
  sources: {
    sparkplug: {
      mapping: [
        ...axes.map((n) => ({ edgeNode: 'cell-2', device: 'robot-1', metric: `Axis/J${n}`, entity: { kind: 'robot', id: 'R1' }, field: `joint${n}` })),
        { edgeNode: 'cell-2', device: 'robot-1', metric: 'Gun/Closed', entity: { kind: 'robot', id: 'R1' }, field: 'tool' },
      ],
    },
  },
});

const apps: App[] = [];
const closers: Array<() => unknown> = [];
let publisher: MqttClient;

beforeAll(async () => {
  await requireMosquitto();
  publisher = await mqtt.connectAsync(BROKER, { clientId: `${run}-sp-pub` });
});
afterAll(async () => {
  await publisher?.endAsync();
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const a of apps.splice(0)) await a.close();
});

type M = { name?: string; alias?: number; type: 'String' | 'Double' | 'Boolean' | 'UInt64' | 'Int32' | 'Bytes'; value: unknown };

async function startHost(opts: Partial<SparkplugSourceOptions> = {}) {
  const group = opts.groupId ?? `${run}-g${++groupCounter}`;
  const logs: string[] = [];
  const hub = createHub({ scene, tickMs: 20 });
  const source = createSparkplugSource(scene, { url: BROKER, groupId: group, minReconnectMs: 100, maxReconnectMs: 300, log: (m) => logs.push(m), ...opts });
  const app = createApp({ hub, sources: [source], staticDir: null });
  apps.push(app);
  const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  await waitFor(() => source.health().connection === 'connected', 'the host to subscribe');
  const state = async () => (await (await fetch(`${url}/api/state`)).json()) as StateSnapshot;
  let sent = 0;
  const send = async (type: string, node: string, device: string | null, payload: UPayload | Uint8Array, client = publisher) => {
    const bytes = payload instanceof Uint8Array ? payload : codec.encodePayload({ timestamp: Date.now(), ...payload });
    await client.publishAsync(`spBv1.0/${group}/${type}${'/' + node}${device ? '/' + device : ''}`, Buffer.from(bytes), { qos: 1 });
    sent++;
  };
  /** Waits until the host has handled everything sent so far. */
  const settle = async () => {
    await waitFor(() => source.health().received === sent, `the host to receive ${sent} messages`);
    await new Promise((r) => setTimeout(r, 60));
  };
  return { hub, source, url, group, logs, state, send, settle };
}

const metrics = (ms: M[]) => ms as UPayload['metrics'];
const nbirth = (seq: number, bdSeq: number, extra: M[] = []) => ({
  seq,
  metrics: metrics([
    { name: 'bdSeq', type: 'UInt64', value: bdSeq },
    { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
    { name: 'stations/S1/state', alias: 1, type: 'String', value: 'Running' },
    { name: 'stations/S2/state', alias: 2, type: 'String', value: 'idle' },
    ...extra,
  ]),
});
const dbirth = (seq: number, j: number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) => ({
  seq,
  metrics: metrics([
    ...axes.map((n) => ({ name: `Axis/J${n}`, alias: 10 + n, type: 'Double' as const, value: j[n - 1] })),
    { name: 'Gun/Closed', alias: 20, type: 'Boolean', value: true },
    { name: 'robots/R1/state', alias: 21, type: 'String', value: 'busy' },
  ]),
});
const ndeath = (bdSeq: number) => ({ metrics: metrics([{ name: 'bdSeq', type: 'UInt64', value: bdSeq }]) });
const f32 = (xs: number[]) => Array.from(new Float32Array(xs));

describe('Sparkplug B host (real Mosquitto on 127.0.0.1:1883)', () => {
  it('[SP1] NBIRTH + DBIRTH with aliases, then NDATA/DDATA by alias only, reach /api/state and Socket.IO clients', async () => {
    const h = await startHost();
    const client = twinClient(h.url, h.hub.index);
    closers.push(() => client.close());
    const before = await h.state();
    expect(before.stations.S1).toMatchObject({ state: 'off', quality: 'stale' });

    await h.send('NBIRTH', 'cell-1', null, nbirth(0, 7));
    await h.send('DBIRTH', 'cell-2', 'robot-1', { seq: 0, metrics: [] }); // no NBIRTH from cell-2 yet: refused
    await h.send('NBIRTH', 'cell-2', null, { seq: 0, metrics: metrics([{ name: 'bdSeq', type: 'UInt64', value: 3 }]) });
    await h.send('DBIRTH', 'cell-2', 'robot-1', dbirth(1));
    await h.settle();
    let s = await h.state();
    expect(s.stations.S1).toMatchObject({ state: 'working', quality: 'good', job: null });
    expect(s.stations.S2).toMatchObject({ state: 'starved', quality: 'good' });
    expect(s.robots.R1).toMatchObject({ state: 'working', quality: 'good', tool: true, joints: f32([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) });

    const ts = Date.now() - 5000;
    await h.send('NDATA', 'cell-1', null, { seq: 1, timestamp: ts, metrics: metrics([{ alias: 1, type: 'String', value: 'FAULT' }]) });
    await h.send('DDATA', 'cell-2', 'robot-1', { seq: 2, timestamp: ts, metrics: metrics([{ alias: 13, type: 'Double', value: -1.25 }, { alias: 20, type: 'Boolean', value: false }]) });
    await h.settle();
    s = await h.state();
    expect(s.stations.S1).toMatchObject({ state: 'down', quality: 'good', ts });
    // One joint changed; the others are kept from the birth.
    expect(s.robots.R1).toMatchObject({ state: 'working', quality: 'good', tool: false, ts, joints: f32([0.1, 0.2, -1.25, 0.4, 0.5, 0.6]) });
    await waitFor(() => client.state.revision === h.hub.revision, 'the socket client');
    expect(client.state.robots.R1.joints).toEqual(s.robots.R1.joints);
    expect(client.state.stations.S1.state).toBe('down');
    expect(h.source.health()).toMatchObject({ kind: 'sparkplug', connection: 'connected', messagesTotal: 5, rejects: { 'sparkplug-no-birth': 1 }, nodes: 2, bornNodes: 2 });
    expect(h.source.health().subscriptions).toEqual([`spBv1.0/${h.group}/#`]);
  });

  it('[SP2] seq wraps from 255 to 0 without a gap', async () => {
    const h = await startHost();
    await h.send('NBIRTH', 'cell-1', null, nbirth(252, 1));
    const states = ['blocked', 'working', 'setup', 'off', 'down'];
    for (const [k, seq] of [253, 254, 255, 0, 1].entries())
      await h.send('NDATA', 'cell-1', null, { seq, metrics: metrics([{ alias: 1, type: 'String', value: states[k] }]) });
    await h.settle();
    expect((await h.state()).stations.S1).toMatchObject({ state: 'down', quality: 'good' });
    expect(h.source.health().rejects).toEqual({});
  });

  it('[SP3] a seq gap is counted and turns the node stale at once until its next birth; data in between is refused', async () => {
    const h = await startHost();
    await h.send('NBIRTH', 'cell-2', null, nbirth(0, 4));
    await h.send('DBIRTH', 'cell-2', 'robot-1', dbirth(1));
    await h.send('DDATA', 'cell-2', 'robot-1', { seq: 2, metrics: metrics([{ alias: 11, type: 'Double', value: 1 }]) });
    await h.settle();
    expect((await h.state()).robots.R1.quality).toBe('good');

    await h.send('DDATA', 'cell-2', 'robot-1', { seq: 4, metrics: metrics([{ alias: 11, type: 'Double', value: 2 }]) });
    await h.send('NDATA', 'cell-2', null, { seq: 5, metrics: metrics([{ alias: 1, type: 'String', value: 'down' }]) });
    await h.settle();
    let s = await h.state();
    expect(s.robots.R1).toMatchObject({ quality: 'stale', joints: f32([1, 0.2, 0.3, 0.4, 0.5, 0.6]) });
    expect(s.stations.S1).toMatchObject({ quality: 'stale', state: 'working' });
    expect(s.stations.S2.quality).toBe('stale');
    expect(h.source.health().rejects).toEqual({ 'sparkplug-seq': 1, 'sparkplug-no-birth': 1 });
    expect(h.logs.some((l) => l.includes('seq 4 after 2 (expected 3)'))).toBe(true);

    await h.send('NBIRTH', 'cell-2', null, nbirth(0, 5));
    await h.send('DBIRTH', 'cell-2', 'robot-1', dbirth(1, [3, 3, 3, 3, 3, 3]));
    await h.settle();
    s = await h.state();
    expect(s.robots.R1).toMatchObject({ quality: 'good', joints: [3, 3, 3, 3, 3, 3] });
    expect(s.stations.S1).toMatchObject({ quality: 'good', state: 'working' });
  });

  it('[SP4] DDEATH and NDEATH with the current bdSeq turn their entities stale at once; a death with a stale bdSeq is ignored', async () => {
    const h = await startHost();
    await h.send('NBIRTH', 'cell-2', null, nbirth(0, 9));
    await h.send('DBIRTH', 'cell-2', 'robot-1', dbirth(1));
    await h.settle();
    const revision = h.hub.revision;

    await h.send('DDEATH', 'cell-2', 'robot-1', { seq: 2 });
    await h.settle();
    expect(h.hub.revision).toBe(revision + 1);
    let s = await h.state();
    expect(s.robots.R1.quality).toBe('stale');
    expect(s.stations.S1.quality).toBe('good');
    // A dead device's data is refused.
    await h.send('DDATA', 'cell-2', 'robot-1', { seq: 3, metrics: metrics([{ alias: 11, type: 'Double', value: 2 }]) });
    await h.settle();
    expect(h.source.health().rejects).toEqual({ 'sparkplug-no-birth': 1 });

    // The will message of an earlier session (bdSeq 8) must not kill the current one (bdSeq 9).
    await h.send('NDEATH', 'cell-2', null, ndeath(8));
    await h.settle();
    s = await h.state();
    expect(s.stations.S1.quality).toBe('good');
    expect(h.source.health().rejects).toEqual({ 'sparkplug-no-birth': 1, 'sparkplug-stale-death': 1 });
    // Neither the refused data nor the ignored death made a revision.
    expect(h.hub.revision).toBe(revision + 1);

    await h.send('NDEATH', 'cell-2', null, ndeath(9));
    await h.settle();
    s = await h.state();
    // Every metric of the node at once, in one revision.
    expect(s.stations.S1).toMatchObject({ quality: 'stale', state: 'working' });
    expect(s.stations.S2.quality).toBe('stale');
    expect(h.hub.revision).toBe(revision + 2);
    expect(h.source.health()).toMatchObject({ bornNodes: 0, staleEntities: 3 });
  });

  it('[SP5] data before birth, garbage, unknown aliases, unknown ids and wrong types are rejected, counted and change nothing', async () => {
    const h = await startHost();
    await h.send('NDATA', 'cell-1', null, { seq: 1, metrics: metrics([{ name: 'stations/S1/state', type: 'String', value: 'working' }]) });
    await h.send('DDATA', 'cell-1', 'dev', { seq: 2, metrics: metrics([{ name: 'stations/S1/state', type: 'String', value: 'working' }]) });
    await h.settle();
    const untouched = await h.state();
    expect(untouched.stations.S1).toMatchObject({ state: 'off', quality: 'stale' });
    expect(h.source.health().rejects).toEqual({ 'sparkplug-no-birth': 2 });

    await h.send('NBIRTH', 'cell-1', null, nbirth(0, 1));
    await h.settle();
    const good = await h.state();
    // Truncated protobuf: does not decode.
    await h.send('NDATA', 'cell-1', null, new Uint8Array([0x12, 0x10, 0x01]));
    // Decodes, but into nonsense: a metric of datatype 99. Refused before its seq counts.
    await h.send('NDATA', 'cell-1', null, new Uint8Array([0x12, 0x05, 0x0a, 0x01, 0x78, 0x20, 0x63, 0x18, 0x01]));
    await h.send('NBIRTH', 'cell-3', null, { seq: 0, metrics: metrics([{ name: 'stations/S1/state', type: 'Int32', value: 5 }]) });
    await h.send('NBIRTH', 'cell-4', null, { seq: 0, metrics: metrics([{ name: 'stations/S9/state', type: 'String', value: 'working' }, { name: 'stations/S2/state', type: 'String', value: 'hovering' }]) });
    await h.send('NDATA', 'cell-1', null, { seq: 1, metrics: metrics([{ alias: 99, type: 'String', value: 'down' }]) });
    await h.send('NDATA', 'cell-1', null, { seq: 2, metrics: metrics([{ alias: 1, type: 'String', value: 'blocked' }]) });
    await h.settle();
    const s = await h.state();
    // Only the last, valid NDATA changed anything.
    expect(s.stations.S1).toMatchObject({ state: 'blocked', quality: 'good' });
    expect(s.stations.S2).toEqual(good.stations.S2);
    expect(h.source.health().rejects).toEqual({
      'sparkplug-no-birth': 2,
      'sparkplug-decode': 1,
      // datatype 99, an Int32 where a state string belongs, and "hovering"
      'invalid-payload': 3,
      'unknown-id': 1,
      'unknown-alias': 1,
    });
    expect(h.hub.rejects).toEqual({ 'unknown-id': 0, 'invalid-value': 0 });
  });

  it('[SP6] the broker going away turns everything stale at once; the scene mapping is checked against the scene', async () => {
    expect(() =>
      createSparkplugSource(tinyScene({ sources: { sparkplug: { mapping: [{ edgeNode: 'n', metric: 'm', entity: { kind: 'robot', id: 'R7' }, field: 'tool' }] } } }), { url: BROKER }),
    ).toThrow('$.sources.sparkplug.mapping[0].entity.id: no robot "R7" in scene tiny');
    expect(() => tinyScene({ sources: { sparkplug: { mapping: [{ edgeNode: 'n', metric: 'm', entity: { kind: 'station', id: 'S1' }, field: 'joint1' }] } } })).toThrow(
      /mapping\[0\]\.field: expected one of state, job for a station/,
    );

    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const proc = spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    closers.push(async () => {
      proc.kill('SIGTERM');
      await exited;
    });
    await waitFor(() => portOpen(port), 'the private mosquitto');
    const local = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    const h = await startHost({ url: `mqtt://127.0.0.1:${port}` });
    await h.send('NBIRTH', 'cell-2', null, nbirth(0, 1), local);
    await h.send('DBIRTH', 'cell-2', 'robot-1', dbirth(1), local);
    await h.settle();
    expect((await h.state()).robots.R1.quality).toBe('good');
    await local.endAsync(true);
    proc.kill('SIGTERM');
    await exited;
    await waitFor(async () => (await h.state()).robots.R1.quality === 'stale', 'stale after the broker went away', 3000);
    const s = await h.state();
    expect([s.stations.S1.quality, s.stations.S2.quality]).toEqual(['stale', 'stale']);
    expect(h.source.health().connection).not.toBe('connected');
  });
});
