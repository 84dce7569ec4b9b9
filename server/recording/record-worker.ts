/**
 * A recording thread: keeps a copy of the hub's state from the hub's frames and turns the batches it is
 * asked to into recording lines, so formatting JSON text (the costly part of recording) never runs on the
 * thread that ingests and broadcasts. Messages are in record-messages.ts.
 */
import { parentPort } from 'node:worker_threads';
import { ByteSink, writeChangesLine } from './changes-line.ts';
import { FrameMirror } from './frame-mirror.ts';
import { Entry, type FromThread, type ToThread } from './record-messages.ts';

if (!parentPort) throw new Error('record-worker.ts runs as a worker thread (see record-thread.ts)');
const port = parentPort;
const send = (m: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

const mirrors = new Map<number, FrameMirror>();
const out = new ByteSink(256 * 1024);

/** Reads one batch into the recording's copy of the state; with `lines`, writes its lines into `out`. */
function batch(mirror: FrameMirror, data: Uint8Array, lines: boolean): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 0;
  while (p + 5 <= data.byteLength) {
    const kind = view.getUint8(p);
    const length = view.getUint32(p + 1, true);
    const body = data.subarray(p + 5, p + 5 + length);
    p += 5 + length;
    if (kind === Entry.text) {
      if (lines) out.bytes(body);
    } else {
      const commit = mirror.read(body);
      if (commit && lines) writeChangesLine(out, mirror, commit);
    }
  }
}

port.on('message', (m: ToThread) => {
  try {
    if (m.type === 'open') mirrors.set(m.id, new FrameMirror(m.ids));
    else if (m.type === 'close') mirrors.delete(m.id);
    else {
      const mirror = mirrors.get(m.id);
      if (!mirror) return;
      batch(mirror, m.data, m.lines);
      if (!m.lines) return;
      const data = out.take();
      send({ type: 'lines', id: m.id, seq: m.seq, data }, [data.buffer as ArrayBuffer]);
    }
  } catch (e) {
    send({ type: 'error', id: m.id, message: (e as Error).message });
  }
});
