/**
 * The hub's authoritative state, kept in typed arrays indexed like the wire (scene order for
 * stations and robots, slots for bodies): stations and bodies in columns, robots as their wire records.
 * Every entity remembers the revision that last changed it, so a delta since any revision is a scan,
 * with no history to keep.
 */
import { RobotRecordTable } from '../../protocol/codec.ts';
import { grownCopy } from '../../protocol/typed-arrays.ts';

export class StationTable {
  readonly state: Uint8Array;
  readonly quality: Uint8Array;
  readonly ts: Float64Array;
  readonly job: Int32Array;
  readonly rev: Float64Array;
  constructor(readonly count: number) {
    this.state = new Uint8Array(count);
    this.quality = new Uint8Array(count);
    this.ts = new Float64Array(count);
    this.job = new Int32Array(count).fill(-1);
    this.rev = new Float64Array(count);
  }
}

/** Robots as their wire records (RobotRecordTable), and the revision that last changed each. */
export class RobotTable extends RobotRecordTable {
  readonly rev: Float64Array;
  constructor(count: number) {
    super(count);
    this.rev = new Float64Array(count);
  }
}

/** Bodies come and go: slots are reused after a body leaves (lowest free slot first). */
export class BodyTable {
  capacity = 0;
  /** One past the highest slot ever used. */
  slotCount = 0;
  alive = new Uint8Array(0);
  model = new Uint8Array(0);
  quality = new Uint8Array(0);
  locKind = new Uint8Array(0);
  locIndex = new Uint32Array(0);
  progress = new Float32Array(0);
  ts = new Float64Array(0);
  rev = new Float64Array(0);
  /** Revision at which the slot's id or colour last changed (sent as metadata). */
  metaRev = new Float64Array(0);
  ids: (string | null)[] = [];
  colors: (string | null)[] = [];
  readonly slotOf = new Map<string, number>();
  private free: number[] = [];

  allocate(id: string): number {
    let slot: number;
    if (this.free.length > 0) {
      // Lowest free slot keeps the slot range compact.
      let best = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i] < this.free[best]) best = i;
      slot = this.free[best];
      this.free[best] = this.free[this.free.length - 1];
      this.free.pop();
    } else {
      slot = this.slotCount++;
      if (slot >= this.capacity) this.grow(Math.max(64, this.capacity * 2));
    }
    this.slotOf.set(id, slot);
    this.ids[slot] = id;
    this.alive[slot] = 1;
    return slot;
  }

  /** Makes `slot` usable as it is (a mirror of another table sets slots by number, not by allocating). */
  reserveSlot(slot: number): void {
    if (slot >= this.capacity) this.grow(Math.max(64, this.capacity * 2, slot + 1));
    if (slot >= this.slotCount) this.slotCount = slot + 1;
  }

  release(slot: number): void {
    const id = this.ids[slot];
    if (id !== null && id !== undefined) this.slotOf.delete(id);
    this.alive[slot] = 0;
    this.free.push(slot);
  }

  private grow(capacity: number): void {
    this.alive = grownCopy(this.alive, capacity);
    this.model = grownCopy(this.model, capacity);
    this.quality = grownCopy(this.quality, capacity);
    this.locKind = grownCopy(this.locKind, capacity);
    this.locIndex = grownCopy(this.locIndex, capacity);
    this.progress = grownCopy(this.progress, capacity);
    this.ts = grownCopy(this.ts, capacity);
    this.rev = grownCopy(this.rev, capacity);
    this.metaRev = grownCopy(this.metaRev, capacity);
    for (let i = this.capacity; i < capacity; i++) {
      this.ids.push(null);
      this.colors.push(null);
    }
    this.capacity = capacity;
  }
}
