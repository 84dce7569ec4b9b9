/** Fault tests (issue 8): a server restart under many clients, and a client frozen for 30 s. */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { scriptedSource } from '../fixtures/scripted-source.ts';
import { twinClient, waitFor } from '../fixtures/client.ts';
import { stationStates } from '../../protocol/state.ts';

const scene = tinyScene();
const root = path.resolve(import.meta.dirname, '../..');
let apps: App[] = [];
const closers: Array<() => void> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  for (const a of apps.splice(0)) await a.close();
});

async function start(epoch: string, port = 0) {
  const hub = createHub({ scene, tickMs: 20, epoch });
  const source = scriptedSource([{ type: 'station', id: 'S1', state: 'working', ts: 1 }]);
  const app = createApp({ hub, sources: [source], staticDir: null });
  apps.push(app);
  const bound = await app.listen(port, '127.0.0.1');
  return { app, hub, source, port: bound, url: `http://127.0.0.1:${bound}` };
}

describe('faults', () => {
  it('[FLT1] a server restart with 20 clients attached: all reconnect and resync within 15 s', async () => {
    const first = await start('before');
    const clients = Array.from({ length: 20 }, () => twinClient(first.url, first.hub.index));
    for (const c of clients) closers.push(c.close);
    await waitFor(() => clients.every((c) => c.events.length > 0), 'all snapshots');
    await first.app.close();
    apps = [];
    const t0 = Date.now();
    const second = await start('after', first.port);
    second.source.push({ type: 'station', id: 'S2', state: 'down', ts: 2 });
    await waitFor(() => clients.every((c) => c.hello?.epoch === 'after' && c.state.revision === second.hub.revision && c.state.stations.S2?.state === 'down'), 'every client on the new server', 15_000);
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 40_000);

  it('[FLT2] a client frozen for 30 s neither slows the others nor grows the server without bound, then catches up', async () => {
    const { url, hub, source, app } = await start('E');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/fixtures/child-client.ts'), url], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    closers.push(() => child.kill('SIGKILL'));
    const childFrames: Array<{ kind: string; revision: number }> = [];
    createInterface({ input: child.stdout }).on('line', (l) => childFrames.push(JSON.parse(l)));
    const other = twinClient(url, hub.index);
    closers.push(other.close);
    await waitFor(() => childFrames.length > 0 && other.events.length > 0, 'both connected', 20_000);

    // Changes with big payloads (bodies with long ids) so an unbounded queue would show in memory.
    let i = 0;
    const feeder = setInterval(() => {
      for (let k = 0; k < 20; k++, i++) source.push({ type: 'station', id: ['S1', 'S2', 'S3'][i % 3], state: stationStates[i % 5], ts: 10 + i });
    }, 20);
    closers.push(() => clearInterval(feeder));
    await new Promise((r) => setTimeout(r, 2000));
    child.kill('SIGSTOP');
    const otherBefore = other.events.length;
    const ticksBefore = hub.stats.ticks;
    const rss0 = process.memoryUsage().rss;
    await new Promise((r) => setTimeout(r, 30_000));
    const ticks = hub.stats.ticks - ticksBefore;
    const otherGot = other.events.length - otherBefore;
    // The live client got (almost) every tick's frame while the other was frozen.
    expect(otherGot).toBeGreaterThanOrEqual(ticks * 0.95);
    // The server holds at most its window of unwritten frames for the frozen client (the rest is conflated).
    const frozen = [...app.feeds].find((f) => f.skippedTicks > 0);
    expect(frozen?.queued).toBeLessThanOrEqual(frozen!.maxQueued);
    expect(frozen!.skippedTicks).toBeGreaterThan(ticks * 0.9);
    expect((process.memoryUsage().rss - rss0) / 1e6).toBeLessThan(100);

    child.kill('SIGCONT');
    clearInterval(feeder);
    await waitFor(() => childFrames.at(-1)?.revision === hub.revision, 'the frozen client catching up to the newest revision', 15_000);
    // It caught up with one catch-up frame, not a backlog of every tick it missed.
    const afterThaw = childFrames.filter((f) => f.revision > frozen!.sentRevision - 5);
    expect(afterThaw.length).toBeLessThan(20);
  }, 90_000);
});
