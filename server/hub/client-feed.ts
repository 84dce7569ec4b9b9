/**
 * Delivery from one hub to its clients, with conflation by transport backpressure.
 *
 * Each committed tick, every client that is up to date and whose transport has room gets the shared
 * delta in one broadcast (encoded once for all of them). A client whose transport still holds
 * `maxQueued` frames it has not written to the network gets nothing this tick; once it has room again it
 * gets one catch-up delta from the revision it was last sent to the newest. So a slow client receives the
 * newest state, never a backlog, and the server holds at most `maxQueued` frames for it.
 *
 * Throughput is paced by the transport's own queue (engine.io's write buffer and the socket's pending
 * write), as in a bare `ws` broadcaster; there is no acknowledgement per frame. The kernel's socket buffers
 * can still hold many frames for a client that stopped reading, so clients also report the newest revision
 * they applied a few times a second (`state:ack`): a client that has acknowledged before and then leaves
 * frames unacknowledged for `staleMs` is held too, so a frozen or very slow client is never fed stale
 * frames for long. A client that never acknowledges (a tool) is paced by backpressure alone.
 */
import type { Hub } from './twin-hub.ts';

export type FrameKind = 'snapshot' | 'delta';

/** One client's outgoing channel. */
export type FeedTransport = {
  /** Frames handed to this transport that it has not yet written to the network. */
  queued(): number;
  send(kind: FrameKind, frame: Uint8Array): void;
};

/** Sends one delta frame to many transports; a real one encodes it once for all of them. */
export type Broadcast = (frame: Uint8Array, to: readonly FeedTransport[]) => void;

export const sendToEach: Broadcast = (frame, to) => {
  for (const t of to) t.send('delta', frame);
};

export class ClientFeed {
  /** Revision of the newest frame sent (the state the client will hold once it applied all sent frames). */
  sentRevision = -1;
  framesSent = 0;
  bytesSent = 0;
  /** Ticks this client could not take because its transport was full. */
  skippedTicks = 0;
  wantSnapshot = false;
  closed = false;
  /** Newest revision the client said it applied; -1 until its first acknowledgement. */
  ackedRevision = -1;
  /** When the client last made progress: its last acknowledgement, or the send that opened the unacknowledged span. */
  progressAt = 0;

  constructor(
    private readonly group: FeedGroup,
    readonly transport: FeedTransport,
  ) {}

  /** Frames the transport holds for this client right now. */
  get queued(): number {
    return this.transport.queued();
  }

  get maxQueued(): number {
    return this.group.maxQueued;
  }

  /** The client applied every frame up to `revision` (a coarse acknowledgement, a few times a second). */
  ack(revision: number): void {
    if (this.closed) return;
    // A revision of another hub (the client just switched cursor) cannot acknowledge more than was sent.
    const acked = Math.min(Math.max(this.ackedRevision, revision), this.sentRevision);
    this.ackedRevision = acked;
    this.progressAt = this.group.now();
    this.group.pumpOne(this);
  }

  /** Whether the client's acknowledgements are overdue: it has frames it has not confirmed for too long. */
  overdue(now: number): boolean {
    return this.ackedRevision >= 0 && this.ackedRevision < this.sentRevision && now - this.progressAt > this.group.staleMs;
  }

  /** The client asked for a fresh snapshot (it could not apply a frame). */
  resync(): void {
    this.wantSnapshot = true;
    this.group.pumpOne(this);
  }

  close(): void {
    this.group.remove(this);
  }
}

export type FeedOptions = {
  /** Frames the transport may hold unwritten for a client before its ticks are conflated (default 2). */
  maxQueued?: number;
  /** How long a client that acknowledges may leave frames unacknowledged before it is held (default 1000 ms). */
  staleMs?: number;
  clock?: () => number;
};

export class FeedGroup {
  readonly feeds = new Set<ClientFeed>();
  private readonly byTransport = new Map<FeedTransport, ClientFeed>();
  private readonly off: () => void;
  private readonly batch: ClientFeed[] = [];
  private readonly targets: FeedTransport[] = [];

