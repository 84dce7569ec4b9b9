/**
 * The recording thread, one per process, started with the first recorder and kept for the next: a
 * worker thread takes the hub's frames in batches and writes the recording lines (record-worker.ts).
 * The hub's thread only copies frames it has already encoded for its clients.
 */
import { Worker } from 'node:worker_threads';
import type { SceneIds } from './frame-mirror.ts';
import type { FromThread, ToThread } from './record-messages.ts';

type Open = { onError(err: Error): void; onClosed(bytes: number): void };

class RecordThread {
  private readonly worker: Worker;
  private readonly open = new Map<number, Open>();
  private nextId = 1;
  dead = false;

  constructor() {
    // No inherited loader flags: the entry registers tsx itself (record-worker.mjs).
    this.worker = new Worker(new URL('./record-worker.mjs', import.meta.url), { execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (m: FromThread) => {
      const o = this.open.get(m.id);
      if (!o) return;
      if (m.type === 'error') o.onError(new Error(m.message));
      else {
        this.open.delete(m.id);
        this.held();
        o.onClosed(m.bytes);
      }
    });
    const lost = (err: Error) => {
      this.dead = true;
      const all = [...this.open.values()];
      this.open.clear();
      this.held();
      for (const o of all) {
        o.onError(err);
        o.onClosed(0);
      }
    };
    this.worker.on('error', lost);
    this.worker.on('exit', (code) => lost(new Error(`the recording thread stopped (exit code ${code})`)));
  }

  /** The thread keeps the process alive only while a recording is open or closing. */
  private held(): void {
    if (this.open.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  start(file: string, gzip: boolean, ids: SceneIds, handlers: Open): number {
    const id = this.nextId++;
    this.open.set(id, handlers);
    this.held();
    this.post({ type: 'open', id, file, gzip, ids });
    return id;
  }

  /** Hands a batch over from ByteSink.take(): its whole ArrayBuffer is transferred, not copied. */
  batch(id: number, data: Buffer): void {
    this.post({ type: 'batch', id, data }, [data.buffer as ArrayBuffer]);
  }

  close(id: number): void {
    this.post({ type: 'close', id });
  }

  private post(m: ToThread, transfer: ArrayBuffer[] = []): void {
    if (!this.dead) this.worker.postMessage(m, transfer);
  }
}

let thread: RecordThread | null = null;

export function recordThread(): RecordThread {
  if (!thread || thread.dead) thread = new RecordThread();
  return thread;
}
