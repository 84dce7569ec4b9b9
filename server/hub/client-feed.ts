/**
 * Per-client delivery with conflation. A client gets the shared per-tick delta while it keeps up;
 * with `maxInFlight` frames unacknowledged it gets nothing more until it acks, and then one
 * catch-up delta from the last revision it was sent to the newest. So a slow client receives the
 * newest state, never a backlog, and the server holds at most `maxInFlight` frames for it.
 */
import type { Hub } from './twin-hub.ts';

export type FrameKind = 'snapshot' | 'delta';
export type FeedTransport = { send(kind: FrameKind, frame: Uint8Array, ack: () => void): void };

export class ClientFeed {
  /** Revision of the newest frame sent (the state the client will hold once it applied all sent frames). */
  sentRevision = -1;
  inFlight = 0;
  framesSent = 0;
  bytesSent = 0;
  skippedTicks = 0;
  private wantSnapshot = false;
  private closed = false;

  constructor(
    private readonly hub: Hub,
    private readonly transport: FeedTransport,
    readonly maxInFlight = 2,
  ) {}

  /** First contact: resume from what the client says it holds, or send a snapshot. */
  begin(epoch?: string, revision?: number): void {
    const plan = this.hub.catchUp(epoch, revision);
    if (plan.type === 'none') this.sentRevision = this.hub.revision;
    else this.send(plan.type, plan.frame, this.hub.revision);
  }

  /** Called once per committed tick with the shared delta frame. */
  onTick(frame: Uint8Array, revision: number, baseRevision: number): void {
    if (this.closed) return;
    if (this.inFlight >= this.maxInFlight) {
      this.skippedTicks++;
      return;
    }
    if (this.wantSnapshot) return this.sendSnapshot();
    if (this.sentRevision === baseRevision) this.send('delta', frame, revision);
    else this.catchUp();
  }

  /** The client asked for a fresh snapshot (it could not apply a frame). */
  resync(): void {
    this.wantSnapshot = true;
    if (this.inFlight < this.maxInFlight) this.sendSnapshot();
  }

  close(): void {
    this.closed = true;
  }

  private ack = (): void => {
    if (this.inFlight > 0) this.inFlight--;
    if (this.closed || this.inFlight >= this.maxInFlight) return;
    if (this.wantSnapshot) this.sendSnapshot();
    else if (this.sentRevision < this.hub.revision) this.catchUp();
  };

  private catchUp(): void {
    const plan = this.hub.catchUp(this.hub.epoch, this.sentRevision);
    if (plan.type !== 'none') this.send(plan.type, plan.frame, this.hub.revision);
  }

  private sendSnapshot(): void {
    this.wantSnapshot = false;
    this.send('snapshot', this.hub.snapshotFrame(), this.hub.revision);
  }

  private send(kind: FrameKind, frame: Uint8Array, revision: number): void {
    this.inFlight++;
    this.framesSent++;
    this.bytesSent += frame.byteLength;
    this.sentRevision = revision;
    let acked = false;
    this.transport.send(kind, frame, () => {
      // A duplicate ack must not free a slot twice.
      if (acked) return;
      acked = true;
      this.ack();
    });
  }
}
