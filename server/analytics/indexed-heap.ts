/**
 * A binary heap over the integers 0..n-1 (station indices) that knows where each member sits, so a
 * member can be removed or re-keyed in O(log n). Keys live outside the heap; `before(a, b)` says
 * whether a belongs above b. Each station is in a heap at most once, which is what keeps the sweep
 * at O(log S) per event.
 */
export class IndexedHeap {
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private n = 0;

  constructor(
    capacity: number,
    private readonly before: (a: number, b: number) => boolean,
  ) {
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.n;
  }

  /** The top member, or -1 when empty. */
  top(): number {
    return this.n > 0 ? this.heap[0] : -1;
  }

  has(i: number): boolean {
    return this.pos[i] >= 0;
  }

  push(i: number): void {
    if (this.pos[i] >= 0) return this.update(i);
    this.heap[this.n] = i;
    this.pos[i] = this.n;
    this.up(this.n++);
  }

  pop(): number {
    if (this.n === 0) return -1;
    const t = this.heap[0];
    this.remove(t);
    return t;
  }

  remove(i: number): void {
    const p = this.pos[i];
    if (p < 0) return;
    this.pos[i] = -1;
    const last = this.heap[--this.n];
    if (p === this.n) return;
    this.heap[p] = last;
    this.pos[last] = p;
    this.up(p);
    this.down(this.pos[last]);
  }

  /** Restores order after i's key changed. */
  update(i: number): void {
    const p = this.pos[i];
    if (p < 0) return;
    this.up(p);
    this.down(this.pos[i]);
  }

  /** A copy with the same members and order, using `before` for keys (the clone's own key arrays). */
  clone(before: (a: number, b: number) => boolean): IndexedHeap {
    const c = new IndexedHeap(this.heap.length, before);
    c.heap.set(this.heap);
    c.pos.set(this.pos);
    c.n = this.n;
    return c;
  }

  private up(p: number): void {
    const { heap, pos, before } = this;
    const x = heap[p];
    while (p > 0) {
      const q = (p - 1) >> 1;
      const y = heap[q];
      if (!before(x, y)) break;
      heap[p] = y;
      pos[y] = p;
      p = q;
    }
    heap[p] = x;
    pos[x] = p;
  }

  private down(p: number): void {
    const { heap, pos, before, n } = this;
    const x = heap[p];
    for (;;) {
      let c = 2 * p + 1;
      if (c >= n) break;
      if (c + 1 < n && before(heap[c + 1], heap[c])) c++;
      const y = heap[c];
      if (!before(y, x)) break;
      heap[p] = y;
      pos[y] = p;
      p = c;
    }
    heap[p] = x;
    pos[x] = p;
  }
}
