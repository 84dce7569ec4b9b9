/**
 * Fuzzing the edges (issue 8): random client events through a real Socket.IO connection, raw
 * garbage on the engine.io WebSocket, and random wire frames into the frame decoders. Nothing may
 * throw out of a handler, the server keeps serving, and rejected input leaves the state unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp, type App } from '../../server/app.ts';
import { History, recordHubHistory } from '../../server/hub/history.ts';
import { SnapshotBuilder } from '../../protocol/frame-to-snapshot.ts';
import { FrameError } from '../../protocol/codec.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { scriptedSource } from '../fixtures/scripted-source.ts';
import { twinClient, waitFor } from '../fixtures/client.ts';
import { wireParser } from '../../protocol/wire.ts';
import { PROTOCOL_VERSION } from '../../protocol/events.ts';

const scene = tinyScene();
let app: App;
let url: string;
let hub: ReturnType<typeof createHub>;
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  hub = createHub({ scene, tickMs: 20 });
  const source = scriptedSource([
    { type: 'station', id: 'S1', state: 'working', ts: 1000 },
    { type: 'robot', id: 'R1', state: 'idle', joints: [0, 0, 0, 0, 0, 0], tool: false, ts: 1000 },
  ]);
  const history = new History({ scene });
  app = createApp({ hub, sources: [source], staticDir: null, history, limits: { eventsPerSecond: 1e9, connectionsPerMinute: 1e6 } });
  url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await app.close();
});

const anyValue = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record({ type: fc.constantFrom('seek', 'play', 'pause', 'speed', 'step', 'live', 'warp'), time: fc.oneof(fc.double(), fc.string()), speed: fc.oneof(fc.double(), fc.constant(Infinity)), direction: fc.integer({ min: -3, max: 3 }) }, { requiredKeys: ['type'] }),
);

describe('fuzzing', () => {
  it('[FZ1] 100,000 random client events: no throw, the server keeps serving, state unchanged', async () => {
    const before = hub.snapshot();
    const revision = hub.revision;
    const socket: Socket = io(url, { parser: wireParser, transports: ['websocket'], auth: { protocolVersion: PROTOCOL_VERSION } });
    await new Promise<void>((r) => socket.on("connect", () => r()));
    const events = fc.sample(
      fc.tuple(fc.constantFrom('playback:command', 'state:resync', 'state:delta', 'no:such', 'session:hello', '__proto__', 'constructor'), fc.array(anyValue, { maxLength: 3 }), fc.boolean()),
      { numRuns: 100_000, seed: 42 },
    );
    let acked = 0;
    for (let i = 0; i < events.length; i++) {
      const [name, args, withAck] = events[i];
      const emit = socket.emit.bind(socket) as (ev: string, ...a: unknown[]) => void;
      if (withAck) emit(name, ...args, () => acked++);
      else emit(name, ...args);
      // Let the socket drain now and then instead of buffering everything in memory.
      if (i % 2000 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    // A final command that must work: the connection is still alive and in order.
    const ok = await new Promise((resolve) => socket.emit('playback:command', { type: 'live' }, resolve));
    expect(ok).toEqual({ ok: true });
    expect(acked).toBeGreaterThan(1000);
    socket.close();
    expect(uncaught).toEqual([]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Rejected input changed nothing: the live state is the same revision and content.
    expect(hub.revision).toBe(revision);
    expect(hub.snapshot()).toEqual(before);
    const client = twinClient(url, hub.index);
    await waitFor(() => client.events.length > 0, 'a new client served');
    client.close();
  }, 120_000);

  it('[FZ2] raw garbage on the engine.io WebSocket never takes the server down', async () => {
    const wsUrl = url.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket';
    const payloads = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom('4', '40', '42', '42["playback:command"', '451-["state:resync",{"_placeholder":true,"num":9}]', '0', '2', '6', '1', '40{"protocolVersion":1}', '42[]', '42[1,2,3]', '43[]', '49', '4' + 'x'.repeat(100_000)),
      ),
      { numRuns: 3_000, seed: 7 },
    );
    for (let batch = 0; batch < payloads.length; batch += 300) {
      const ws = new WebSocket(wsUrl);
      await new Promise<void>((resolve) => {
        ws.on('open', () => {
          for (const p of payloads.slice(batch, batch + 300)) ws.send(p);
          setTimeout(() => ws.close(), 50);
        });
        ws.on('close', () => resolve());
        ws.on('error', () => resolve());
      });
    }
    expect(uncaught).toEqual([]);
    const client = twinClient(url, hub.index);
    await waitFor(() => client.events.length > 0, 'a client served after the garbage');
    client.close();
  }, 60_000);

  it('[FZ3] 100,000 random wire frames: the decoders throw nothing but FrameError and keep their state', () => {
    const good = new SnapshotBuilder(hub.index);
    good.apply(hub.snapshotFrame());
    const reference = JSON.stringify(good.state);
    const frames = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 120 }),
        // Near-valid: a real header with random records.
        fc.uint8Array({ minLength: 20, maxLength: 160 }).map((b) => {
          const out = new Uint8Array(44 + b.length);
          out.set(hub.snapshotFrame().subarray(0, 44));
          out.set(b, 44);
          return out;
        }),
      ),
      { numRuns: 100_000, seed: 3 },
    );
    let rejected = 0;
    for (const f of frames) {
      // Into the builder that holds the real state: a rejected frame must leave it as it was.
      const before = good.state.revision;
      try {
        good.apply(f);
      } catch (e) {
        expect(e).toBeInstanceOf(FrameError);
        expect(good.state.revision).toBe(before);
        rejected++;
        continue;
      }
      // The rare random frame that is valid replaces the state: start again from the real one.
      good.apply(hub.snapshotFrame());
    }
    expect(rejected).toBeGreaterThan(90_000);
    expect(JSON.stringify(good.state)).toBe(reference);
    // And the builder still applies real frames after all that garbage.
    const next = new SnapshotBuilder(hub.index);
    next.apply(hub.snapshotFrame());
    expect(next.state).toEqual(good.state);
  }, 60_000);
});
