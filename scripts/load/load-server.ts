/**
 * The server side of the load test, run as its own process so its CPU and memory are measured
 * alone: the demo plant's hub and Socket.IO app fed by a synthetic source at RATE changes/s.
 * Prints `port N` once listening, then a JSON stats line a second: { cpuMs, rss, revision, clients, changes }.
 * Stops on SIGTERM or when stdin closes.
 */
import path from 'node:path';
import { loadSceneFile } from '../../server/scene-loader.ts';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp } from '../../server/app.ts';
import type { ChangeSink } from '../../protocol/changes.ts';
import { stationStates } from '../../protocol/state.ts';

const rate = Number(process.env.RATE ?? 5000);
const root = path.resolve(import.meta.dirname, '../..');
const scene = loadSceneFile(path.join(root, 'scenes/demo-plant/scene.json'));
const hub = createHub({ scene });
let sink: ChangeSink | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
let sent = 0;
let running = true;
const joints = [0, 0, 0, 0, 0, 0];
const source = {
  kind: 'simulator' as const,
  start(s: ChangeSink) {
    sink = s;
    for (const st of scene.stations) s.apply({ type: 'station', id: st.id, state: 'working', ts: Date.now() });
    for (const r of scene.robots) s.apply({ type: 'robot', id: r.id, state: 'working', joints, tool: false, ts: Date.now() });
    // Changes arrive in 10 ms batches, stamped with their wall time so clients can measure lag.
    let last = performance.now();
    let owed = 0;
    timer = setInterval(() => {
      if (!running || !sink) return;
      const now = performance.now();
      owed += ((now - last) * rate) / 1000;
      last = now;
      const ts = Date.now();
      for (; owed >= 1; owed--) {
        const i = sent++;
        if (i % 3 === 0) sink.apply({ type: 'station', id: scene.stations[i % scene.stations.length].id, state: stationStates[i % 5], ts });
        else {
          joints[0] = (i % 628) / 100;
          sink.apply({ type: 'robot', id: scene.robots[i % scene.robots.length].id, state: 'working', joints, tool: i % 2 === 0, ts });
        }
      }
    }, 10);
  },
  stop() {
    if (timer) clearInterval(timer);
  },
};
const app = createApp({ hub, sources: [source], staticDir: null, limits: { connectionsPerMinute: 1e6 } });
const port = await app.listen(0, '127.0.0.1');
process.stdout.write(`port ${port}\n`);
const t0 = process.cpuUsage();
const stats = setInterval(() => {
  const cpu = process.cpuUsage(t0);
  process.stdout.write(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage().rss, revision: hub.revision, clients: app.feeds.size, changes: sent }) + '\n');
}, 1000);
process.stdin.on('data', (d) => {
  if (String(d).includes('quiet')) running = false;
});
const stop = async () => {
  clearInterval(stats);
  await app.close();
  process.exit(0);
};
process.stdin.on('end', stop);
process.on('SIGTERM', stop);
