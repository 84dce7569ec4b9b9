/**
 * The active period method of bottleneck detection (Roser, Nakano, Tanaka 2001/2002).
 *
 * A station is active while working, down or in setup, and inactive while starved, blocked or off
 * (waiting is caused by someone else). At any moment, the station whose active period in progress is
 * the longest, measured over the whole period, is the momentary bottleneck. Where the active period
 * of one bottleneck overlaps the active period of the next bottleneck, both are shifting bottlenecks;
 * the rest of a bottleneck's time is sole.
 *
 * The sweep walks the start and end times of the active periods in time order and keeps the periods
 * in progress in a max-heap by length. Each station has at most one period in progress, and each of
 * the three heaps (periods in progress by rank, by end, and the next unread period of each station by
 * start, which is a k-way merge of the stations' already ordered period lists) holds each station at
 * most once, so every event costs O(log S): O(E log S) for E period boundaries and S stations, with
 * no global sort. Its output is the sequence of momentary bottleneck segments.
 *
 * Incremental use: the momentary bottleneck at time t depends only on the periods covering t. Every
 * period that starts before F, the earliest start among the periods still in progress, has ended, so
 * all of time before F is settled: the sweep advances to F and keeps its segments. Anything after F is
 * swept on demand by a copy of the sweep in which the periods in progress end "now".
 *
 * Along the segment sequence, both the period starts and the period ends never decrease (a period
 * that takes over from one still running is longer and started later, so it also ends later; one
 * that takes over when the other ends covered the other's end and started no later). That is what
 * lets a window query find its segments by binary search.
 */
import { IndexedHeap } from './indexed-heap.ts';
import { RecordLog } from './record-log.ts';

export type PeriodSource = {
  readonly stationCount: number;
  /** The station's completed active periods, [start, end) records in time order. */
  periodsOf(s: number): RecordLog;
  /** Start of the station's active period in progress, NaN when it is inactive. */
  ongoingStart(s: number): number;
};

/** Fields of a segment record: the station, its active period, and when it was the momentary bottleneck. */
export const SEG_STATION = 0;
export const SEG_PERIOD_START = 1;
export const SEG_PERIOD_END = 2;
export const SEG_FROM = 3;
export const SEG_TO = 4;

export class ActivePeriodSweep {
  /** Every event before this time has been processed. */
  time = -Infinity;
  /** Next unread completed period per station (absolute index); end + 1 once a tail run read the one in progress. */
  readonly cursor: Float64Array;
  private readonly nextStart: Float64Array;
  private readonly nextEnd: Float64Array;
  private readonly inStart: Float64Array;
  private readonly inEnd: Float64Array;
  private readonly inLen: Float64Array;
  private readonly byRank: (a: number, b: number) => boolean;
  private readonly byEnd: (a: number, b: number) => boolean;
  private readonly byStart: (a: number, b: number) => boolean;
  private rank: IndexedHeap;
  private ends: IndexedHeap;
  private starts: IndexedHeap;
  private top = -1;
  private topStart = NaN;
  private topEnd = NaN;
  private segFrom = NaN;

  constructor(
    readonly stationCount: number,
    readonly segments = new RecordLog(5),
  ) {
    const n = stationCount;
    this.cursor = new Float64Array(n);
    this.nextStart = new Float64Array(n);
    this.nextEnd = new Float64Array(n);
    this.inStart = new Float64Array(n);
    this.inEnd = new Float64Array(n);
    this.inLen = new Float64Array(n);
    const { inStart, inEnd, inLen, nextStart } = this;
    // Longest first; equal lengths: the earlier start, then the lower station index, so ranks never tie.
    this.byRank = (a, b) => inLen[a] > inLen[b] || (inLen[a] === inLen[b] && (inStart[a] < inStart[b] || (inStart[a] === inStart[b] && a < b)));
    this.byEnd = (a, b) => inEnd[a] < inEnd[b] || (inEnd[a] === inEnd[b] && a < b);
    this.byStart = (a, b) => nextStart[a] < nextStart[b] || (nextStart[a] === nextStart[b] && a < b);
    this.rank = new IndexedHeap(n, this.byRank);
    this.ends = new IndexedHeap(n, this.byEnd);
    this.starts = new IndexedHeap(n, this.byStart);
  }

