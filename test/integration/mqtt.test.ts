/**
 * The MQTT source against a real Mosquitto: messages published with MQTT.js and with the
 * mosquitto_pub CLI must show up in GET /api/state and in a Socket.IO client of a real server.
 * Every test uses its own topic prefix, so parallel runs on the shared broker do not collide.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { createMqttSource, type MqttSourceOptions } from '../../server/sources/mqtt/index.ts';
import { reconnectDelay } from '../../server/sources/mqtt/broker-client.ts';
import { createLiveSources, liveSourceOptions } from '../../server/sources/live-options.ts';
import type { StateSnapshot } from '../../protocol/state.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { portOpen, requireMosquitto } from '../fixtures/mosquitto.ts';
import { twinClient, waitFor } from '../fixtures/client.ts';

const BROKER = 'mqtt://127.0.0.1:1883';
const run = `lt${process.pid}-${randomBytes(3).toString('hex')}`;
let prefixCounter = 0;
const newPrefix = () => `linetwin-test/${run}/${++prefixCounter}`;
const scene = tinyScene();
const execFileP = promisify(execFile);

const apps: App[] = [];
const closers: Array<() => unknown> = [];
let publisher: MqttClient;

beforeAll(async () => {
  await requireMosquitto();
  publisher = await mqtt.connectAsync(BROKER, { clientId: `${run}-pub` });
});
afterAll(async () => {
  await publisher?.endAsync();
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const a of apps.splice(0)) await a.close();
});

type Logged = { msg: string; detail: Record<string, unknown>; at: number };

async function startTwin(opts: Partial<MqttSourceOptions> = {}) {
  const prefix = opts.prefix ?? newPrefix();
  const logs: Logged[] = [];
  const hub = createHub({ scene, tickMs: 20, onReject: (_c, reason, detail) => logs.push({ msg: `HUB REJECT ${reason}`, detail: { detail }, at: Date.now() }) });
  const source = createMqttSource(scene, {
    url: BROKER,
    prefix,
    staleAfterMs: 60_000,
    minReconnectMs: 100,
    maxReconnectMs: 400,
    log: (msg, detail) => logs.push({ msg, detail: detail as Record<string, unknown>, at: Date.now() }),
    ...opts,
  });
  const app = createApp({ hub, sources: [source], staticDir: null });
  apps.push(app);
  const port = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  await waitFor(() => source.health().connection === 'connected', 'the source to connect and subscribe');
  const state = async () => (await (await fetch(`${url}/api/state`)).json()) as StateSnapshot;
  const pub = (sub: string, payload: string | Buffer | object) =>
    publisher.publishAsync(`${prefix}/${sub}`, typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload), { qos: 1 });
  const cli = (sub: string, message: string, port = 1883) => execFileP('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-t', `${prefix}/${sub}`, '-m', message]);
  const rejectLogs = () => logs.filter((l) => l.msg.startsWith('mqtt: rejected'));
  return { hub, app, source, url, prefix, logs, rejectLogs, state, pub, cli };
}

const joints = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6];
const f32 = (xs: number[]) => Array.from(new Float32Array(xs));

describe('MQTT source (real Mosquitto on 127.0.0.1:1883)', () => {
  it('[MQ1] messages published with MQTT.js reach /api/state and Socket.IO clients; partial robot updates merge; bodies move and leave', async () => {
    const t = await startTwin();
    const client = twinClient(t.url, t.hub.index);
    closers.push(() => client.close());
    // Before any message an entity is unknown: off and stale, robots at their home pose.
    const first = await t.state();
    expect(first.stations.S1).toMatchObject({ state: 'off', quality: 'stale' });
    expect(first.robots.R1.quality).toBe('stale');
    expect(first.robots.R1.joints[1]).toBeCloseTo((-20 * Math.PI) / 180, 5);

    const ts = Date.now();
    await t.pub('bodies/WBA0001/location', { station: 'S2', model: 'suv', color: '#3366ff', ts });
    await t.pub('stations/S2/state', { state: 'working', ts, job: 'WBA0001', cycleTime: 55 });
    await t.pub('robots/R1/joints', { joints, ts, state: 'working', tool: true });
    await waitFor(async () => (await t.state()).robots.R1.quality === 'good', 'the robot');
    let s = await t.state();
    expect(s.stations.S2).toEqual({ state: 'working', quality: 'good', ts, job: 'WBA0001' });
    expect(s.robots.R1).toEqual({ state: 'working', quality: 'good', ts, tool: true, joints: f32(joints) });
    expect(s.bodies.WBA0001).toEqual({ model: 'suv', color: '#3366ff', location: { kind: 'station', station: 'S2' }, quality: 'good', ts });

    // Joints only: state and tool are kept from the last message, not reset.
    const joints2 = [1, 0, 0, 0, 0, 0];
    await t.pub('robots/R1/joints', { joints: joints2, ts: ts + 100 });
    await waitFor(async () => (await t.state()).robots.R1.ts === ts + 100, 'the joints-only update');
    s = await t.state();
    expect(s.robots.R1).toEqual({ state: 'working', quality: 'good', ts: ts + 100, tool: true, joints: joints2 });

    // Location only: model and colour are kept.
    await t.pub('bodies/WBA0001/location', { conveyor: 'C2', progress: 0.25, ts: ts + 200 });
    await waitFor(async () => (await t.state()).bodies.WBA0001?.ts === ts + 200, 'the body move');
    expect((await t.state()).bodies.WBA0001).toEqual({ model: 'suv', color: '#3366ff', location: { kind: 'conveyor', conveyor: 'C2', progress: 0.25 }, quality: 'good', ts: ts + 200 });

    await waitFor(() => client.state.revision === t.hub.revision && client.state.bodies.WBA0001 !== undefined, 'the socket client');
    expect(client.state.robots.R1.joints).toEqual(joints2);
    expect(client.state.bodies.WBA0001.location).toEqual({ kind: 'conveyor', conveyor: 'C2', progress: 0.25 });

    await t.pub('bodies/WBA0001/remove', '');
    await waitFor(async () => (await t.state()).bodies.WBA0001 === undefined, 'the body removal');
    await waitFor(() => client.state.bodies.WBA0001 === undefined, 'the removal at the client');
    expect(t.hub.rejects).toEqual({ 'unknown-id': 0, 'invalid-value': 0 });
    const h = t.source.health();
    expect(h).toMatchObject({ kind: 'mqtt', target: 'mqtt://127.0.0.1:1883', connection: 'connected', messagesTotal: 6, rejects: {}, subscriptions: [`${t.prefix}/#`] });
    expect(h.lastMessageAt).toBeGreaterThanOrEqual(ts);
    expect(h.messageRate).toBeGreaterThan(0);
  });

  it('[MQ2] messages from the mosquitto_pub CLI, with epoch-ms and ISO 8601 timestamps', async () => {
    const t = await startTwin();
    await t.cli('stations/S1/state', '{"state":"blocked","ts":1767225600000}');
    await t.cli('stations/S3/state', '{"state":"down","ts":"2026-01-01T00:00:01.500Z"}');
    await t.cli('robots/R1/joints', '{"joints":[0,0,0,0,0,0.5],"ts":"2026-01-01T02:00:02+02:00"}');
    // The job names a body the twin does not know yet; it is linked once the body appears.
    await t.cli('stations/S2/state', '{"state":"working","ts":1767225600000,"job":"V-42"}');
    await t.cli('bodies/V-42/location', '{"conveyor":"C1","progress":1}');
    await waitFor(async () => (await t.state()).bodies['V-42'] !== undefined, 'the CLI messages');
    const s = await t.state();
    expect(s.stations.S1).toMatchObject({ state: 'blocked', quality: 'good', ts: 1767225600000 });
    expect(s.stations.S3).toMatchObject({ state: 'down', quality: 'good', ts: Date.UTC(2026, 0, 1, 0, 0, 1, 500) });
    expect(s.robots.R1).toMatchObject({ state: 'working', tool: false, ts: Date.UTC(2026, 0, 1, 0, 0, 2) });
    // A body message without ts takes the arrival time.
    expect(Math.abs(s.bodies['V-42'].ts - Date.now())).toBeLessThan(5000);
    expect(s.bodies['V-42']).toMatchObject({ model: 'sedan', color: null, location: { kind: 'conveyor', conveyor: 'C1', progress: 1 } });
    expect(s.stations.S2).toEqual({ state: 'working', quality: 'good', ts: 1767225600000, job: 'V-42' });
  });

  it('[MQ3] state synonyms are accepted, case-insensitively, for stations and robots', async () => {
    const t = await startTwin();
    const stationCases: Array<[string, string]> = [
      ['running', 'working'], ['RUN', 'working'], ['Busy', 'working'], ['idle', 'starved'], ['Waiting', 'starved'],
      ['FAULT', 'down'], ['error', 'down'], ['Alarm', 'down'], ['changeover', 'setup'], ['stopped', 'off'], [' Blocked ', 'blocked'],
    ];
    let ts = Date.now();
    for (const [word, state] of stationCases) {
      ts++;
      await t.pub('stations/S2/state', { state: word, ts });
      await waitFor(async () => (await t.state()).stations.S2.ts === ts, `station state "${word}"`);
      expect((await t.state()).stations.S2.state, word).toBe(state);
    }
    const robotCases: Array<[string, string]> = [['Running', 'working'], ['waiting', 'idle'], ['Error', 'down'], ['STOPPED', 'off'], ['idle', 'idle']];
    for (const [word, state] of robotCases) {
      ts++;
      await t.pub('robots/R1/joints', { joints, ts, state: word });
      await waitFor(async () => (await t.state()).robots.R1.ts === ts, `robot state "${word}"`);
      expect((await t.state()).robots.R1.state, word).toBe(state);
    }
    expect(t.source.health().rejects).toEqual({});
  });

  it('[MQ4] an entity without messages for the stale window turns stale, and good again when messages return', async () => {
    const t = await startTwin({ staleAfterMs: 600 });
    const ts = Date.now();
    await t.pub('stations/S1/state', { state: 'working', ts });
    await t.pub('robots/R1/joints', { joints, ts });
    await waitFor(async () => (await t.state()).robots.R1.quality === 'good', 'good data');
    const goodAt = Date.now();
    // S3 keeps reporting; it must stay good while the others go stale.
    const keepAlive = setInterval(() => void t.pub('stations/S3/state', { state: 'starved', ts: Date.now() }), 100);
    closers.push(() => clearInterval(keepAlive));
    await waitFor(async () => (await t.state()).stations.S1.quality === 'stale', 'S1 stale', 5000);
    const staleAfter = Date.now() - goodAt;
    expect(staleAfter).toBeGreaterThanOrEqual(500);
    expect(staleAfter).toBeLessThan(2500);
    let s = await t.state();
    // The value and its source time stay; only the quality changes.
    expect(s.stations.S1).toEqual({ state: 'working', quality: 'stale', ts, job: null });
    expect(s.robots.R1).toMatchObject({ quality: 'stale', ts, joints: f32(joints) });
    expect(s.stations.S3.quality).toBe('good');
    expect(t.source.health().staleEntities).toBe(2);

    await t.pub('stations/S1/state', { state: 'down', ts: ts + 1000 });
    await waitFor(async () => (await t.state()).stations.S1.quality === 'good', 'S1 good again');
    s = await t.state();
    expect(s.stations.S1).toMatchObject({ state: 'down', quality: 'good', ts: ts + 1000 });
    expect(s.robots.R1.quality).toBe('stale');
  });

  it('[MQ5] malformed, mistyped, oversized, unknown-id and unknown-topic messages are counted by reason, logged at most once a second, and change nothing', async () => {
    const t = await startTwin({ maxPayloadBytes: 1024 });
    const ts = Date.now();
    await t.pub('stations/S1/state', { state: 'working', ts });
    await t.pub('robots/R1/joints', { joints, ts, tool: true });
    await t.pub('bodies/B1/location', { station: 'S1', ts });
    await waitFor(async () => (await t.state()).bodies.B1 !== undefined, 'good data');
    await new Promise((r) => setTimeout(r, 100));
    const before = await t.state();
    const receivedBefore = t.source.health().received;

    const bad: Array<[string, string | Buffer | object, string]> = [
      ['stations/S1/state', '{"state": "working", ', 'malformed-json'],
      ['stations/S1/state', 'not json', 'malformed-json'],
      ['robots/R1/joints', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'malformed-json'],
      ['stations/S1/state', { state: 5, ts }, 'invalid-payload'],
      ['stations/S1/state', { state: 'flying', ts }, 'invalid-payload'],
      ['stations/S1/state', { state: 'down' }, 'invalid-payload'],
      ['stations/S1/state', { state: 'down', ts: 'yesterday' }, 'invalid-payload'],
      ['stations/S1/state', { state: 'down', ts: Math.floor(ts / 1000) }, 'invalid-payload'],
      ['stations/S1/state', { state: 'down', ts: '2026-01-01T00:00:00' }, 'invalid-payload'],
      ['stations/S1/state', { state: 'down', ts, job: 7 }, 'invalid-payload'],
      ['stations/S1/state', [1, 2], 'invalid-payload'],
      ['stations/S1/state', 'null', 'invalid-payload'],
      ['robots/R1/joints', { joints: [0, 0, 0, 0, 0], ts }, 'invalid-payload'],
      ['robots/R1/joints', { joints: [0, 0, 0, 0, 0, '1'], ts }, 'invalid-payload'],
      ['robots/R1/joints', { joints: [90, 0, 0, 0, 0, 0], ts }, 'invalid-payload'],
      ['robots/R1/joints', { joints, ts, tool: 'yes' }, 'invalid-payload'],
      ['bodies/B1/location', { station: 'S1', conveyor: 'C1', progress: 0.5 }, 'invalid-payload'],
      ['bodies/B1/location', { conveyor: 'C1' }, 'invalid-payload'],
      ['bodies/B1/location', { conveyor: 'C1', progress: 1.5 }, 'invalid-payload'],
      ['bodies/B1/location', { station: 'S2', color: 'red' }, 'invalid-payload'],
      ['bodies/B1/location', { station: 'S2', model: 'truck' }, 'invalid-payload'],
      ['stations/S1/state', JSON.stringify({ state: 'down', ts, pad: 'x'.repeat(1100) }), 'oversized'],
      ['stations/NOPE/state', { state: 'down', ts }, 'unknown-id'],
      ['robots/R9/joints', { joints, ts }, 'unknown-id'],
      ['bodies/B1/location', { station: 'S9' }, 'unknown-id'],
      ['bodies/B1/location', { conveyor: 'C9', progress: 0 }, 'unknown-id'],
      ['stations/S1/status', { state: 'down', ts }, 'unknown-topic'],
      ['stations/S1', { state: 'down', ts }, 'unknown-topic'],
      ['something/else/entirely', '{}', 'unknown-topic'],
      ['bodies/no%20spaces!/location', { station: 'S1' }, 'invalid-id'],
    ];
    const expected: Record<string, number> = {};
    for (const [, , reason] of bad) expected[reason] = (expected[reason] ?? 0) + 1;
    const burstStart = Date.now();
    for (const [topic, payload] of bad) await t.pub(topic, payload);
    // Also from the CLI: a payload that is JSON but not an object, and a broken one.
    await t.cli('stations/S2/state', '42');
    await t.cli('stations/S2/state', '{state: working}');
    expected['invalid-payload']++;
    expected['malformed-json']++;
    const total = bad.length + 2;
    await waitFor(() => t.source.health().received - receivedBefore === total, 'every bad message to arrive');
    const burstMs = Date.now() - burstStart;

    expect(t.source.health().rejects).toEqual(expected);
    expect(t.source.health().messagesTotal).toBe(3);
    const logsInBurst = t.rejectLogs().length;
    expect(logsInBurst).toBeGreaterThanOrEqual(1);
    expect(logsInBurst).toBeLessThanOrEqual(1 + Math.floor(burstMs / 1000));
    expect(t.rejectLogs()[0].detail).toMatchObject({ source: 'mqtt', reason: 'malformed-json', topic: `${t.prefix}/stations/S1/state`, suppressed: 0 });

    // Nothing changed: same revision, same entities.
    await new Promise((r) => setTimeout(r, 100));
    const after = await t.state();
    expect(after.revision).toBe(before.revision);
    expect({ ...after, time: 0 }).toEqual({ ...before, time: 0 });
    expect(t.hub.rejects).toEqual({ 'unknown-id': 0, 'invalid-value': 0 });

    // A second later the next reject is logged again, with the count of the silent ones.
    await new Promise((r) => setTimeout(r, 1100));
    await t.pub('stations/S1/state', 'x');
    await waitFor(() => t.rejectLogs().length === logsInBurst + 1, 'the next reject log');
    const suppressedTotal = t.rejectLogs().reduce((n, l) => n + (l.detail.suppressed as number), 0);
    expect(suppressedTotal + t.rejectLogs().length).toBe(total + 1);
    // Log times are at least a second apart.
    const times = t.rejectLogs().map((l) => l.at);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(990);
  });

  it('[MQ6] broker restart: entities turn stale at once when the connection drops and recover when it is back; the source never publishes', async () => {
    const port = await freePort();
    const broker = await startMosquitto(port);
    closers.push(() => broker.stop());
    // A watcher on "#" of this private broker sees every publish; only the test publishes.
    const watcher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 100 });
    closers.push(() => watcher.endAsync(true));
    const seen: string[] = [];
    watcher.on('message', (topic) => seen.push(topic));
    await watcher.subscribeAsync('#');
    const t = await startTwin({ url: `mqtt://127.0.0.1:${port}`, minReconnectMs: 100, maxReconnectMs: 300 });
    const ts = Date.now();
    await t.cli('stations/S1/state', JSON.stringify({ state: 'working', ts }), port);
    await t.cli('robots/R1/joints', JSON.stringify({ joints, ts }), port);
    await waitFor(async () => (await t.state()).robots.R1.quality === 'good', 'good data');

    await broker.stop();
    await waitFor(async () => (await t.state()).stations.S1.quality === 'stale', 'stale after the broker went away', 3000);
    const s = await t.state();
    expect(s.stations.S1).toMatchObject({ state: 'working', quality: 'stale', ts });
    expect(s.robots.R1.quality).toBe('stale');
    expect(['disconnected', 'connecting']).toContain(t.source.health().connection);
    // Let a few reconnect attempts fail: the loss is logged once, not per attempt.
    await new Promise((r) => setTimeout(r, 700));
    expect(t.logs.filter((l) => l.msg.includes('connection to') && l.msg.includes('lost'))).toHaveLength(1);

    const again = await startMosquitto(port);
    closers.push(() => again.stop());
    await waitFor(() => t.source.health().connection === 'connected', 'the reconnect', 5000);
    await t.cli('stations/S1/state', JSON.stringify({ state: 'blocked', ts: ts + 5 }), port);
    await waitFor(async () => (await t.state()).stations.S1.quality === 'good', 'recovery');
    expect((await t.state()).stations.S1).toMatchObject({ state: 'blocked', quality: 'good', ts: ts + 5 });
    // R1 has said nothing since: it stays stale until it does.
    expect((await t.state()).robots.R1.quality).toBe('stale');

    await waitFor(() => seen.length >= 2, 'the watcher');
    // Everything on the broker came from the test's own publishes: nothing from the source.
    expect(seen.slice(0, 2)).toEqual([`${t.prefix}/stations/S1/state`, `${t.prefix}/robots/R1/joints`]);
    expect(seen.filter((x) => x !== `${t.prefix}/stations/S1/state` && x !== `${t.prefix}/robots/R1/joints`)).toEqual([]);
    expect(t.source.health().messagesTotal).toBe(3);
  });

  it('[MQ7] reconnect attempts back off: the delay doubles up to the cap', async () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => reconnectDelay(a, 1000, 30_000))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    // A TCP endpoint that drops every connection: count the attempts the source makes in 2 s.
    const attempts: number[] = [];
    const server = net.createServer((sock) => {
      attempts.push(Date.now());
      sock.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as net.AddressInfo).port;
    const hub = createHub({ scene, tickMs: 20 });
    const source = createMqttSource(scene, { url: `mqtt://127.0.0.1:${port}`, prefix: newPrefix(), minReconnectMs: 100, maxReconnectMs: 800 });
    source.start(hub.sink);
    closers.push(() => source.stop());
    await new Promise((r) => setTimeout(r, 2000));
    // Fixed 100 ms retries would make ~20; 100, 200, 400, 800, 800 ms make 5 or 6.
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.length).toBeLessThanOrEqual(6);
    const gaps = attempts.slice(1).map((a, i) => a - attempts[i]);
    expect(gaps[2]).toBeGreaterThan(gaps[0]);
    expect(source.health().connection).not.toBe('connected');
  });

  it('[MQ8] CLI wiring: no --mqtt, no live sources; invalid values name their option', () => {
    const defaults = { 'stale-after': liveSourceOptions['stale-after'].default, 'max-payload': liveSourceOptions['max-payload'].default, sparkplug: false };
    const log = () => undefined;
    expect(createLiveSources(defaults, scene, log)).toEqual([]);
    const sources = createLiveSources({ ...defaults, mqtt: 'mqtt://127.0.0.1:1883', sparkplug: true, 'mqtt-prefix': 'site1/line3' }, scene, log);
    expect(sources.map((s) => s.kind)).toEqual(['mqtt', 'sparkplug']);
    expect(sources[0].health?.()).toMatchObject({ target: 'mqtt://127.0.0.1:1883', subscriptions: ['site1/line3/#'] });
    const secret = createLiveSources({ ...defaults, mqtt: 'mqtt://u:pw@127.0.0.1:1883' }, scene, log);
    expect(JSON.stringify(secret[0].health?.())).not.toContain('pw');
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ mqtt: 'http://x' }, /^--mqtt .*mqtt:\/\//],
      [{ mqtt: 'nonsense' }, /^--mqtt /],
      [{ 'mqtt-username': 'u' }, /^--mqtt-username needs --mqtt/],
      [{ sparkplug: true }, /^--sparkplug needs --mqtt/],
      [{ mqtt: BROKER, 'stale-after': '0' }, /^--stale-after expects/],
      [{ mqtt: BROKER, 'stale-after': 'soon' }, /^--stale-after expects/],
      [{ mqtt: BROKER, 'max-payload': '1.5' }, /^--max-payload expects/],
      [{ mqtt: BROKER, 'mqtt-prefix': 'a/#' }, /^--mqtt-prefix /],
      [{ mqtt: BROKER, 'mqtt-prefix': '/a' }, /^--mqtt-prefix /],
      [{ mqtt: 'mqtts://127.0.0.1:8883', 'mqtt-ca': '/no/such/ca.pem' }, /^--mqtt-ca: cannot read/],
      [{ mqtt: BROKER, 'mqtt-ca': import.meta.filename }, /^--mqtt-ca needs a TLS broker URL/],
      [{ mqtt: 'mqtts://127.0.0.1:8883', 'mqtt-cert': import.meta.filename }, /^--mqtt-cert needs --mqtt-key/],
      [{ mqtt: BROKER, 'mqtt-password': 'pw' }, /^--mqtt-password .*needs --mqtt-username/],
      [{ mqtt: BROKER, 'sparkplug-group': 'g' }, /^--sparkplug-group needs --sparkplug/],
      [{ mqtt: BROKER, sparkplug: true, 'sparkplug-group': 'a/b' }, /^--sparkplug-group expects/],
    ];
    for (const [values, message] of bad) expect(() => createLiveSources({ ...defaults, ...values }, scene, log), JSON.stringify(values)).toThrow(message);
    // The password may come from the environment instead of the command line.
    expect(() => createLiveSources({ ...defaults, mqtt: BROKER }, scene, log, { LINETWIN_MQTT_PASSWORD: 'pw' })).toThrow(/needs --mqtt-username/);
    expect(createLiveSources({ ...defaults, mqtt: BROKER, 'mqtt-username': 'u' }, scene, log, { LINETWIN_MQTT_PASSWORD: 'pw' })).toHaveLength(1);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A private Mosquitto on `port` (never the shared one on 1883), stopped by the test. */
async function startMosquitto(port: number): Promise<{ stop(): Promise<void> }> {
  const proc: ChildProcess = spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' });
  let exited = false;
  proc.once('exit', () => (exited = true));
  await waitFor(async () => exited || (await portOpen(port)), `mosquitto on port ${port}`, 5000);
  if (exited) throw new Error(`mosquitto -p ${port} exited at once (port taken?)`);
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
