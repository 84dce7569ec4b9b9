import { grownCopy } from '../../protocol/typed-arrays.ts';

/**
 * A list of table positions that keeps its memory from tick to tick. A plain array emptied with
 * `length = 0` gives its storage back, so refilling it every tick allocated again (several kilobytes a
 * tick at plant scale, and the young-generation collections that follow).
 */
export class IndexList {
  private items: Int32Array;
  length = 0;

  constructor(capacity = 64) {
    this.items = new Int32Array(Math.max(1, capacity));
  }

  push(i: number): void {
    if (this.length === this.items.length) this.items = grownCopy(this.items, this.items.length * 2);
    this.items[this.length++] = i;
  }

  at(k: number): number {
    return this.items[k];
  }

  clear(): void {
    this.length = 0;
  }

  /** The items, as a view that the next push or clear reuses. */
  view(): Int32Array {
    return this.items.subarray(0, this.length);
  }
}