  /** Positions every station's cursor at the first period it holds (a new sweep over existing data). */
  startAt(src: PeriodSource): void {
    for (let s = 0; s < this.stationCount; s++) this.cursor[s] = src.periodsOf(s).first;
  }

  /**
   * Processes every period boundary before `limit`. With `horizon`, the periods in progress take
   * part too, ending at `horizon` (a tail run on a copy: pass limit Infinity).
   */
  advance(src: PeriodSource, limit: number, horizon?: number): void {
    const { starts, ends, rank, nextStart, inEnd } = this;
    // Re-read every station's next period: an unread one may have grown since (a wait of no duration).
    for (let s = 0; s < this.stationCount; s++) {
      if (this.peek(src, s, horizon)) starts.push(s);
      else starts.remove(s);
    }
    for (;;) {
      const e = ends.top();
      const b = starts.top();
      const te = e >= 0 ? inEnd[e] : Infinity;
      const tb = b >= 0 ? nextStart[b] : Infinity;
      const t = te <= tb ? te : tb;
      if (!(t < limit)) break;
      // Periods are half-open: one that ends at t no longer covers t, one that starts at t does.
      for (let x = ends.top(); x >= 0 && inEnd[x] === t; x = ends.top()) {
        ends.pop();
        rank.remove(x);
      }
      for (let x = starts.top(); x >= 0 && nextStart[x] === t; x = starts.top()) {
        this.inStart[x] = nextStart[x];
        inEnd[x] = this.nextEnd[x];
        this.inLen[x] = inEnd[x] - nextStart[x];
        this.cursor[x]++;
        rank.push(x);
        ends.push(x);
        if (this.peek(src, x, horizon)) starts.update(x);
        else starts.remove(x);
      }
      this.time = t;
      this.retop(t);
    }
    if (limit > this.time && Number.isFinite(limit)) this.time = limit;
  }

  /** A copy whose segments go to a fresh log: for the on-demand run past the settled time. */
  clone(): ActivePeriodSweep {
    const c = new ActivePeriodSweep(this.stationCount, new RecordLog(5));
    c.time = this.time;
    c.cursor.set(this.cursor);
    c.nextStart.set(this.nextStart);
    c.nextEnd.set(this.nextEnd);
    c.inStart.set(this.inStart);
    c.inEnd.set(this.inEnd);
    c.inLen.set(this.inLen);
    c.rank = this.rank.clone(c.byRank);
    c.ends = this.ends.clone(c.byEnd);
    c.starts = this.starts.clone(c.byStart);
    c.top = this.top;
    c.topStart = this.topStart;
    c.topEnd = this.topEnd;
    c.segFrom = this.segFrom;
    return c;
  }

  /** Loads the station's next unread period into nextStart/nextEnd; false when there is none. */
  private peek(src: PeriodSource, s: number, horizon: number | undefined): boolean {
    const log = src.periodsOf(s);
    let c = Math.max(this.cursor[s], log.first);
    for (; c < log.end; c++) {
      const a = log.get(c, 0);
      const b = log.get(c, 1);
      if (b > a) {
        this.cursor[s] = c;
        this.nextStart[s] = a;
        this.nextEnd[s] = b;
        return true;
      }
    }
    this.cursor[s] = c;
    if (horizon !== undefined && c === log.end) {
      const a = src.ongoingStart(s);
      if (a < horizon) {
        this.nextStart[s] = a;
        this.nextEnd[s] = horizon;
        return true;
      }
    }
    return false;
  }

  private retop(t: number): void {
    const r = this.rank.top();
    if (r === this.top && (r < 0 || this.inStart[r] === this.topStart)) return;
    if (this.top >= 0 && t > this.segFrom) this.segments.push5(this.top, this.topStart, this.topEnd, this.segFrom, t);
    this.top = r;
    if (r >= 0) {
      this.topStart = this.inStart[r];
      this.topEnd = this.inEnd[r];
      this.segFrom = t;
    }
  }
}

/** The settled segments followed by the segments of a tail run, as one sequence indexed from 0. */
export class SegmentSequence {
  private readonly n0: number;
  readonly length: number;

