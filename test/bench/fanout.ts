/**
 * Fan-out and slow-client benchmarks (issue 9). The server runs in a child process
 * (fanout-server.ts) so its CPU is measured apart from the clients, which live here.
 *
 * fan-out: the same ticks of a busy plant go to N Socket.IO clients twice, through the real app (hub,
 * feeds, Socket.IO, the clients' acknowledgements) and through a bare `ws` broadcaster sending the very
 * same messages (each tick's frame in its Socket.IO packet) to clients of the same kind. Both are driven as fast as the clients take them (a tick waits while any client has two
 * frames not yet written to its socket), alternating runs so drift hits both alike.
 *
 * slow client: the hub on a fixed clock with N clients, then the same with one more client behind a
 * link throttled to a tenth of a client's share; the others must not notice, and the server must
 * hold at most a bounded number of frames for the slow one.
 */
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { readHeader } from '../../protocol/codec.ts';
import { PROTOCOL_VERSION } from '../../protocol/events.ts';
import type { FanoutReply, FanoutRequest } from './fanout-server.ts';
import { median, middleHalf, row, sig, sum, tsChild, waitUntil, type BenchContext, type Benchmark, type Row } from './harness.ts';
import { startThrottleProxy } from './throttle-proxy.ts';
import { wireParser } from '../../protocol/wire.ts';

/**
 * The server's module. FANOUT_SERVER_FILE runs another build of it instead, such as one bundled with esbuild
 * (profiles then name real lines) or one bundled from an earlier commit (alternate runs of two builds to compare them).
 */
const serverFile = process.env.FANOUT_SERVER_FILE ?? path.join(import.meta.dirname, 'fanout-server.ts');
const MAX_IN_FLIGHT = 2;

type Counter = { bytes: number; frames: number; lastAt: number; snapshots: number; revision: number };
type BenchClient = Counter & { close(): void; connected: Promise<void> };

function sioClient(url: string, query: Record<string, string> = {}): BenchClient {
  const socket: Socket = io(url, { parser: wireParser,
    transports: ['websocket'],
    // One connection per client: without forceNew all clients would share one multiplexed socket.
    forceNew: true,
    reconnection: false,
    auth: { protocolVersion: PROTOCOL_VERSION },
    query,
  });
  // Acknowledges like the browser: the newest revision it holds, at most every 100 ms.
  let ackTimer: NodeJS.Timeout | null = null;
  let revision = 0;
  const ackSoon = (frame: Uint8Array) => {
    revision = readHeader(frame).revision;
    c.revision = revision;
    ackTimer ??= setTimeout(() => {
      ackTimer = null;
      socket.emit('state:ack', revision);
    }, 100);
  };
  const c: BenchClient = {
    bytes: 0,
    frames: 0,
    lastAt: 0,
    snapshots: 0,
    revision: 0,
    close: () => {
      if (ackTimer) clearTimeout(ackTimer);
      socket.close();
    },
    connected: new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    }),
  };
  socket.on('state:snapshot', (frame: Uint8Array) => {
    c.snapshots++;
    ackSoon(frame);
  });
  socket.on('state:delta', (frame: Uint8Array) => {
    c.bytes += frame.byteLength;
    c.frames++;
    c.lastAt = performance.now();
    ackSoon(frame);
  });
  return c;
}

function reset(clients: Counter[]): void {
  for (const c of clients) {
    c.bytes = 0;
    c.frames = 0;
    c.lastAt = 0;
  }
}

function startFanoutServer() {
  return tsChild<FanoutRequest, FanoutReply>(serverFile);
}

// ---------------------------------------------------------------------------------------------

