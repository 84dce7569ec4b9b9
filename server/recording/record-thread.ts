/**
 * The recording threads, started with the first recorder and kept for the next. Each takes every batch of
 * the hub's frames (to keep its copy of the state) and formats its share of them (every other one with two
 * threads); the lines come back numbered and the recorder writes them in order. The hub's thread only
 * copies frames it has already encoded for its clients.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SceneIds } from './frame-mirror.ts';
import type { FromThread, ToThread } from './record-messages.ts';

export type RecordingHandlers = { onLines(seq: number, data: Buffer): void; onError(err: Error): void };

/**
 * One formatter per core the hub's thread leaves free, one at least and two at most. On two cores a second
 * formatter only made the three threads share two: measured in the recording benchmark, the two then spent
 * twice the time of one on the same lines, and the recording took longer, not less.
 */
export function defaultThreadCount(cores = availableParallelism()): number {
  return Math.min(2, Math.max(1, cores - 1));
}

class RecordThreads {
  private readonly workers: Worker[];
  private readonly open = new Map<number, RecordingHandlers>();
  private nextId = 1;
  dead = false;

  constructor(private readonly count: number) {
    this.workers = Array.from({ length: count }, () => {
      // No inherited loader flags: the entry registers tsx itself (record-worker.mjs).
      const w = new Worker(new URL('./record-worker.mjs', import.meta.url), { execArgv: [] });
      w.unref();
      w.on('message', (m: FromThread) => {
        const o = this.open.get(m.id);
        if (!o) return;
        if (m.type === 'error') o.onError(new Error(m.message));
        else o.onLines(m.seq, Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      });
      w.on('error', (err) => this.lost(err));
      w.on('exit', (code) => this.lost(new Error(`a recording thread stopped (exit code ${code})`)));
      return w;
    });
  }

  private lost(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    for (const w of this.workers) void w.terminate();
    const all = [...this.open.values()];
    this.open.clear();
    for (const o of all) o.onError(err);
  }

  /** The threads keep the process alive only while a recording is open. */
  private held(): void {
    for (const w of this.workers) {
      if (this.open.size > 0) w.ref();
      else w.unref();
    }
  }

  start(ids: SceneIds, handlers: RecordingHandlers): number {
    const id = this.nextId++;
    this.open.set(id, handlers);
    this.held();
    this.toAll({ type: 'open', id, ids });
    return id;
  }

  /**
   * Hands batch `seq` over (from ByteSink.take()): the thread that formats it gets its ArrayBuffer
   * (transferred), the other a copy to keep its state.
   */
  batch(id: number, seq: number, data: Buffer): void {
    if (this.dead) return;
    const writer = seq % this.count;
    // The copies go first: transferring the buffer empties it.
    this.workers.forEach((w, i) => {
      if (i !== writer) w.postMessage({ type: 'batch', id, seq, lines: false, data } satisfies ToThread);
    });
    this.workers[writer].postMessage({ type: 'batch', id, seq, lines: true, data } satisfies ToThread, [data.buffer as ArrayBuffer]);
  }

  close(id: number): void {
    this.open.delete(id);
    this.held();
    this.toAll({ type: 'close', id });
  }

  private toAll(m: ToThread): void {
    if (!this.dead) for (const w of this.workers) w.postMessage(m);
  }
}

const pools = new Map<number, RecordThreads>();

/** The process's recording threads (`count` of them: the default, or a recorder's own choice). */
export function recordThreads(count = defaultThreadCount()): RecordThreads {
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`recording threads: ${count} is not a whole number of at least 1`);
  let pool = pools.get(count);
  if (!pool || pool.dead) {
    pool = new RecordThreads(count);
    pools.set(count, pool);
  }
  return pool;
}
