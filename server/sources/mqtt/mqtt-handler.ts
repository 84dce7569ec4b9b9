/**
 * The broker-free core of the MQTT source: one message in, zero or one Change out.
 *
 * `mapMqttMessage` is pure (topic + bytes + what is known → an update or a reject reason) so it can
 * be tested and fuzzed without a broker; `createMqttHandler` adds the memory (last value per entity,
 * stale watchdog) and the counters. Nothing a publisher sends can make either throw.
 */
import type { ChangeSink } from '../../../protocol/changes.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { indexScene, type SceneIndex } from '../../../protocol/scene-index.ts';
import type { LiveLog } from './source-stats.ts';
import { SourceStats } from './source-stats.ts';
import { LiveEntities, type EntityChange } from './live-entities.ts';
import { bodyPayload, firstIssue, robotPayload, stationPayload } from './payloads.ts';
import type { TopicLayout } from './topics.ts';

export const mqttRejectReasons = ['oversized', 'unknown-topic', 'invalid-id', 'unknown-id', 'malformed-json', 'invalid-payload', 'body-limit', 'internal'] as const;
export type MqttRejectReason = (typeof mqttRejectReasons)[number];

export const DEFAULT_MAX_PAYLOAD = 256 * 1024;
export const DEFAULT_MAX_BODIES = 2000;

export type MqttMapContext = {
  layout: TopicLayout;
  index: SceneIndex;
  scene: ResolvedScene;
  maxPayloadBytes: number;
  maxBodies: number;
  /** Last reported value of an entity, for merging partial messages. */
  last: LiveEntities['last'];
  bodyCount: number;
  /** Arrival time, epoch ms: the ts of messages that may omit one. */
  now: number;
};

export type MqttMapResult =
  | { ok: true; update: EntityChange | { type: 'body-remove'; id: string; ts: number } }
  | { ok: false; reason: MqttRejectReason; message: string };

const BODY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const fail = (reason: MqttRejectReason, message: string): MqttMapResult => ({ ok: false, reason, message });

