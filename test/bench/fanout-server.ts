/**
 * The server side of the fan-out and slow-client benchmarks, in its own process so that
 * process.cpuUsage() counts the server's work only (the clients live in the parent).
 *
 * Holds both servers at once: the real app (createApp, Socket.IO, hub, ClientFeed) fed by a
 * scripted source, and the raw `ws` broadcaster fed the very frames that hub commits, each already in
 * the Socket.IO packet a client receives (made by the parser's own encoder, before any timing). Driven over
 * IPC; see FanoutRequest. Started with `node --import tsx` by fanout.ts; exits when told or when
 * the parent goes away.
 */
import type { Socket } from 'socket.io';
import type { Change, ChangeSink } from '../../protocol/changes.ts';
import { createApp } from '../../server/app.ts';
import type { ClientFeed } from '../../server/hub/client-feed.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { History, recordHubHistory } from '../../server/hub/history.ts';
import type { Source } from '../../server/sources/source.ts';
import { wireParser } from '../../protocol/wire.ts';
import { readHeader } from '../../protocol/codec.ts';
import { startRawBroadcaster } from './baselines/raw-ws-broadcast.ts';
import { buildWorkload, feedTick, type TickInput, type Workload } from './workload.ts';

export type FanoutRequest =
  | { type: 'init'; scale: number; ticks: number; warmupS: number; maxInFlight: number }
  /** Ticks [from, to) as fast as every client takes them: a tick waits until no client has maxInFlight frames unwritten. */
  | { type: 'burst'; mode: 'hub' | 'raw'; from: number; to: number }
  /** Hub ticks [from, to) on a fixed clock, whatever the clients do (the slow-client test). */
  | { type: 'steady'; from: number; to: number; intervalMs: number }
  | { type: 'stop' };

export type FanoutReply =
  | { type: 'ready'; hubPort: number; rawPort: number; frameBytes: number[]; frameRevisions: number[]; snapshotBytes: number; sceneId: string; robots: number; ingestCpuUsPerTick: number; historyCpuUsPerTick: number }
  | { type: 'burst-done'; mode: 'hub' | 'raw'; cpuUs: number; systemUs: number; wallMs: number; ticks: number; mismatches: number; conflatedTicks: number }
  | { type: 'steady-done'; lateTicks: number; slow: SlowStats | null; mismatches: number; revision: number }
  | { type: 'error'; message: string };

export type SlowStats = { maxInFlight: number; maxBufferedBytes: number; framesSent: number; bytesSent: number; skippedTicks: number; maxInFlightAllowed: number };

type Live = {
  w: Workload;
  hub: ReturnType<typeof createHub>;
  app: ReturnType<typeof createApp>;
  source: Source & { push(tick: TickInput, time: number): void };
  raw: Awaited<ReturnType<typeof startRawBroadcaster>>;
  /** Each tick's delta as the Socket.IO packet the raw broadcaster sends (empty for a tick with no delta). */
  rawPackets: Uint8Array[];
  maxInFlight: number;
  /** The hub's next tick to commit: it cannot rewind, so bursts and steady runs take ticks in order. */
  nextTick: number;
  slow: { socket: Socket; feed: ClientFeed } | null;
  wake: (() => void) | null;
};

let live: Live | null = null;

function reply(m: FanoutReply): void {
  process.send?.(m);
}

/** A source that hands the hub the precomputed ticks, as the simulator source does (robot samples in columns). */
function pushSource(initial: Change[], time: number) {
  let sink: ChangeSink | null = null;
  return {
    kind: 'simulator' as const,
    start(s: ChangeSink) {
      sink = s;
      for (const c of initial) s.apply(c);
      s.time?.(time);
    },
    stop() {
      sink = null;
    },
    push(tick: TickInput, t: number) {
      if (!sink) throw new Error('source not started');
      feedTick(sink, tick);
      sink.time?.(t);
    },
  };
}

