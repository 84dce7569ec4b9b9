/**
 * A cursor in the history: a client's own, or a room's shared one that a presenter drives. The
 * cursor state lives in a private hub, and every member is fed from it through a FeedGroup exactly
 * as from the main hub: a seek is a snapshot (a new hub, so a new epoch), playing on sends the
 * recorded changes as deltas. One client scrubbing its own cursor moves nobody else's view.
 */
import { FrameChangeReader } from '../../protocol/frame-changes.ts';
import { MAX_SPEED, MIN_SPEED } from '../../protocol/events.ts';
import { FeedGroup, sendToEach, type Broadcast, type FeedOptions, type FeedTransport } from './client-feed.ts';
import type { History } from './history.ts';
import type { Hub } from './twin-hub.ts';
import { AckError } from '../ack-error.ts';

export const STEP_MS = 1000;

export class PlaybackSession {
  time = 0;
  playing = false;
  speed = 1;
  private hub: Hub | null = null;
  private readonly members = new Set<FeedTransport>();
  private group: FeedGroup | null = null;
  private reader: FrameChangeReader | null = null;
  private next = 0;

  constructor(
    private readonly history: History,
    private readonly delivery: FeedOptions & { broadcast?: Broadcast } = {},
    transport?: FeedTransport,
  ) {
    if (transport) this.members.add(transport);
  }

  /** A new member sees the cursor's state at once (a snapshot) and follows it from then on. */
  add(transport: FeedTransport): void {
    if (this.members.has(transport)) return;
    this.members.add(transport);
    this.group?.add(transport);
  }

  remove(transport: FeedTransport): void {
    this.members.delete(transport);
    this.group?.feedOf(transport)?.close();
  }

  get size(): number {
    return this.members.size;
  }

  /** Catches up members that fell behind and have room again (called between ticks). */
  pump(): void {
    this.group?.pump();
  }

  /** The client asked for a fresh snapshot. */
  resync(transport: FeedTransport): void {
    this.group?.feedOf(transport)?.resync();
  }

  /** The member applied the cursor's frames up to `revision`. */
  ack(transport: FeedTransport, revision: number): void {
    this.group?.feedOf(transport)?.ack(revision);
  }

  /** Jumps to time t (clamped to the history's range) and sends the state there as a snapshot. */
  seek(t: number): void {
    const { from, to } = this.history;
    if (from === null || to === null) throw new AckError('history-empty', 'there is no history to play yet');
    const target = Math.min(Math.max(t, from), to);
    this.group?.close();
    const at = this.history.stateAt(target);
    this.hub = at.hub;
    this.reader = at.reader;
    this.next = at.next;
    this.time = target;
    this.group = new FeedGroup(at.hub, this.delivery.broadcast ?? sendToEach, this.delivery);
    for (const transport of this.members) this.group.add(transport);
  }

  play(speed?: number): void {
    if (speed !== undefined) this.setSpeed(speed);
    // Playing from the very end would stop at once: start again from the beginning.
    if (this.history.to !== null && this.time >= this.history.to && this.history.from !== null) this.seek(this.history.from);
    this.playing = true;
  }

  pause(): void {
    this.playing = false;
  }

  setSpeed(speed: number): void {
    this.speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed));
  }

  step(direction: 1 | -1): void {
    this.playing = false;
    this.seek(this.time + direction * STEP_MS);
  }

  /** Moves the cursor on by `realMs` × speed while playing; stops at the end of the history. */
  advance(realMs: number): void {
    if (!this.playing || !this.hub || !this.reader) return;
    const to = this.history.to ?? this.time;
    let target = this.time + realMs * this.speed;
    if (target >= to) {
      target = to;
      this.playing = false;
    }
    const { hub, reader } = this;
    this.next = this.history.forEachDelta(this.next, target, (e) => {
      reader.readInto(e.frame, hub.sink);
    });
    hub.sink.time?.(target);
    this.time = target;
    hub.tick();
  }

  close(): void {
    this.group?.close();
    this.group = null;
    this.members.clear();
    this.hub = null;
    this.playing = false;
  }
}
