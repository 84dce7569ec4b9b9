/**
 * Several server nodes over Redis. One node ingests the sources and is the single writer of
 * revisions; it publishes every committed frame to a Redis stream and a snapshot every second.
 * Follower nodes keep a mirror hub with the SAME epoch and revisions (hub.mirrorFrame), so every
 * node can give a joining client a correct snapshot, and a client that moves between nodes
 * resumes with a delta. Frames travel base64-encoded (Redis streams hold strings).
 */
import type { Hub } from '../hub/twin-hub.ts';
import { readHeader } from '../../protocol/codec.ts';

/** The subset of a node-redis client this module uses. */
export type RedisLike = {
  xAdd(key: string, id: string, message: Record<string, string>, options?: unknown): Promise<unknown>;
  xRead(streams: { key: string; id: string }, options?: { BLOCK?: number; COUNT?: number }): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<string | null>;
  del(key: string): Promise<unknown>;
};

export type BridgeHealth = { role: 'ingest' | 'follower'; connected: boolean; lastError: string | null; framesPublished: number; framesApplied: number; snapshotsLoaded: number };

const b64 = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export function publishHub(hub: Hub, redis: RedisLike, key: string, opts: { snapshotMs?: number; maxLen?: number } = {}) {
  const health: BridgeHealth = { role: 'ingest', connected: true, lastError: null, framesPublished: 0, framesApplied: 0, snapshotsLoaded: 0 };
  // Writes go out in order through one chain, so the stream never holds revisions out of order.
  let chain: Promise<unknown> = Promise.resolve();
  const run = (what: () => Promise<unknown>) => {
    chain = chain.then(what).then(
      () => {
        health.connected = true;
      },
      (e: Error) => {
        health.connected = false;
        health.lastError = e.message;
      },
    );
  };
  // The id of the newest stream entry written; a snapshot names it so followers read on from there.
  let lastId = '0-0';
  const writeSnapshot = () =>
    // Taken when its turn in the chain comes: every earlier frame is in the stream by then.
    run(() => {
      const frame = hub.snapshotFrame();
      return redis.set(`${key}:snapshot`, JSON.stringify({ epoch: hub.epoch, revision: hub.revision, streamId: lastId, frame: b64(frame) }));
    });
  // A new ingest node is a new epoch: the old stream means nothing any more.
  run(() => redis.del(`${key}:frames`));
  writeSnapshot();
  const off = hub.onTick((frame, revision, base) => {
    const epoch = hub.epoch;
    health.framesPublished++;
    run(async () => {
      lastId = String(
        await redis.xAdd(`${key}:frames`, '*', { epoch, revision: String(revision), base: String(base), frame: b64(frame) }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: opts.maxLen ?? 5000 } }),
      );
    });
  });
  const timer = setInterval(writeSnapshot, opts.snapshotMs ?? 1000);
  timer.unref();
  return {
    health: () => ({ ...health }),
    async stop() {
      off();
      clearInterval(timer);
      await chain;
    },
  };
}

type StreamReply = Array<{ name: string; messages: Array<{ id: string; message: Record<string, string> }> }> | null;

/** Keeps `hub` a mirror of the ingest node's hub. `redis` must be a connection of its own (it blocks). */
export function followRedis(hub: Hub, redis: RedisLike, key: string, opts: { blockMs?: number } = {}) {
  const health: BridgeHealth = { role: 'follower', connected: false, lastError: null, framesPublished: 0, framesApplied: 0, snapshotsLoaded: 0 };
  let running = true;
  let lastId = '0-0';
  let needSnapshot = true;

  async function loadSnapshot(): Promise<boolean> {
    const text = await redis.get(`${key}:snapshot`);
    if (!text) return false;
    const snap = JSON.parse(text) as { epoch: string; revision: number; streamId: string; frame: string };
    hub.mirrorFrame(unb64(snap.frame), snap.epoch);
    health.snapshotsLoaded++;
    lastId = snap.streamId;
    return true;
  }

  const loop = (async () => {
    while (running) {
      try {
        if (needSnapshot) {
          // Read the stream from its start: entries at or before the snapshot's revision are skipped.
          if (!(await loadSnapshot())) {
            await new Promise((r) => setTimeout(r, 200));
            continue;
          }
          needSnapshot = false;
        }
        const reply = (await redis.xRead({ key: `${key}:frames`, id: lastId }, { BLOCK: opts.blockMs ?? 1000, COUNT: 200 })) as StreamReply;
        health.connected = true;
        if (!reply) continue;
        for (const entry of reply[0]?.messages ?? []) {
          lastId = entry.id;
          const m = entry.message;
          const revision = Number(m.revision);
          if (m.epoch === hub.epoch && revision <= hub.revision) continue;
          const frame = unb64(m.frame);
          if (m.epoch !== hub.epoch) {
            // Another epoch: the ingest node restarted. Its new snapshot says where to read on.
            needSnapshot = true;
            await new Promise((r) => setTimeout(r, 100));
            break;
          }
          if (readHeader(frame).revision !== revision || !hub.mirrorFrame(frame, m.epoch)) {
            // Another epoch (the ingest node restarted) or a gap (trimmed, or Redis lost data): start over.
            needSnapshot = true;
            break;
          }
          health.framesApplied++;
        }
      } catch (e) {
        health.connected = false;
        health.lastError = (e as Error).message;
        needSnapshot = true;
        if (running) await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    health: () => ({ ...health }),
    async stop() {
      running = false;
      await loop;
    },
  };
}
