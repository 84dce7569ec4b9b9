/**
 * The MQTT source: subscribes (read-only) to the plant's JSON topics and turns messages into
 * Changes. Layout and payloads: docs/live-data.md. Broker trouble never throws: the source keeps
 * reconnecting, and everything it feeds is shown stale while the broker is away.
 */
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { Source, SourceHealth } from '../source.ts';
import { checkBrokerOptions, type BrokerOptions } from './broker-client.ts';
import { brokerLifecycle } from './broker-source.ts';
import { createMqttHandler, type MqttHandler } from './mqtt-handler.ts';
import type { LiveLog } from './source-stats.ts';
import { sceneTopicLayout } from './topics.ts';

export { mapMqttMessage, createMqttHandler, mqttRejectReasons, DEFAULT_MAX_PAYLOAD } from './mqtt-handler.ts';
export { createTopicLayout, sceneTopicLayout, DEFAULT_PREFIX, defaultPatterns } from './topics.ts';
export { stationStateSynonyms, robotStateSynonyms, qualitySynonyms } from './payloads.ts';

export type MqttSourceOptions = BrokerOptions & {
  /** First topic levels (default: the scene's sources.mqtt.prefix, else "plant"). */
  prefix?: string;
  /** No message for this long turns an entity stale, ms (default 10000). */
  staleAfterMs?: number;
  /** Larger payloads are rejected unread, bytes (default 256 KiB). */
  maxPayloadBytes?: number;
  /** Bodies tracked at most; a new body beyond this is rejected (default 2000). */
  maxBodies?: number;
  /** Where connection events and (at most once a second) rejected messages are reported. */
  log?: LiveLog;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
};

export type MqttSource = Omit<Source, 'health'> & {
  readonly kind: 'mqtt';
  readonly handler: MqttHandler;
  health(): SourceHealth & { staleEntities: number; received: number; subscriptions: string[] };
};

export function createMqttSource(scene: ResolvedScene, options: MqttSourceOptions): MqttSource {
  checkBrokerOptions(options);
  const log = options.log ?? (() => undefined);
  const layout = sceneTopicLayout(scene, options.prefix);
  const handler = createMqttHandler(scene, {
    layout,
    staleAfterMs: options.staleAfterMs ?? 10_000,
    maxPayloadBytes: options.maxPayloadBytes,
    maxBodies: options.maxBodies,
    log,
    now: options.now,
  });
  const life = brokerLifecycle('mqtt', scene, handler, options, layout.subscriptions, () => handler.entities.markStale(), 10_000);
  return { kind: 'mqtt', handler, start: life.start, stop: life.stop, health: life.health };
}
