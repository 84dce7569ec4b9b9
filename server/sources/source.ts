/**
 * The source interface: a source turns some input (a simulation, a recording, a broker) into
 * Changes and hands them to a sink. It never touches sockets or the hub's internals; the hub
 * never imports a source. Sources are composed in server/main.ts.
 */
import type { ChangeSink } from '../../protocol/changes.ts';

export type SourceKind = 'simulator' | 'replay' | 'mqtt' | 'sparkplug';

/** What a source says about itself, for /healthz and the source-health panel. */
export type SourceHealth = {
  kind: SourceKind;
  /** Human-readable where-from, e.g. "mqtt://127.0.0.1:1883" or a file name. Never credentials. */
  target: string;
  connection: 'connected' | 'connecting' | 'disconnected' | 'running' | 'stopped';
  /** Accepted messages (or changes) per second over the last few seconds. */
  messageRate: number;
  messagesTotal: number;
  /** Rejected inputs by reason (malformed, oversized, unknown-id, …). */
  rejects: Record<string, number>;
  lastMessageAt: number | null;
};

export type Source = {
  readonly kind: SourceKind;
  /** Begin delivering changes. May emit an initial full state synchronously. */
  start(sink: ChangeSink): void | Promise<void>;
  /**
   * Optional: hand over the recent past the source already knows (the simulator: the last part of its warm-up),
   * calling `commit()` after each step so every step becomes a revision of its own. Called once, after start() and
   * before live updates, with the history and the analytics listening: they begin with data instead of empty.
   * `progress`, when given, hears the share done (0 to 1) now and then, and 1 at the end.
   */
  backfill?(commit: () => void, progress?: (done: number) => void): void;
  /** Stop delivering; after the promise resolves no more changes arrive. */
  stop(): void | Promise<void>;
  health?(): SourceHealth;
};
