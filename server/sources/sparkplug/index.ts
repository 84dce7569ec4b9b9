/**
 * The Sparkplug B source: a non-primary, read-only host application on the plant's broker
 * (subscribes to spBv1.0/<group>/#, never publishes, never asks for a rebirth). Conventions and
 * the metric mapping: docs/live-data.md.
 */
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { Source, SourceHealth } from '../source.ts';
import { checkBrokerOptions, type BrokerOptions } from '../mqtt/broker-client.ts';
import { brokerLifecycle } from '../mqtt/broker-source.ts';
import type { LiveLog } from '../mqtt/source-stats.ts';
import { createSparkplugHandler, type SparkplugHandler } from './sparkplug-host.ts';
import { sparkplugSubscription } from './topic.ts';

export { createSparkplugHandler, sparkplugRejectReasons } from './sparkplug-host.ts';
export { decodeSparkplug, encodeSparkplug } from './decode.ts';
export { parseSparkplugTopic, sparkplugSubscription, NAMESPACE } from './topic.ts';

export type SparkplugSourceOptions = BrokerOptions & {
  /** Group id to follow (default: the scene's sources.sparkplug.groupId, else every group). */
  groupId?: string;
  /** No update for this long turns an entity stale, ms. Default null: Sparkplug reports by exception, so only deaths, seq gaps and broker loss do. */
  staleAfterMs?: number | null;
  maxPayloadBytes?: number;
  log?: LiveLog;
  now?: () => number;
};

export type SparkplugSource = Omit<Source, 'health'> & {
  readonly kind: 'sparkplug';
  readonly handler: SparkplugHandler;
  health(): SourceHealth & { staleEntities: number; received: number; subscriptions: string[]; nodes: number; bornNodes: number; nodesAwaitingBirth: number };
};

const GROUP_RE = /^(?:\+|[^/+#]+)$/;

export function createSparkplugSource(scene: ResolvedScene, options: SparkplugSourceOptions): SparkplugSource {
  checkBrokerOptions(options);
  const group = options.groupId ?? scene.sources?.sparkplug?.groupId ?? '+';
  if (!GROUP_RE.test(group)) throw new Error(`expected a Sparkplug group id (no "/", "+" or "#") or "+" for every group, got "${group}"`);
  const log = options.log ?? (() => undefined);
  const handler = createSparkplugHandler(scene, { staleAfterMs: options.staleAfterMs ?? null, maxPayloadBytes: options.maxPayloadBytes, log, now: options.now });
  const subscriptions = [sparkplugSubscription(group)];
  // Sparkplug reports by exception: without a window of its own the watchdog still runs, at 1 s.
  const life = brokerLifecycle('sparkplug', scene, handler, options, subscriptions, () => handler.connectionLost(), 4000);
  return {
    kind: 'sparkplug',
    handler,
    start: life.start,
    stop: life.stop,
    health() {
      const n = handler.nodeSummary();
      return { ...life.health(), nodes: n.nodes, bornNodes: n.born, nodesAwaitingBirth: n.awaitingBirth };
    },
  };
}
