/**
 * The source interface: a source turns some input (a simulation, a recording, a broker) into
 * Changes and hands them to a sink. It never touches sockets or the hub's internals; the hub
 * never imports a source. Sources are composed in server/main.ts.
 */
import type { ChangeSink } from '../../protocol/changes.ts';

export type SourceKind = 'simulator' | 'replay' | 'mqtt' | 'sparkplug';

export type Source = {
  readonly kind: SourceKind;
  /** Begin delivering changes. May emit an initial full state synchronously. */
  start(sink: ChangeSink): void | Promise<void>;
  /** Stop delivering; after the promise resolves no more changes arrive. */
  stop(): void | Promise<void>;
};
