/**
 * Property tests of the live sources' message handlers, without a broker: whatever arrives on
 * whatever topic, nothing throws out of the source, the mappers never fail internally, and every
 * Change that comes out is valid (checked here field by field, and by a real hub that must
 * refuse none of them).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import sparkplug from 'sparkplug-payload';
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload';
import type { Change, ChangeSink } from '../../protocol/changes.ts';
import { bodyModels, JOINT_COUNT, qualities, robotStates, stationStates } from '../../protocol/state.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createMqttHandler, mapMqttMessage } from '../../server/sources/mqtt/mqtt-handler.ts';
import { createTopicLayout } from '../../server/sources/mqtt/topics.ts';
import { robotStateSynonyms, stationStateSynonyms } from '../../server/sources/mqtt/payloads.ts';
import { indexScene } from '../../protocol/scene-index.ts';
import { createSparkplugHandler } from '../../server/sources/sparkplug/sparkplug-host.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { changeToMessage } from '../../server/sources/mqtt/change-message.ts';
import { LineSimulation } from '../../server/sources/simulator/line-simulation.ts';
import { loadSceneFile } from '../../server/scene-loader.ts';

const scene = tinyScene();
const index = indexScene(scene);
const codec = sparkplug.get('spBv1.0')!;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws with a description when a change is not one the hub could apply. */
function checkChange(c: Change): void {
  const fail = (why: string) => {
    throw new Error(`invalid change (${why}): ${JSON.stringify(c)}`);
  };
  if (!Number.isFinite(c.ts)) fail('ts');
  if ('quality' in c && c.quality !== undefined && !qualities.includes(c.quality)) fail('quality');
  switch (c.type) {
    case 'station':
      if (!index.station.has(c.id)) fail('station id');
      if (!stationStates.includes(c.state)) fail('state');
      if (c.job !== undefined && c.job !== null && !(typeof c.job === 'string' && c.job.length >= 1 && c.job.length <= 64)) fail('job');
      return;
    case 'robot':
      if (!index.robot.has(c.id)) fail('robot id');
      if (!robotStates.includes(c.state)) fail('state');
      if (c.joints.length !== JOINT_COUNT || !Array.from(c.joints).every(Number.isFinite)) fail('joints');
      if (typeof c.tool !== 'boolean') fail('tool');
      return;
    case 'body':
      if (!(typeof c.id === 'string' && c.id.length <= 64 && ID.test(c.id))) fail('body id');
      if (!bodyModels.includes(c.model)) fail('model');
      if (c.color !== null && !/^#[0-9a-fA-F]{6}$/.test(c.color)) fail('color');
      if (c.location.kind === 'station' && !index.station.has(c.location.station)) fail('location station');
      if (c.location.kind === 'conveyor' && (!index.conveyor.has(c.location.conveyor) || !(c.location.progress >= 0 && c.location.progress <= 1))) fail('location conveyor');
      if (c.location.kind === 'none') fail('location none');
      return;
    case 'body-remove':
      if (!(typeof c.id === 'string' && ID.test(c.id))) fail('body id');
      return;
    default:
      fail('type');
  }
}

/** A real hub behind a checking sink: every change is checked, then applied. */
function checkedHub() {
  const hub = createHub({ scene, tickMs: 1000 });
  const changes: Change[] = [];
  const sink: ChangeSink = {
    apply(c) {
      checkChange(c);
      changes.push(c);
      hub.sink.apply(c);
    },
    time: (ts) => hub.sink.time?.(ts),
  };
  return { hub, sink, changes };
}

const enc = (s: string) => new TextEncoder().encode(s);
const prefix = 'plant';

const idArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('S1', 'S2', 'S3', 'R1', 'B1', 'WLT-0001', 'S9', 'R9') },
  { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '+', '#', 'a b', '.x', 'é', 'x'.repeat(65)) },
);
const topicArb = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom('stations', 'robots', 'bodies'), idArb, fc.constantFrom('state', 'joints', 'location', 'remove')).map(([a, id, b]) => `${prefix}/${a}/${id}/${b}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `${prefix}/${s}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);
const tsArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(Date.now()) },
  fc.integer({ min: 1e11, max: 4e12 }),
  fc.integer(),
  fc.double(),
  fc.date({ noInvalidDate: true, min: new Date(-8e15), max: new Date(8e15) }).map((d) => d.toISOString()),
  fc.constantFrom('2026-01-01T00:00:00+02:00', '2026-01-01T00:00:00', '2026-13-45T99:99:99Z', 'now'),
  fc.string({ maxLength: 10 }),
);
const stateArb = fc.oneof(fc.constantFrom(...Object.keys(stationStateSynonyms), ...Object.keys(robotStateSynonyms), 'WORKING', ' Fault ', 'hovering'), fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null));
const junk = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
/** Mostly a valid value, sometimes junk: near-valid payloads get past the first checks. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk });
const goodTs = fc.oneof(fc.integer({ min: 1e12, max: 2e12 }), fc.date({ noInvalidDate: true, min: new Date(1e12), max: new Date(4e12) }).map((d) => d.toISOString()));
const quality = fc.constantFrom('good', 'Stale', 'uncertain', 'bad', 'excellent');
const stationMsg = fc.record(
  { state: mostly(fc.constantFrom(...Object.keys(stationStateSynonyms), 'RUNNING', 'hovering')), ts: fc.oneof(mostly(goodTs), tsArb), job: mostly(fc.constantFrom('B1', 'WLT-0001', null)), cycleTime: mostly(fc.double({ min: 0.1, max: 100 })), quality: mostly(quality) },
  { requiredKeys: [] },
);
const robotMsg = fc.record(
  {
    joints: fc.oneof(
      { weight: 4, arbitrary: fc.array(fc.double({ min: -7, max: 7, noNaN: true }), { minLength: 6, maxLength: 6 }) },
      { weight: 2, arbitrary: fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { maxLength: 8 }) },
      { weight: 1, arbitrary: fc.array(fc.oneof(fc.double(), fc.string({ maxLength: 3 }), fc.constant(null)), { maxLength: 8 }) },
      { weight: 1, arbitrary: junk },
    ),
    ts: fc.oneof(mostly(goodTs), tsArb),
    state: mostly(fc.constantFrom(...Object.keys(robotStateSynonyms), 'Busy', 'starved')),
    tool: mostly(fc.boolean()),
    quality: mostly(quality),
  },
  { requiredKeys: [] },
);
const bodyMsg = fc.record(
  {
    station: mostly(fc.constantFrom('S1', 'S2', 'S3', 'S9')),
    conveyor: mostly(fc.constantFrom('C1', 'C2', 'C9')),
    progress: mostly(fc.double({ min: -0.2, max: 1.2, noNaN: true })),
    model: mostly(fc.constantFrom('sedan', 'SUV', 'suv', 'truck')),
    color: mostly(fc.constantFrom('#3366ff', '#abcdef', '#GGGGGG', 'red', null)),
    ts: fc.oneof(mostly(goodTs), tsArb),
    quality: mostly(quality),
  },
  { requiredKeys: [] },
);
const json = (o: unknown) => enc(JSON.stringify(o) ?? 'null');
const stationId = mostly(fc.constantFrom('S1', 'S2', 'S3')).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
const robotId = fc.oneof({ weight: 6, arbitrary: fc.constant('R1') }, { weight: 1, arbitrary: idArb });
const bodyId = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('B1', 'B2', 'WLT-0001') }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !x.includes('/')) }, { weight: 1, arbitrary: idArb });
const rawPayload = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 2, arbitrary: fc.jsonValue().map(json) },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map(enc) },
  { weight: 1, arbitrary: fc.constantFrom(enc('{'), enc('[[[[[[[[[['), enc('{"a":'.repeat(2000)), enc('x'.repeat(5000)), new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), new Uint8Array([0xc3, 0x28])) },
);
const messageArb: fc.Arbitrary<[string, Uint8Array]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(stationId.map((id) => `${prefix}/stations/${id}/state`), stationMsg.map(json)) },
  { weight: 3, arbitrary: fc.tuple(robotId.map((id) => `${prefix}/robots/${id}/joints`), robotMsg.map(json)) },
  { weight: 3, arbitrary: fc.tuple(bodyId.map((id) => `${prefix}/bodies/${id}/location`), bodyMsg.map(json)) },
  { weight: 1, arbitrary: fc.tuple(bodyId.map((id) => `${prefix}/bodies/${id}/remove`), rawPayload) },
  { weight: 2, arbitrary: fc.tuple(topicArb, rawPayload) },
  { weight: 1, arbitrary: fc.tuple(topicArb, fc.oneof(stationMsg, robotMsg, bodyMsg).map(json)) },
);

describe('MQTT message handler, fuzzed (no broker)', () => {
  it('[MQ9] 10,000 random messages never throw, never fail internally, and never produce an invalid change', () => {
    const { hub, sink, changes } = checkedHub();
    const handler = createMqttHandler(scene, { layout: createTopicLayout(prefix), staleAfterMs: 10_000, maxPayloadBytes: 4096, maxBodies: 50 });
    handler.attach(sink);
    handler.entities.sendPlaceholders(scene, Date.now());
    let n = 0;
    fc.assert(
      fc.property(messageArb, ([topic, payload]) => {
        // The pure mapper alone: never throws, always a result.
        const r = mapMqttMessage(
          { layout: handler.layout, index, scene, maxPayloadBytes: 4096, maxBodies: 50, last: handler.entities.last.bind(handler.entities), bodyCount: handler.entities.bodies, now: Date.now() },
          topic,
          payload,
        );
        expect(typeof r.ok).toBe('boolean');
        handler.handleMessage(topic, payload);
        if (++n % 200 === 0) {
          hub.tick();
          handler.sweep();
        }
      }),
      { numRuns: 10_000 },
    );
    hub.tick();
    const h = handler.stats.health('fuzz');
    expect(h.rejects.internal).toBeUndefined();
    expect(hub.rejects).toEqual({ 'unknown-id': 0, 'invalid-value': 0 });
    // The run exercised both paths: real changes and every common reject reason.
    expect(h.messagesTotal).toBeGreaterThan(300);
    expect(changes.length).toBeGreaterThan(300);
    for (const reason of ['malformed-json', 'invalid-payload', 'unknown-id', 'unknown-topic', 'oversized', 'invalid-id']) expect(h.rejects[reason], reason).toBeGreaterThan(0);
    expect(h.messagesTotal + Object.values(h.rejects).reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(handler.entities.bodies).toBeLessThanOrEqual(50);
  });
});

const metricNames = ['stations/S1/state', 'stations/S2/job', 'robots/R1/joints/3', 'robots/R1/tool', 'robots/R1/state', 'stations/S9/state', 'robots/R1/joints/9', 'bdSeq', 'Node Control/Rebirth'];
const metricArb = fc.oneof(
  fc.record({ name: fc.constantFrom(...metricNames), alias: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), type: fc.constant('String' as const), value: fc.oneof(stateArb.filter((s): s is string => typeof s === 'string'), fc.constantFrom('B1', '')) }),
  fc.record({ name: fc.option(fc.constantFrom(...metricNames), { nil: undefined }), alias: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), type: fc.constant('Double' as const), value: fc.oneof(fc.double({ min: -7, max: 7, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -0), fc.double()) }),
  fc.record({ name: fc.constantFrom(...metricNames), type: fc.constant('Boolean' as const), value: fc.boolean() }),
  fc.record({ name: fc.constantFrom(...metricNames), type: fc.constant('Int32' as const), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ name: fc.constantFrom('bdSeq'), type: fc.constant('UInt64' as const), value: fc.integer({ min: 0, max: 3 }) }),
);
const sparkplugTopicArb = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom('NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH', 'NCMD'), fc.constantFrom('n1', 'n2')).map(([t, n]) => (t.startsWith('D') ? `spBv1.0/g/${t}/${n}/d1` : `spBv1.0/g/${t}/${n}`)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `spBv1.0/${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('spBv1.0/STATE/host', 'spBv1.0/g/NDATA', 'spBv1.0/g/DDATA/n1', 'spBv1.0/g/XDATA/n1') },
);
const sparkplugPayloadArb = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  {
    weight: 4,
    arbitrary: fc.record({ seq: fc.option(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 300 }) }), { nil: undefined, freq: 10 }), timestamp: fc.option(fc.integer({ min: 0, max: 2 ** 50 }), { nil: undefined }), metrics: fc.array(metricArb, { maxLength: 6 }) }).map((p) => {
      try {
        return codec.encodePayload(p as UPayload);
      } catch {
        return new Uint8Array([0xff]);
      }
    }),
  },
);

describe('Sparkplug handler, fuzzed (no broker)', () => {
  it('[SP7] 5,000 random messages on Sparkplug topics never throw, never fail internally, and never produce an invalid change', () => {
    const { hub, sink, changes } = checkedHub();
    // A clock of its own, 20 ms a message: entities go stale as the fuzz runs, however fast the machine.
    let clock = Date.UTC(2026, 0, 5);
    const handler = createSparkplugHandler(scene, { staleAfterMs: 5000, now: () => clock });
    handler.attach(sink);
    let n = 0;
    fc.assert(
      fc.property(sparkplugTopicArb, sparkplugPayloadArb, (topic, payload) => {
        clock += 20;
        handler.handleMessage(topic, payload);
        if (++n % 200 === 0) {
          hub.tick();
          handler.sweep();
        }
      }),
      { numRuns: 5000 },
    );
    hub.tick();
    const h = handler.stats.health('fuzz');
    expect(h.rejects.internal).toBeUndefined();
    expect(hub.rejects).toEqual({ 'unknown-id': 0, 'invalid-value': 0 });
    expect(changes.length).toBeGreaterThan(50);
    // Entities went stale along the way (deaths, seq gaps and, on this clock, age): the stale path was fuzzed too.
    expect(changes.some((c) => 'quality' in c && c.quality === 'stale')).toBe(true);
    for (const reason of ['sparkplug-decode', 'invalid-payload', 'sparkplug-seq', 'sparkplug-no-birth', 'unknown-topic']) expect(h.rejects[reason], reason).toBeGreaterThan(0);
  });
});

describe('MQTT round trip', () => {
  it('[MQ10] every change of two simulated minutes of the demo plant, published in the topic layout, maps back to itself', () => {
    const plant = loadSceneFile(new URL('../../scenes/demo-plant/scene.json', import.meta.url).pathname);
    const layout = createTopicLayout('plant');
    const plantIndex = indexScene(plant);
    const sim = new LineSimulation(plant, { seed: 3, startTime: Date.UTC(2026, 0, 5, 6), sampleHz: 2 });
    sim.runUntil(sim.now + 3600_000, () => undefined, { sample: false });
    const changes: Change[] = [...sim.fullState()];
    sim.runUntil(sim.now + 120_000, (c) => changes.push(c));
    const kinds = new Set(changes.map((c) => c.type));
    expect([...kinds].sort()).toEqual(['body', 'body-remove', 'robot', 'station']);
    const known = new Map<string, Change>();
    for (const c of changes) {
      const m = changeToMessage(c, layout);
      if (m === null) continue;
      const r = mapMqttMessage(
        { layout, index: plantIndex, scene: plant, maxPayloadBytes: 4096, maxBodies: 2000, last: ((t: string, id: string) => known.get(`${t}:${id}`)) as never, bodyCount: 0, now: 42 },
        m.topic,
        enc(m.payload),
      );
      if (!r.ok) throw new Error(`${m.topic} ${m.payload}: ${r.reason} ${r.message}`);
      const expected = c.type === 'body-remove' ? { ...c, ts: 42 } : c.type === 'robot' ? { ...c, joints: Array.from(c.joints), quality: 'good' } : { ...c, quality: 'good' };
      expect(r.update).toEqual(expected);
      known.set(`${c.type}:${c.id}`, c);
    }
  });
});