  readonly maxQueued: number;
  readonly staleMs: number;
  readonly now: () => number;

  constructor(
    private readonly hub: Hub,
    private readonly broadcast: Broadcast = sendToEach,
    options: FeedOptions = {},
  ) {
    this.maxQueued = options.maxQueued ?? 2;
    this.staleMs = options.staleMs ?? 1000;
    this.now = options.clock ?? (() => performance.now());
    this.off = hub.onTick((frame, revision, base) => this.onTick(frame, revision, base));
  }

  get size(): number {
    return this.feeds.size;
  }

  /** First contact: resume from what the client says it holds, or send a snapshot. */
  add(transport: FeedTransport, epoch?: string, revision?: number): ClientFeed {
    this.byTransport.get(transport)?.close();
    const feed = new ClientFeed(this, transport);
    this.feeds.add(feed);
    this.byTransport.set(transport, feed);
    const plan = this.hub.catchUp(epoch, revision);
    if (plan.type === 'none') feed.sentRevision = this.hub.revision;
    else this.send(feed, plan.type, plan.frame);
    return feed;
  }

  remove(feed: ClientFeed): void {
    feed.closed = true;
    this.feeds.delete(feed);
    if (this.byTransport.get(feed.transport) === feed) this.byTransport.delete(feed.transport);
  }

  feedOf(transport: FeedTransport): ClientFeed | undefined {
    return this.byTransport.get(transport);
  }

  /** Every client gets a fresh snapshot as soon as it has room (the hub's state was replaced wholesale). */
  resyncAll(): void {
    for (const feed of this.feeds) feed.resync();
  }

  /**
   * Catches up the clients that fell behind and have room again. Ticks do this too; call it between
   * ticks (a timer) so a client that drains while the hub is quiet is not left behind.
   */
  pump(): void {
    for (const feed of this.feeds) this.pumpOne(feed);
  }

  pumpOne(feed: ClientFeed): void {
    // Up to date is the common case between ticks: decided before asking the transport anything.
    if (feed.closed || (!feed.wantSnapshot && feed.sentRevision === this.hub.revision)) return;
    if (this.canTake(feed, this.now())) this.catchUp(feed);
  }

  close(): void {
    this.off();
    for (const feed of this.feeds) feed.closed = true;
    this.feeds.clear();
    this.byTransport.clear();
  }

  private onTick(frame: Uint8Array, revision: number, base: number): void {
    const { batch, targets } = this;
    const now = this.now();
    for (const feed of this.feeds) {
      if (!this.canTake(feed, now)) {
        feed.skippedTicks++;
        continue;
      }
      if (!feed.wantSnapshot && feed.sentRevision === base) batch.push(feed);
      else this.catchUp(feed);
    }
    if (batch.length === 0) return;
    for (const feed of batch) {
      targets.push(feed.transport);
      if (feed.ackedRevision === feed.sentRevision) feed.progressAt = now;
      feed.sentRevision = revision;
      feed.framesSent++;
      feed.bytesSent += frame.byteLength;
    }
    try {
      this.broadcast(frame, targets);
    } finally {
      batch.length = 0;
      targets.length = 0;
    }
  }

  private canTake(feed: ClientFeed, now: number): boolean {
    return feed.transport.queued() < this.maxQueued && !feed.overdue(now);
  }

  private catchUp(feed: ClientFeed): void {
    if (feed.wantSnapshot) {
      feed.wantSnapshot = false;
      this.send(feed, 'snapshot', this.hub.snapshotFrame());
      return;
    }
    const plan = this.hub.catchUp(this.hub.epoch, feed.sentRevision);
    if (plan.type === 'none') feed.sentRevision = this.hub.revision;
    else this.send(feed, plan.type, plan.frame);
  }

  private send(feed: ClientFeed, kind: FrameKind, frame: Uint8Array): void {
    if (feed.ackedRevision === feed.sentRevision) feed.progressAt = this.now();
    feed.sentRevision = this.hub.revision;
    feed.framesSent++;
    feed.bytesSent += frame.byteLength;
    feed.transport.send(kind, frame);
  }
}