async function init(req: Extract<FanoutRequest, { type: 'init' }>): Promise<FanoutReply> {
  const w = buildWorkload({ scale: req.scale, ticks: req.ticks, warmupS: req.warmupS });
  const ingestCpuUsPerTick = ingestCost(w);
  const historyCpuUsPerTick = Math.max(0, ingestCost(w, true) - ingestCpuUsPerTick);
  // The hub commits when the benchmark says, not on its own clock.
  const hub = createHub({ scene: w.scene, tickMs: 1 << 30 });
  const source = pushSource(w.initial, w.startTime);
  // Every benchmark client connects from 127.0.0.1: lift the per-address connection limit meant for the internet.
  const app = createApp({ hub, sources: [source], feed: { maxQueued: req.maxInFlight }, limits: { connectionsPerMinute: 1_000_000 } });
  const raw = await startRawBroadcaster();
  const encoder = new wireParser.Encoder();
  const rawPackets = w.frames.map((f) => (f.byteLength === 0 ? f : (encoder.encode({ type: 2, nsp: '/', data: ['state:delta', Buffer.from(f.buffer, f.byteOffset, f.byteLength)] }) as unknown as [Buffer])[0]));
  const state: Live = { w, hub, app, source, raw, rawPackets, maxInFlight: req.maxInFlight, nextTick: 0, slow: null, wake: null };
  // A delta the app wrote straight to a client's WebSocket was taken: that client may take the next one.
  app.onWritten(() => state.wake?.());
  app.io.on('connection', (socket) => {
    // The app's own handler ran first and added this socket's feed last.
    const feed = [...app.feeds].at(-1);
    if (socket.handshake.query.role === 'slow' && feed) state.slow = { socket, feed };
    // A transport that finished a write may take the next frame; it turns writable just after its drain event.
    socket.conn.transport.on('drain', () => process.nextTick(() => state.wake?.()));
    // Acknowledgements arrive as engine.io data, which Socket.IO applies a moment later: look after that.
    socket.conn.on('data', () => process.nextTick(() => state.wake?.()));
    socket.on('disconnect', () => {
      if (state.slow?.socket === socket) state.slow = null;
      state.wake?.();
    });
  });
  const hubPort = await app.listen(0, '127.0.0.1');
  live = state;
  return { type: 'ready', hubPort, rawPort: raw.port, frameBytes: w.frames.map((f) => f.byteLength), frameRevisions: w.frames.map((f) => (f.byteLength === 0 ? 0 : readHeader(f).revision)), snapshotBytes: w.snapshotBytes, sceneId: w.scene.id, robots: w.scene.robots.length, ingestCpuUsPerTick, historyCpuUsPerTick };
}

/**
 * What the hub does per tick before any client is involved, and the raw baseline never does: take the
 * tick's changes from the source (checked and staged) and commit them into one encoded frame. Measured on a
 * hub of its own with no clients (the least of four passes: the first ones warm the JIT), in CPU µs per tick.
 * With `history`, the same hub also keeps the live history the server keeps by default (`--history`), which
 * this benchmark's app does not: its cost is reported beside the fan-out figures.
 */
function ingestCost(w: Workload, history = false): number {
  let perTick = Infinity;
  for (let pass = 0; pass < 4; pass++) {
    const hub = createHub({ scene: w.scene, tickMs: 1 << 30 });
    for (const c of w.initial) hub.sink.apply(c);
    hub.sink.time?.(w.startTime);
    hub.tick();
    const stop = history ? recordHubHistory(hub, new History({ scene: w.scene, retentionMs: 7_200_000 })) : null;
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < w.ticks.length; i++) {
      feedTick(hub.sink, w.ticks[i]);
      hub.sink.time?.(w.tickTimes[i]);
      hub.tick();
    }
    const cpu = process.cpuUsage(cpu0);
    stop?.();
    perTick = Math.min(perTick, (cpu.user + cpu.system) / w.ticks.length);
  }
  return perTick;
}

/** Resolves when `cond` holds, re-checked whenever a client sends something or leaves. */
function until(s: Live, cond: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.wake = null;
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    s.wake = () => {
      if (!cond()) return;
      s.wake = null;
      clearTimeout(timer);
      resolve();
    };
  });
}

function hubTick(s: Live): number {
  const i = s.nextTick++;
  if (i >= s.w.ticks.length) throw new Error(`workload exhausted: tick ${i} of ${s.w.ticks.length}`);
  s.source.push(s.w.ticks[i], s.w.tickTimes[i]);
  const frame = s.hub.tick();
  // The hub must send exactly the bytes the raw baseline sends, or the comparison is off.
  return (frame?.byteLength ?? 0) === s.w.frames[i].byteLength ? 0 : 1;
}

