/**
 * Counters behind a live source's health(): accepted messages, their rate, rejects by reason, and a
 * reject log that writes at most once a second so a misbehaving publisher cannot flood the server log.
 */
import type { SourceHealth, SourceKind } from '../source.ts';

/** Where a live source reports; `detail.severity` ('info' | 'warn' | 'error') says how loud (not `level`: pino owns that key). */
export type LiveLog = (msg: string, detail: object) => void;

/** Seconds over which messageRate is averaged. */
const RATE_WINDOW_S = 5;
const LOG_INTERVAL_MS = 1000;

export class SourceStats {
  connection: SourceHealth['connection'] = 'connecting';
  messagesTotal = 0;
  /** Every message seen, accepted or not. */
  received = 0;
  lastMessageAt: number | null = null;
  readonly rejects: Record<string, number> = {};
  private readonly buckets = new Float64Array(RATE_WINDOW_S + 1);
  private readonly bucketSecond = new Float64Array(RATE_WINDOW_S + 1).fill(-1);
  private readonly startedAt: number;
  private lastLogAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly kind: SourceKind,
    private readonly log: LiveLog,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
  }

  accepted(): void {
    const t = this.now();
    this.messagesTotal++;
    this.lastMessageAt = t;
    const second = Math.floor(t / 1000);
    const slot = second % this.buckets.length;
    if (this.bucketSecond[slot] !== second) {
      this.bucketSecond[slot] = second;
      this.buckets[slot] = 0;
    }
    this.buckets[slot]++;
  }

  /** Counts a refused input and logs it, unless another reject was logged less than a second ago. */
  reject(reason: string, detail: { message: string; topic?: string }): void {
    this.rejects[reason] = (this.rejects[reason] ?? 0) + 1;
    const t = this.now();
    if (t - this.lastLogAt < LOG_INTERVAL_MS) {
      this.suppressed++;
      return;
    }
    this.lastLogAt = t;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    this.log(`${this.kind}: rejected a message (${reason}): ${detail.message}`, {
      severity: 'warn',
      source: this.kind,
      reason,
      ...detail,
      // Rejects dropped from the log since the last line; the counts in health() are complete.
      suppressed,
    });
  }

  messageRate(): number {
    const t = this.now();
    const second = Math.floor(t / 1000);
    let sum = 0;
    for (let k = 0; k < RATE_WINDOW_S; k++) {
      const s = second - k;
      const slot = ((s % this.buckets.length) + this.buckets.length) % this.buckets.length;
      if (this.bucketSecond[slot] === s) sum += this.buckets[slot];
    }
    // The window covers the current, partial second too, and never reaches back before the start.
    const windowMs = Math.min(t - (second - RATE_WINDOW_S + 1) * 1000, t - this.startedAt);
    return sum / Math.max(1, windowMs / 1000);
  }

  health(target: string): SourceHealth {
    return {
      kind: this.kind,
      target,
      connection: this.connection,
      messageRate: this.messageRate(),
      messagesTotal: this.messagesTotal,
      rejects: { ...this.rejects },
      lastMessageAt: this.lastMessageAt,
    };
  }
}