  constructor(
    private readonly settled: RecordLog,
    private readonly tail: RecordLog | null,
  ) {
    this.n0 = settled.length;
    this.length = this.n0 + (tail ? tail.length : 0);
  }

  get(k: number, f: number): number {
    return k < this.n0 ? this.settled.get(this.settled.first + k, f) : (this.tail as RecordLog).get((this.tail as RecordLog).first + k - this.n0, f);
  }

  /** First k whose field f is > v (fields that never decrease along the sequence). */
  upperBound(v: number, f: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid, f) <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First k whose field f is >= v. */
  lowerBound(v: number, f: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid, f) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export type BottleneckTimes = {
  /** Per station (scene order): ms of the window as sole and as shifting bottleneck. */
  soleMs: Float64Array;
  shiftingMs: Float64Array;
  /** ms of the window in which no station was active, so there was no bottleneck. */
  noneMs: number;
};

/**
 * Sole and shifting time of every station within [from, to). The shifting time of a bottleneck is
 * its overlap with the previous and with the next bottleneck (counted once where both overlap it);
 * its sole time is the rest of the time it is the momentary bottleneck.
 */
export function classifySegments(seq: SegmentSequence, stationCount: number, from: number, to: number): BottleneckTimes {
  const soleMs = new Float64Array(stationCount);
  const shiftingMs = new Float64Array(stationCount);
  let covered = 0;
  // A segment matters when its period reaches into the window: period ends and starts both ascend.
  const k0 = seq.upperBound(from, SEG_PERIOD_END);
  const k1 = seq.lowerBound(to, SEG_PERIOD_START);
  for (let k = k0; k < k1; k++) {
    const s = seq.get(k, SEG_STATION);
    const ps = seq.get(k, SEG_PERIOD_START);
    const pe = seq.get(k, SEG_PERIOD_END);
    const a = seq.get(k, SEG_FROM);
    const b = seq.get(k, SEG_TO);
    let p1 = 0;
    let q1 = 0;
    let p2 = 0;
    let q2 = 0;
    if (k > 0) {
      p1 = Math.max(ps, seq.get(k - 1, SEG_PERIOD_START));
      q1 = Math.min(pe, seq.get(k - 1, SEG_PERIOD_END));
    }
    if (k + 1 < seq.length) {
      p2 = Math.max(ps, seq.get(k + 1, SEG_PERIOD_START));
      q2 = Math.min(pe, seq.get(k + 1, SEG_PERIOD_END));
    }
    const shifting = unionWithin(p1, q1, p2, q2, from, to);
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    const span = hi > lo ? hi - lo : 0;
    covered += span;
    shiftingMs[s] += shifting;
    soleMs[s] += span - (span > 0 ? unionWithin(p1, q1, p2, q2, lo, hi) : 0);
  }
  return { soleMs, shiftingMs, noneMs: Math.max(0, to - from - covered) };
}

/** The segment that covers the moment just before `t` (a < t <= b), or -1. */
export function segmentBefore(seq: SegmentSequence, t: number): number {
  const k = seq.lowerBound(t, SEG_FROM) - 1;
  return k >= 0 && seq.get(k, SEG_TO) >= t ? k : -1;
}

/** The segment in which `t` falls (a <= t < b), or -1. */
export function segmentAt(seq: SegmentSequence, t: number): number {
  const k = seq.upperBound(t, SEG_FROM) - 1;
  return k >= 0 && seq.get(k, SEG_TO) > t ? k : -1;
}

/** Length of ([p1, q1) ∪ [p2, q2)) ∩ [lo, hi). */
function unionWithin(p1: number, q1: number, p2: number, q2: number, lo: number, hi: number): number {
  const a1 = Math.max(p1, lo);
  const b1 = Math.min(q1, hi);
  const a2 = Math.max(p2, lo);
  const b2 = Math.min(q2, hi);
  const l1 = b1 > a1 ? b1 - a1 : 0;
  const l2 = b2 > a2 ? b2 - a2 : 0;
  if (l1 === 0 || l2 === 0) return l1 + l2;
  const both = Math.min(b1, b2) - Math.max(a1, a2);
  return l1 + l2 - (both > 0 ? both : 0);
}
