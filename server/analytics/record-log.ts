/**
 * An append-only log of fixed-width numeric records with a movable head, for data kept over a
 * retention window. Records keep their absolute index for life, so cursors held elsewhere (the
 * bottleneck sweep) stay valid when old records are dropped. Storage is a list of fixed-size chunks:
 * appending never copies what is there, and dropping old records frees whole chunks.
 */
const SHIFT = 7;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

export class RecordLog {
  private chunks: Float64Array[] = [];
  /** Absolute index of chunks[0][0]. */
  private base = 0;
  /** Absolute index of the first retained record. */
  private head = 0;
  /** Absolute index one past the last record. */
  private tail = 0;

  constructor(readonly width: number) {}

  get first(): number {
    return this.head;
  }

  get end(): number {
    return this.tail;
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** The chunk and offset for the next record. */
  private reserve(): number {
    const rel = this.tail - this.base;
    if ((rel & MASK) === 0 && rel >> SHIFT === this.chunks.length) this.chunks.push(new Float64Array(CHUNK * this.width));
    this.tail++;
    return rel;
  }

  push1(a: number): void {
    const rel = this.reserve();
    this.chunks[rel >> SHIFT][(rel & MASK) * this.width] = a;
  }

  push2(a: number, b: number): void {
    const rel = this.reserve();
    const c = this.chunks[rel >> SHIFT];
    const o = (rel & MASK) * this.width;
    c[o] = a;
    c[o + 1] = b;
  }

  push4(a: number, b: number, c: number, d: number): void {
    const rel = this.reserve();
    const k = this.chunks[rel >> SHIFT];
    const o = (rel & MASK) * this.width;
    k[o] = a;
    k[o + 1] = b;
    k[o + 2] = c;
    k[o + 3] = d;
  }

  push5(a: number, b: number, c: number, d: number, e: number): void {
    const rel = this.reserve();
    const k = this.chunks[rel >> SHIFT];
    const o = (rel & MASK) * this.width;
    k[o] = a;
    k[o + 1] = b;
    k[o + 2] = c;
    k[o + 3] = d;
    k[o + 4] = e;
  }

  /** Field `f` of the record with absolute index `i`. */
  get(i: number, f = 0): number {
    const rel = i - this.base;
    return this.chunks[rel >> SHIFT][(rel & MASK) * this.width + f];
  }

  set(i: number, f: number, v: number): void {
    const rel = i - this.base;
    this.chunks[rel >> SHIFT][(rel & MASK) * this.width + f] = v;
  }

  /** Removes the last record. */
  pop(): void {
    if (this.tail > this.head) this.tail--;
  }

  /** Drops the records before absolute index `i`. */
  dropBefore(i: number): void {
    if (i <= this.head) return;
    this.head = Math.min(i, this.tail);
    const whole = (this.head - this.base) >> SHIFT;
    if (whole > 0) {
      this.chunks.splice(0, whole);
      this.base += whole << SHIFT;
    }
  }

  /**
   * First absolute index in [lo, end) whose field `f` is >= v (end when none), for fields that never
   * decrease along the log.
   */
  lowerBound(v: number, f = 0, lo = this.head): number {
    let hi = this.tail;
    lo = Math.max(lo, this.head);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid, f) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First absolute index whose field `f` is > v (end when none); same ordering assumption. */
  upperBound(v: number, f = 0, lo = this.head): number {
    let hi = this.tail;
    lo = Math.max(lo, this.head);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid, f) <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