/** Maps one message; never throws for any input. */
export function mapMqttMessage(ctx: MqttMapContext, topic: string, payload: Uint8Array): MqttMapResult {
  if (payload.byteLength > ctx.maxPayloadBytes) return fail('oversized', `payload of ${payload.byteLength} bytes exceeds the limit of ${ctx.maxPayloadBytes}`);
  const hit = ctx.layout.match(topic);
  if (hit === null) return fail('unknown-topic', `topic is not part of the layout under "${ctx.layout.prefix}/"`);
  const { kind, id } = hit;
  if (id.length === 0 || id.length > 64 || !BODY_ID.test(id)) return fail('invalid-id', `"${id.slice(0, 64)}" is not an id (letters, digits, ".", "_", "-", at most 64)`);
  if (kind === 'station' && !ctx.index.station.has(id)) return fail('unknown-id', `no station "${id}" in scene ${ctx.scene.id}`);
  if (kind === 'robot' && !ctx.index.robot.has(id)) return fail('unknown-id', `no robot "${id}" in scene ${ctx.scene.id}`);
  if (kind === 'bodyRemove') return { ok: true, update: { type: 'body-remove', id, ts: ctx.now } };

  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payload));
  } catch (e) {
    return fail('malformed-json', e instanceof TypeError ? 'payload is not UTF-8 text' : `payload is not JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('invalid-payload', 'payload must be a JSON object');

  if (kind === 'station') {
    const r = stationPayload.safeParse(json);
    if (!r.success) return fail('invalid-payload', firstIssue(r.error));
    const p = r.data;
    const prev = ctx.last('station', id);
    return {
      ok: true,
      update: { type: 'station', id, state: p.state, ts: p.ts, job: p.job !== undefined ? p.job : (prev?.job ?? null), quality: p.quality ?? 'good' },
    };
  }
  if (kind === 'robot') {
    const r = robotPayload.safeParse(json);
    if (!r.success) return fail('invalid-payload', firstIssue(r.error));
    const p = r.data;
    const prev = ctx.last('robot', id);
    return {
      ok: true,
      update: { type: 'robot', id, joints: p.joints.slice(), ts: p.ts, state: p.state ?? prev?.state ?? 'working', tool: p.tool ?? prev?.tool ?? false, quality: p.quality ?? 'good' },
    };
  }
  const r = bodyPayload.safeParse(json);
  if (!r.success) return fail('invalid-payload', firstIssue(r.error));
  const p = r.data;
  if (p.station !== undefined && !ctx.index.station.has(p.station)) return fail('unknown-id', `no station "${p.station}" in scene ${ctx.scene.id}`);
  if (p.conveyor !== undefined && !ctx.index.conveyor.has(p.conveyor)) return fail('unknown-id', `no conveyor "${p.conveyor}" in scene ${ctx.scene.id}`);
  const prev = ctx.last('body', id);
  if (prev === undefined && ctx.bodyCount >= ctx.maxBodies) return fail('body-limit', `already tracking ${ctx.maxBodies} bodies; remove some with the remove topic`);
  const location = p.station !== undefined ? { kind: 'station' as const, station: p.station } : { kind: 'conveyor' as const, conveyor: p.conveyor as string, progress: p.progress as number };
  return {
    ok: true,
    update: {
      type: 'body',
      id,
      model: p.model ?? prev?.model ?? 'sedan',
      color: p.color !== undefined ? p.color : (prev?.color ?? null),
      location,
      ts: p.ts ?? ctx.now,
      quality: p.quality ?? 'good',
    },
  };
}

export type MqttHandlerOptions = {
  layout: TopicLayout;
  /** No message for this long (ms) turns an entity stale; null: never by age. Default 10000. */
  staleAfterMs?: number | null;
  maxPayloadBytes?: number;
  maxBodies?: number;
  log?: LiveLog;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
};

export type MqttHandler = ReturnType<typeof createMqttHandler>;

export function createMqttHandler(scene: ResolvedScene, options: MqttHandlerOptions) {
  const now = options.now ?? Date.now;
  const staleAfterMs = options.staleAfterMs === undefined ? 10_000 : options.staleAfterMs;
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD;
  const maxBodies = options.maxBodies ?? DEFAULT_MAX_BODIES;
  if (staleAfterMs !== null && !(Number.isFinite(staleAfterMs) && staleAfterMs > 0)) throw new Error(`staleAfterMs must be a number of ms > 0 or null, got ${String(staleAfterMs)}`);
  if (!(Number.isInteger(maxPayloadBytes) && maxPayloadBytes > 0)) throw new Error(`maxPayloadBytes must be a whole number > 0, got ${String(maxPayloadBytes)}`);
  if (!(Number.isInteger(maxBodies) && maxBodies > 0)) throw new Error(`maxBodies must be a whole number > 0, got ${String(maxBodies)}`);

  let sink: ChangeSink | null = null;
  const stats = new SourceStats('mqtt', options.log ?? (() => undefined), now);
  const entities = new LiveEntities(() => sink, now, staleAfterMs);
  const index = indexScene(scene);
  const ctx: MqttMapContext = {
    layout: options.layout,
    index,
    scene,
    maxPayloadBytes,
    maxBodies,
    last: entities.last.bind(entities),
    bodyCount: 0,
    now: 0,
  };

  return {
    stats,
    entities,
    layout: options.layout,
    staleAfterMs,
    attach(target: ChangeSink | null): void {
      sink = target;
    },
    /** Handles one broker message: counted, mapped, merged and delivered, or counted and logged as a reject. */
    handleMessage(topic: string, payload: Uint8Array): void {
      stats.received++;
      let result: MqttMapResult;
      try {
        ctx.now = now();
        ctx.bodyCount = entities.bodies;
        result = mapMqttMessage(ctx, topic, payload);
      } catch (e) {
        // A bug here must cost one message, not the source.
        result = fail('internal', `could not map the message: ${(e as Error).message}`);
      }
      if (!result.ok) {
        stats.reject(result.reason, { message: result.message, topic: topic.slice(0, 200) });
        return;
      }
      stats.accepted();
      const u = result.update;
      if (u.type === 'body-remove') entities.removeBody(u.id, u.ts);
      else entities.report(u);
    },
    /** The watchdog: stale by age, and the hub clock kept moving while nothing arrives. */
    sweep(): void {
      entities.sweep();
      sink?.time?.(now());
    },
  };
}
