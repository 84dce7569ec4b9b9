/**
 * An append-only log of fixed-width numeric records with a movable head, for data kept over a
 * retention window. Records keep their absolute index for life, so cursors held elsewhere (the
 * bottleneck sweep) stay valid when old records are dropped.
 */
export class RecordLog {
  private data: Float64Array;
  /** Absolute index of data[0]. */
  private base = 0;
  /** Absolute index of the first retained record. */
  private head = 0;
  /** Absolute index one past the last record. */
  private tail = 0;

  constructor(
    readonly width: number,
    initialCapacity = 64,
  ) {
    this.data = new Float64Array(initialCapacity * width);
  }

  get first(): number {
    return this.head;
  }

  get end(): number {
    return this.tail;
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** Reserves a record; returns the offset of its first field in `data`. */
  private reserve(): number {
    let at = (this.tail - this.base) * this.width;
    if (at + this.width > this.data.length) {
      this.makeRoom();
      at = (this.tail - this.base) * this.width;
    }
    this.tail++;
    return at;
  }

  push1(a: number): void {
    const o = this.reserve();
    this.data[o] = a;
  }

  push2(a: number, b: number): void {
    const o = this.reserve();
    this.data[o] = a;
    this.data[o + 1] = b;
  }

  push3(a: number, b: number, c: number): void {
    const o = this.reserve();
    this.data[o] = a;
    this.data[o + 1] = b;
    this.data[o + 2] = c;
  }

  push4(a: number, b: number, c: number, d: number): void {
    const o = this.reserve();
    this.data[o] = a;
    this.data[o + 1] = b;
    this.data[o + 2] = c;
    this.data[o + 3] = d;
  }

  push5(a: number, b: number, c: number, d: number, e: number): void {
    const o = this.reserve();
    this.data[o] = a;
    this.data[o + 1] = b;
    this.data[o + 2] = c;
    this.data[o + 3] = d;
    this.data[o + 4] = e;
  }

  /** Field `f` of the record with absolute index `i`. */
  get(i: number, f = 0): number {
    return this.data[(i - this.base) * this.width + f];
  }

  set(i: number, f: number, v: number): void {
    this.data[(i - this.base) * this.width + f] = v;
  }

  /** Removes the last record. */
  pop(): void {
    if (this.tail > this.head) this.tail--;
  }

  /** Drops the records before absolute index `i`. */
  dropBefore(i: number): void {
    if (i <= this.head) return;
    this.head = Math.min(i, this.tail);
  }

  /**
   * First absolute index in [lo, end) whose field `f` is >= v (end when none), for fields that never
   * decrease along the log.
   */
  lowerBound(v: number, f = 0, lo = this.head): number {
    let hi = this.tail;
    const { data, width, base } = this;
    lo = Math.max(lo, this.head);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (data[(mid - base) * width + f] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First absolute index whose field `f` is > v (end when none); same ordering assumption. */
  upperBound(v: number, f = 0, lo = this.head): number {
    let hi = this.tail;
    const { data, width, base } = this;
    lo = Math.max(lo, this.head);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (data[(mid - base) * width + f] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private makeRoom(): void {
    const live = (this.tail - this.head) * this.width;
    const from = (this.head - this.base) * this.width;
    // Reuse the space freed at the front when it is at least half the buffer; grow otherwise.
    if (from >= this.data.length / 2) {
      this.data.copyWithin(0, from, from + live);
    } else {
      const next = new Float64Array(Math.max(this.data.length * 2, this.width * 64));
      next.set(this.data.subarray(from, from + live));
      this.data = next;
    }
    this.base = this.head;
  }
}
