/**
 * The recording threads, two per process, started with the first recorder and kept for the next. Each
 * takes every batch of the hub's frames (to keep its copy of the state) and formats every other one, so
 * two batches are formatted at once; the lines come back numbered and the recorder writes them in order.
 * The hub's thread only copies frames it has already encoded for its clients.
 */
import { Worker } from 'node:worker_threads';
import type { SceneIds } from './frame-mirror.ts';
import type { FromThread, ToThread } from './record-messages.ts';

export type RecordingHandlers = { onLines(seq: number, data: Buffer): void; onError(err: Error): void };

/** Two formatters: the hub's thread and two recording threads make three on a two-core machine, which still pays. */
const THREADS = 2;

class RecordThreads {
  private readonly workers: Worker[];
  private readonly open = new Map<number, RecordingHandlers>();
  private nextId = 1;
  dead = false;

  constructor() {
    this.workers = Array.from({ length: THREADS }, () => {
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
    const writer = seq % THREADS;
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

let threads: RecordThreads | null = null;

export function recordThreads(): RecordThreads {
  if (!threads || threads.dead) threads = new RecordThreads();
  return threads;
}
