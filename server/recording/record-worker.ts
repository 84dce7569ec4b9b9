/**
 * The recording thread: turns the hub's frames into recording lines and writes them, so formatting
 * JSON text (the costly part of recording) never runs on the thread that ingests and broadcasts.
 * Messages are in record-messages.ts. One thread serves every recorder of the process.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { createGzip, constants as zlibConstants, type Gzip } from 'node:zlib';
import { ByteSink, writeChangesLine } from './changes-line.ts';
import { FrameMirror } from './frame-mirror.ts';
import { Entry, type FromThread, type ToThread } from './record-messages.ts';

if (!parentPort) throw new Error('record-worker.ts runs as a worker thread (see record-thread.ts)');
const port = parentPort;
const send = (m: FromThread) => port.postMessage(m);

class FileWriter {
  private readonly out: WriteStream;
  private readonly zip: Gzip | null;
  private readonly mirror: FrameMirror;
  private readonly lines = new ByteSink(256 * 1024);
  private bytes = 0;
  private failed = false;

  constructor(readonly id: number, file: string, gzip: boolean, ids: FrameMirror['index']) {
    this.mirror = new FrameMirror(ids);
    this.out = createWriteStream(file, { flags: 'w' });
    this.zip = gzip ? createGzip() : null;
    if (this.zip) this.zip.pipe(this.out);
    const fail = (err: Error) => {
      if (this.failed) return;
      this.failed = true;
      send({ type: 'error', id, message: err.message });
    };
    this.out.on('error', fail);
    this.zip?.on('error', fail);
  }

  /** One batch of entries (see Entry): frames become lines, text is copied as it is. */
  batch(data: Uint8Array): void {
    if (this.failed) return;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let p = 0;
    while (p + 5 <= data.byteLength) {
      const kind = view.getUint8(p);
      const length = view.getUint32(p + 1, true);
      const body = data.subarray(p + 5, p + 5 + length);
      p += 5 + length;
      if (kind === Entry.text) this.lines.bytes(body);
      else {
        const commit = this.mirror.read(body);
        if (commit) writeChangesLine(this.lines, this.mirror, commit);
      }
    }
    if (this.lines.length === 0) return;
    const chunk = this.lines.take();
    this.bytes += chunk.length;
    const sink = this.zip ?? this.out;
    sink.write(chunk);
    // A sync flush ends a deflate block, so a reader can decode everything written so far.
    this.zip?.flush(zlibConstants.Z_SYNC_FLUSH);
  }

  close(): void {
    const done = () => send({ type: 'closed', id: this.id, bytes: this.bytes });
    if (this.out.closed || this.out.destroyed) return done();
    this.out.once('close', done);
    (this.zip ?? this.out).end();
  }
}

const files = new Map<number, FileWriter>();

port.on('message', (m: ToThread) => {
  try {
    if (m.type === 'open') files.set(m.id, new FileWriter(m.id, m.file, m.gzip, m.ids));
    else if (m.type === 'batch') files.get(m.id)?.batch(m.data);
    else if (m.type === 'close') {
      const f = files.get(m.id);
      files.delete(m.id);
      if (f) f.close();
      else send({ type: 'closed', id: m.id, bytes: 0 });
    }
  } catch (e) {
    send({ type: 'error', id: m.id, message: (e as Error).message });
  }
});