export const fanoutBench: Benchmark = {
  name: 'fanout',
  title: 'hub → N Socket.IO clients vs a raw ws broadcast of the same frames',
  async run(ctx: BenchContext): Promise<Row[]> {
    // FANOUT_CLIENTS=N measures with another number of clients (all live in this process); FANOUT_PAIRS and
    // FANOUT_SLICE set the pairs of runs and the ticks a run. 500 ticks a run: with 200 a run lasted ~0.1 s,
    // mostly the socket buffers filling, and one pause of either process swung a pair. Fifteen pairs: single
    // pairs' ratios range from 0.9 to over 1.5 (CPU) and 0.55 to 1.8 (throughput) within one run (a server's CPU
    // per tick depends on whether it or the clients set the pace; the clients, who set the throughput, spend
    // more per MB in the bursts where their own process is collecting garbage), so the median needs many; with
    // nine, the throughput median of one run ranged 0.71 to 1.12.
    const cfg = ctx.quick ? { scale: 1, clients: 8, warm: 30, slice: 80, pairs: 1 } : { scale: 10, clients: Number(process.env.FANOUT_CLIENTS ?? 40), warm: 400, slice: Number(process.env.FANOUT_SLICE ?? 500), pairs: Number(process.env.FANOUT_PAIRS ?? 15) };
    const ticks = cfg.warm + cfg.slice * cfg.pairs;
    const server = startFanoutServer();
    const clients: BenchClient[] = [];
    try {
      ctx.log(`fanout: building ${ticks} ticks of the demo plant ×${cfg.scale}…`);
      const ready = await server.request({ type: 'init', scale: cfg.scale, ticks, warmupS: 7200, maxInFlight: MAX_IN_FLIGHT }, 'ready', 180_000);
      const frameBytes = ready.frameBytes;
      const hubClients = Array.from({ length: cfg.clients }, () => sioClient(`http://127.0.0.1:${ready.hubPort}`));
      // The same Socket.IO clients for both: the raw broadcaster answers their handshake and sends them the hub's packets.
      const rawClients = Array.from({ length: cfg.clients }, () => sioClient(`http://127.0.0.1:${ready.rawPort}`));
      clients.push(...hubClients, ...rawClients);
      await Promise.all(rawClients.map((c) => c.connected));
      await waitUntil(() => hubClients.every((c) => c.snapshots > 0), 'every client to get its snapshot', 60_000);

      const measure = async (mode: 'hub' | 'raw', from: number, to: number) => {
        const group = mode === 'hub' ? hubClients : rawClients;
        // The burst's last state: every client holds it at the end, whether it took each tick's delta or, held
        // back for a moment (with many clients on two cores), one merged delta instead (fewer bytes).
        const lastRevision = Math.max(...ready.frameRevisions.slice(from, to));
        reset(group);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const done = await server.request({ type: 'burst', mode, from, to }, 'burst-done', 120_000);
        await waitUntil(() => group.every((c) => c.revision >= lastRevision), `${mode} clients to reach the burst's last state`, 60_000, 1);
        const elapsed = Math.max(...group.map((c) => c.lastAt)) - t0;
        const cpu = process.cpuUsage(cpu0);
        const delivered = sum(group.map((c) => c.bytes));
        return {
          mbps: delivered / 1e6 / (elapsed / 1000),
          cpuMsPerMb: done.cpuUs / 1000 / (delivered / 1e6),
          cpuUsPerTick: done.cpuUs / (to - from),
          clientCpuMsPerMb: (cpu.user + cpu.system) / 1000 / (delivered / 1e6),
          serverBusy: done.cpuUs / 1000 / elapsed,
          kernelShare: done.systemUs / done.cpuUs,
          clientBusy: (cpu.user + cpu.system) / 1000 / elapsed,
          delivered,
          elapsed,
          mismatches: done.mismatches,
          conflatedTicks: done.conflatedTicks,
          frames: group[0].frames,
        };
      };

      // Warm both paths (JIT, buffers, heap) on the first ticks: the hub's first few hundred ran up to twice as slow.
      await measure('hub', 0, cfg.warm);
      await measure('raw', 0, cfg.warm);
      const pairs: Array<{ hub: Awaited<ReturnType<typeof measure>>; raw: Awaited<ReturnType<typeof measure>> }> = [];
      for (let p = 0; p < cfg.pairs; p++) {
        const from = cfg.warm + p * cfg.slice;
        const to = from + cfg.slice;
        // Alternate which goes first, so a machine that speeds up or slows down favours neither.
        if (p % 2 === 0) {
          const raw = await measure('raw', from, to);
          const hub = await measure('hub', from, to);
          pairs.push({ hub, raw });
        } else {
          const hub = await measure('hub', from, to);
          const raw = await measure('raw', from, to);
          pairs.push({ hub, raw });
        }
        const { hub, raw } = pairs[p];
        ctx.log(`fanout: pair ${p + 1}/${cfg.pairs}: hub ${sig(hub.mbps)} MB/s (server ${Math.round(hub.serverBusy * 100)} % busy, clients ${Math.round(hub.clientBusy * 100)} %), raw ${sig(raw.mbps)} MB/s (server ${Math.round(raw.serverBusy * 100)} %, clients ${Math.round(raw.clientBusy * 100)} %); server CPU per tick ${Math.round(hub.cpuUsPerTick)} vs ${Math.round(raw.cpuUsPerTick)} µs (${sig(hub.cpuMsPerMb / raw.cpuMsPerMb)}× per MB)`);
      }
      const mismatches = sum(pairs.map((p) => p.hub.mismatches));
      const measured = frameBytes.slice(cfg.warm);
      const raw = {
        clients: cfg.clients,
        scale: cfg.scale,
        robots: ready.robots,
        ticksPerRun: cfg.slice,
        meanFrameBytes: Math.round(sum(measured) / measured.length),
        hubMBps: sig(median(pairs.map((p) => p.hub.mbps))),
        rawMBps: sig(median(pairs.map((p) => p.raw.mbps))),
        // The middle half of the pairs' own ratios (the row's value is their median): how much single pairs swing.
        pairsMiddleHalf: middleHalf(pairs.map((p) => p.hub.mbps / p.raw.mbps), 2),
      };
      const note = mismatches ? `${mismatches} hub frames differed in size from the baseline's` : undefined;
      return [
        row('fanout', 'fan-out: throughput vs raw ws', median(pairs.map((p) => p.hub.mbps / p.raw.mbps)), { op: '>=', value: 0.8 }, raw, note),
        row(
          'fanout',
          'fan-out: server CPU per delivered MB vs raw ws',
          median(pairs.map((p) => p.hub.cpuMsPerMb / p.raw.cpuMsPerMb)),
          { op: '<=', value: 1.25 },
          {
            pairsMiddleHalf: middleHalf(pairs.map((p) => p.hub.cpuMsPerMb / p.raw.cpuMsPerMb), 2),
            hubCpuMsPerMB: sig(median(pairs.map((p) => p.hub.cpuMsPerMb))),
            rawCpuMsPerMB: sig(median(pairs.map((p) => p.raw.cpuMsPerMb))),
            // Time in the kernel (socket writes and reads) as a share of each server's CPU.
            hubKernelShare: sig(median(pairs.map((p) => p.hub.kernelShare)), 2),
            rawKernelShare: sig(median(pairs.map((p) => p.raw.kernelShare)), 2),
            // Per tick: each server's CPU in the bursts, and the part of the hub's that is taking in and committing
            // the tick's changes (measured apart, with no clients), which the raw broadcaster does not do.
            hubCpuUsPerTick: Math.round(median(pairs.map((p) => p.hub.cpuUsPerTick))),
            rawCpuUsPerTick: Math.round(median(pairs.map((p) => p.raw.cpuUsPerTick))),
            hubIngestCpuUsPerTick: Math.round(ready.ingestCpuUsPerTick),
            // Not in the app measured here: the live history the server keeps by default adds this per tick.
            liveHistoryCpuUsPerTick: Math.round(ready.historyCpuUsPerTick),
            // Client-ticks the hub merged because a client's socket was still full (0 while the clients keep up).
            hubConflatedTicks: sum(pairs.map((p) => p.hub.conflatedTicks)),
          },
          note,
        ),
      ];
    } finally {
      for (const c of clients) c.close();
      await server.close({ type: 'stop' });
    }
  },
};

