/**
 * The lifecycle both broker sources share (MQTT JSON topics and Sparkplug B): attach the handler to
 * the hub's sink, announce every entity as unknown until its first message, run the stale watchdog,
 * keep the broker connection, and report health. Each source adds only its handler and topics.
 */
import type { ChangeSink } from '../../../protocol/changes.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { SourceHealth } from '../source.ts';
import { brokerTarget, openBroker, type BrokerConnection, type BrokerOptions } from './broker-client.ts';
import type { LiveLog } from './source-stats.ts';

/** What the lifecycle needs from a message handler. */
export type BrokerMessageHandler = {
  attach(sink: ChangeSink | null): void;
  handleMessage(topic: string, payload: Buffer): void;
  sweep(): void;
  readonly staleAfterMs: number | null;
  entities: { sendPlaceholders(scene: ResolvedScene, now: number): void; staleCount(): number };
  stats: { connection: SourceHealth['connection']; received: number; health(target: string): SourceHealth };
};

export function brokerLifecycle(
  name: 'mqtt' | 'sparkplug',
  scene: ResolvedScene,
  handler: BrokerMessageHandler,
  options: BrokerOptions & { log?: LiveLog; now?: () => number },
  subscriptions: string[],
  /** The broker went away: everything this source feeds turns stale. */
  onDown: () => void,
  /** Watchdog period when the handler has no stale window of its own. */
  defaultStaleMs: number,
) {
  const target = brokerTarget(options.url);
  const now = options.now ?? Date.now;
  let connection: BrokerConnection | null = null;
  let watchdog: ReturnType<typeof setInterval> | null = null;
  return {
    start(sink: ChangeSink): void {
      if (connection !== null) throw new Error(`${name}: already started`);
      handler.attach(sink);
      handler.entities.sendPlaceholders(scene, now());
      const staleMs = handler.staleAfterMs ?? defaultStaleMs;
      // A quarter of the window: an entity turns stale at most 25 % late.
      watchdog = setInterval(() => handler.sweep(), Math.max(50, Math.min(1000, staleMs / 4)));
      watchdog.unref?.();
      connection = openBroker(options, {
        name,
        subscriptions,
        onMessage: (topic, payload) => handler.handleMessage(topic, payload),
        onConnect: () => undefined,
        onDown,
        onState: (s) => (handler.stats.connection = s),
        log: options.log ?? (() => undefined),
      });
    },
    async stop(): Promise<void> {
      if (watchdog !== null) clearInterval(watchdog);
      watchdog = null;
      const c = connection;
      connection = null;
      handler.attach(null);
      await c?.close();
      handler.stats.connection = 'stopped';
    },
    health() {
      return { ...handler.stats.health(target), staleEntities: handler.entities.staleCount(), received: handler.stats.received, subscriptions };
    },
  };
}
