/**
 * Load test (issue 8): N socket.io clients on loopback against a server receiving U changes/s for
 * S seconds. Reports lag (frame receipt − the source time it carries) p50/p99/max, server CPU and
 * RSS, disconnects, and whether every client converged to the final state.
 *   npm run bench:load -- [--clients 200] [--rate 5000] [--seconds 60]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { readHeader } from '../../protocol/codec.ts';
import { SnapshotBuilder } from '../../protocol/frame-to-snapshot.ts';
import { indexScene } from '../../protocol/scene-index.ts';
import type { StateSnapshot } from '../../protocol/state.ts';
import { wireParser } from '../../protocol/wire.ts';
import { PROTOCOL_VERSION } from '../../protocol/events.ts';

export type LoadResult = {
  clients: number;
  rate: number;
  seconds: number;
  lagMs: { p50: number; p99: number; max: number };
  framesReceived: number;
  disconnects: number;
  converged: number;
  exactState: boolean;
  serverCpuPercent: number;
  rssMb: { afterWarmup: number; end: number; growthPercent: number };
};

type Stat = { cpuMs: number; rss: number; revision: number; clients: number; changes: number };

export async function runLoadTest(opts: { clients: number; rate: number; seconds: number; log?: (m: string) => void }): Promise<LoadResult> {
  const log = opts.log ?? (() => undefined);
  const root = path.resolve(import.meta.dirname, '../..');
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/load/load-server.ts')], { cwd: root, env: { ...process.env, RATE: String(opts.rate) }, stdio: ['pipe', 'pipe', 'inherit'] });
  const stats: Array<Stat & { at: number }> = [];
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('load server did not start')), 30_000);
    createInterface({ input: server.stdout }).on('line', (line) => {
      const m = /^port (\d+)$/.exec(line);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      } else if (line.startsWith('{')) stats.push({ ...(JSON.parse(line) as Stat), at: Date.now() });
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const scene = await (await fetch(`${url}/api/scene`)).json();
  const index = indexScene(scene);

  const lags: number[] = [];
  let frames = 0;
  let disconnects = 0;
  const revisions: number[] = new Array(opts.clients).fill(0);
  // One client decodes everything, to check the state it ends with is exactly the server's.
  let exact: SnapshotBuilder | null = new SnapshotBuilder(index);
  const sockets: Socket[] = [];
  for (let i = 0; i < opts.clients; i++) {
    const s = io(url, { parser: wireParser, transports: ['websocket'], auth: { protocolVersion: PROTOCOL_VERSION }, reconnection: false, forceNew: true });
    // Acknowledges like the browser: the newest revision it holds, at most every 100 ms.
    let ackTimer: NodeJS.Timeout | null = null;
    const onFrame = (frame: ArrayBuffer) => {
      const h = readHeader(frame as unknown as Uint8Array);
      revisions[i] = h.revision;
      ackTimer ??= setTimeout(() => {
        ackTimer = null;
        s.emit('state:ack', revisions[i]);
      }, 100);
      frames++;
      if (h.time > 0) lags.push(Date.now() - h.time);
      if (i === 0 && exact) {
        if (h.type === 1) exact = new SnapshotBuilder(index);
        exact.apply(frame as unknown as Uint8Array);
      }
    };
    s.on('state:snapshot', onFrame);
    s.on('state:delta', onFrame);
    s.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') disconnects++;
    });
    sockets.push(s);
  }
  await Promise.all(sockets.map((s) => new Promise<void>((r) => (s.connected ? r() : s.once('connect', () => r())))));
  log(`${opts.clients} clients connected; ${opts.rate} changes/s for ${opts.seconds} s…`);
  const started = Date.now();
  const warmup = started + Math.min(10_000, (opts.seconds * 1000) / 4);
  let lagsFrom = 0;
  await new Promise((r) => setTimeout(r, warmup - Date.now()));
  lagsFrom = lags.length;
  await new Promise((r) => setTimeout(r, started + opts.seconds * 1000 - Date.now()));
  const measured = lags.slice(lagsFrom).sort((a, b) => a - b);
  // Stop the source; every client must reach the final revision.
  server.stdin.write('quiet\n');
  await new Promise((r) => setTimeout(r, 1500));
  const final = (await (await fetch(`${url}/api/state`)).json()) as StateSnapshot;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && revisions.some((r) => r !== final.revision)) await new Promise((r) => setTimeout(r, 100));
  const converged = revisions.filter((r) => r === final.revision).length;
  const got = exact as SnapshotBuilder | null;
  const exactState = got !== null && JSON.stringify({ ...got.state, epoch: final.epoch }) === JSON.stringify(final);
  for (const s of sockets) s.close();
  server.stdin.end();
  await new Promise((r) => server.once('exit', r));

  const inRun = stats.filter((s) => s.at >= warmup && s.at <= started + opts.seconds * 1000);
  const first = inRun[0] ?? stats[0];
  const last = inRun.at(-1) ?? stats.at(-1)!;
  const pct = (p: number) => measured[Math.min(measured.length - 1, Math.floor((p / 100) * measured.length))] ?? NaN;
  return {
    clients: opts.clients,
    rate: opts.rate,
    seconds: opts.seconds,
    lagMs: { p50: pct(50), p99: pct(99), max: measured.at(-1) ?? NaN },
    framesReceived: frames,
    disconnects,
    converged,
    exactState,
    serverCpuPercent: ((last.cpuMs - first.cpuMs) / Math.max(1, last.at - first.at)) * 100,
    rssMb: { afterWarmup: first.rss / 1e6, end: last.rss / 1e6, growthPercent: ((last.rss - first.rss) / first.rss) * 100 },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, def: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : def;
  };
  const result = await runLoadTest({ clients: arg('clients', 200), rate: arg('rate', 5000), seconds: arg('seconds', 60), log: (m) => console.log(m) });
  console.log(JSON.stringify(result, null, 2));
  const ok = result.lagMs.p99 < 250 && result.disconnects === 0 && result.converged === result.clients && result.exactState;
  console.log(`target (p99 < 250 ms, no disconnects, all converge, exact state): ${ok ? 'met' : 'NOT met'}`);
}