// ---------------------------------------------------------------------------------------------

export const slowClientBench: Benchmark = {
  name: 'slow-client',
  title: 'one client at a tenth of the bandwidth: the others keep their throughput, its queue stays bounded',
  async run(ctx: BenchContext): Promise<Row[]> {
    const cfg = ctx.quick ? { scale: 1, clients: 4, intervalMs: 20, run: 30, pairs: 1 } : { scale: 10, clients: 20, intervalMs: 20, run: 150, pairs: 2 };
    const ticks = cfg.run * 2 * cfg.pairs + 1;
    const server = startFanoutServer();
    const clients: BenchClient[] = [];
    const closers: Array<() => Promise<void> | void> = [];
    try {
      ctx.log(`slow-client: building ${ticks} ticks of the demo plant ×${cfg.scale}…`);
      const ready = await server.request({ type: 'init', scale: cfg.scale, ticks, warmupS: 7200, maxInFlight: MAX_IN_FLIGHT }, 'ready', 180_000);
      const url = `http://127.0.0.1:${ready.hubPort}`;
      const normal = Array.from({ length: cfg.clients }, () => sioClient(url));
      clients.push(...normal);
      await waitUntil(() => normal.every((c) => c.snapshots > 0), 'every client to get its snapshot', 60_000);

      let next = 0;
      /** One steady run: each normal client's share of the offered rate it received (1 = kept up). */
      const steady = async () => {
        const from = next;
        const to = from + cfg.run;
        next = to;
        const perClient = sum(ready.frameBytes.slice(from, to));
        reset(normal);
        const t0 = performance.now();
        const done = await server.request({ type: 'steady', from, to, intervalMs: cfg.intervalMs }, 'steady-done', 120_000);
        // Received the run: holds the state after its last tick. A client held back for a moment (a busy
        // machine) catches up with one merged delta, so it may get fewer bytes than the sum of the ticks.
        await waitUntil(() => normal.every((c) => c.revision >= done.revision), 'normal clients to reach the run\'s last state', 30_000, 1);
        // The run is offered over run × interval; a client that kept up finished one interval after the last tick.
        const offeredMs = cfg.run * cfg.intervalMs;
        const goodput = normal.map((c) => Math.min(1, offeredMs / (c.lastAt - t0)));
        return { goodput: sum(goodput) / goodput.length, worst: Math.min(...goodput), perClientMBps: perClient / 1e6 / (offeredMs / 1000), done, perClient, offeredMs };
      };

      const ratios: number[] = [];
      const worst: number[] = [];
      const slowStats: NonNullable<Extract<FanoutReply, { type: 'steady-done' }>['slow']>[] = [];
      let slowRate = 0;
      let slowMBps = 0;
      let offeredMBps = 0;
      for (let p = 0; p < cfg.pairs; p++) {
        const alone = await steady();
        offeredMBps = alone.perClientMBps;
        // A tenth of what a client is offered, measured on this run's own traffic.
        slowRate = (alone.perClient / (alone.offeredMs / 1000)) / 10;
        const proxy = await startThrottleProxy(ready.hubPort, slowRate);
        const slow = sioClient(`http://127.0.0.1:${proxy.port}`, { role: 'slow' });
        closers.push(() => slow.close(), () => proxy.close());
        await waitUntil(() => slow.snapshots > 0, 'the slow client to get its snapshot', 60_000);
        reset([slow]);
        const withSlow = await steady();
        slowMBps = slow.bytes / 1e6 / (withSlow.offeredMs / 1000);
        slow.close();
        await proxy.close();
        closers.length = 0;
        if (!withSlow.done.slow) throw new Error('the server did not see the slow client');
        slowStats.push(withSlow.done.slow);
        ratios.push(withSlow.goodput / alone.goodput);
        worst.push(withSlow.worst / alone.worst);
        ctx.log(`slow-client: pair ${p + 1}/${cfg.pairs}: others at ${sig(withSlow.goodput / alone.goodput)}× their throughput alone; slow queue ≤ ${withSlow.done.slow.maxInFlight} frames`);
      }
      const maxInFlight = Math.max(...slowStats.map((s) => s.maxInFlight));
      const maxFrame = Math.max(...ready.frameBytes);
      return [
        row('slow-client', 'slow client: others\' throughput vs without it', median(ratios), { op: '>=', value: 0.95 }, {
          clients: cfg.clients,
          scale: cfg.scale,
          offeredMBpsPerClient: sig(offeredMBps),
          worstClientRatio: sig(median(worst)),
        }),
        row('slow-client', 'slow client: frames held for it (max in flight)', maxInFlight, { op: '<=', value: slowStats[0].maxInFlightAllowed }, {
          slowLinkKBps: sig(slowRate / 1000),
          slowGotKBps: sig(slowMBps * 1000),
          maxBufferedKB: sig(Math.max(...slowStats.map((s) => s.maxBufferedBytes)) / 1000),
          maxFrameKB: sig(maxFrame / 1000),
          conflatedTicks: sum(slowStats.map((s) => s.skippedTicks)),
        }),
      ];
    } finally {
      for (const c of closers) await c();
      for (const c of clients) c.close();
      await server.close({ type: 'stop' });
    }
  },
};