async function burst(req: Extract<FanoutRequest, { type: 'burst' }>): Promise<FanoutReply> {
  const s = live;
  if (!s) throw new Error('not initialised');
  /**
   * Whether every client holds fewer than `n` frames. Between two ticks a client's queue only shrinks, so
   * the scan resumes where it last stopped: a check per write callback costs O(1), not O(clients).
   */
  const feedsBelow = (n: number) => {
    const feeds = [...s.app.feeds];
    let at = 0;
    return () => {
      while (at < feeds.length && (feeds[at].closed || feeds[at].queued < n)) at++;
      return at === feeds.length;
    };
  };
  let mismatches = 0;
  // Ticks a client could not take (its socket still full): it gets one merged delta later, fewer bytes.
  const skipped = () => [...s.app.feeds].reduce((n, f) => n + f.skippedTicks, 0);
  const skipped0 = skipped();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (req.mode === 'hub') {
    if (req.from !== s.nextTick) throw new Error(`hub burst must start at tick ${s.nextTick}, not ${req.from}`);
    for (let i = req.from; i < req.to; i++) {
      await until(s, feedsBelow(s.maxInFlight), 'client transports to take the next frame');
      mismatches += hubTick(s);
    }
    await until(s, feedsBelow(1), 'the last frames to be written');
  } else {
    for (let i = req.from; i < req.to; i++) {
      const packet = s.rawPackets[i];
      if (packet.byteLength === 0) continue;
      await s.raw.whenBelow(s.maxInFlight);
      s.raw.broadcast(packet);
    }
    await s.raw.whenBelow(1);
  }
  const cpu = process.cpuUsage(cpu0);
  return { type: 'burst-done', mode: req.mode, cpuUs: cpu.user + cpu.system, systemUs: cpu.system, wallMs: performance.now() - t0, ticks: req.to - req.from, mismatches, conflatedTicks: skipped() - skipped0 };
}

/** Bytes the server holds for a socket: engine.io's packet queue plus what ws has not handed to the kernel. */
function bufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as { writeBuffer?: Array<{ data?: unknown }>; transport?: { socket?: { bufferedAmount?: number } } };
  let n = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const p of conn.writeBuffer ?? []) {
    const d = p.data;
    if (typeof d === 'string') n += Buffer.byteLength(d);
    else if (d && typeof (d as ArrayBufferView).byteLength === 'number') n += (d as ArrayBufferView).byteLength;
  }
  return n;
}

async function steady(req: Extract<FanoutRequest, { type: 'steady' }>): Promise<FanoutReply> {
  const s = live;
  if (!s) throw new Error('not initialised');
  if (req.from !== s.nextTick) throw new Error(`steady run must start at tick ${s.nextTick}, not ${req.from}`);
  const slow = s.slow;
  const before = slow ? { frames: slow.feed.framesSent, bytes: slow.feed.bytesSent, skipped: slow.feed.skippedTicks } : null;
  let maxInFlight = 0;
  let maxBuffered = 0;
  let late = 0;
  let mismatches = 0;
  const start = performance.now();
  for (let i = req.from; i < req.to; i++) {
    const due = start + (i - req.from) * req.intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else if (wait < -req.intervalMs) late++;
    mismatches += hubTick(s);
    if (slow) {
      maxInFlight = Math.max(maxInFlight, slow.feed.queued);
      maxBuffered = Math.max(maxBuffered, bufferedBytes(slow.socket));
    }
  }
  const stats: SlowStats | null =
    slow && before
      ? {
          maxInFlight,
          maxBufferedBytes: maxBuffered,
          framesSent: slow.feed.framesSent - before.frames,
          bytesSent: slow.feed.bytesSent - before.bytes,
          skippedTicks: slow.feed.skippedTicks - before.skipped,
          maxInFlightAllowed: slow.feed.maxQueued,
        }
      : null;
  return { type: 'steady-done', lateTicks: late, slow: stats, mismatches, revision: s.hub.revision };
}

async function stop(): Promise<void> {
  const s = live;
  live = null;
  if (s) {
    await s.raw.close();
    await s.app.close();
  }
}

process.on('message', (msg: FanoutRequest) => {
  const run = async (): Promise<FanoutReply | null> => {
    switch (msg.type) {
      case 'init':
        return init(msg);
      case 'burst':
        return burst(msg);
      case 'steady':
        return steady(msg);
      case 'stop':
        await stop();
        process.disconnect?.();
        return null;
    }
  };
  run().then(
    (r) => r && reply(r),
    (e: unknown) => reply({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
// The parent died or hung up: leave no server behind.
process.on('disconnect', () => {
  void stop().finally(() => process.exit(0));
});
