/** Connects a node to Redis for --redis: the Socket.IO adapter, and the state bridge (publish or follow). */
import { createClient } from 'redis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Hub } from '../hub/twin-hub.ts';
import { followRedis, publishHub, type RedisLike } from './redis-bridge.ts';

export class RedisUnavailable extends Error {
  override name = 'RedisUnavailable';
}

type Client = ReturnType<typeof createClient>;

async function connect(url: string, onError: (e: Error) => void, timeoutMs: number): Promise<Client> {
  const client = createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: (retries: number) => Math.min(200 + retries * 200, 3000) } });
  client.on('error', onError);
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new RedisUnavailable(`cannot reach Redis at ${url} within ${timeoutMs / 1000} s`)), timeoutMs).unref());
  try {
    await Promise.race([client.connect(), timer]);
  } catch (e) {
    client.destroy();
    throw e instanceof RedisUnavailable ? e : new RedisUnavailable(`cannot reach Redis at ${url}: ${(e as Error).message}`);
  }
  return client;
}

/**
 * Three connections: commands (adapter writes, the ingest's publishing), the adapter's blocking reads,
 * and the follower's blocking reads. A blocking XREAD would stall anything sharing its connection.
 */
export async function joinCluster(url: string, key: string, mode: 'ingest' | 'follower', onError: (e: Error) => void, timeoutMs = 10_000) {
  const commands = await connect(url, onError, timeoutMs);
  const adapterClient = await connect(url, onError, timeoutMs);
  const blocking = mode === 'follower' ? await connect(url, onError, timeoutMs) : null;
  const adapter = createAdapter(adapterClient, { streamName: `${key}:socket.io` });
  let bridge: { health(): unknown; stop(): Promise<void> } | null = null;
  return {
    adapter,
    /** Starts publishing (ingest) or following (follower) the hub's state. */
    start(hub: Hub) {
      bridge = mode === 'ingest' ? publishHub(hub, commands as unknown as RedisLike, key) : followRedis(hub, blocking as unknown as RedisLike, key);
    },
    health: () => ({ url: url.replace(/\/\/[^@]*@/, '//***@'), ...(bridge?.health() as object | undefined) }),
    async stop() {
      await bridge?.stop();
      for (const c of [commands, adapterClient, blocking]) if (c) c.destroy();
    },
  };
}
