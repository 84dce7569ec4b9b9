/**
 * A TCP proxy that limits the server-to-client direction to a fixed rate: a client on a slow link,
 * as the server sees it (TCP backpressure, not politeness). Client-to-server bytes (acks) pass
 * unthrottled.
 */
import net from 'node:net';

export type ThrottleProxy = { port: number; close(): Promise<void> };

const SLICE_MS = 10;
/** Stop reading from the server once this much waits in the proxy, so the backlog stays in TCP. */
const HIGH_WATER = 32 * 1024;

export async function startThrottleProxy(targetPort: number, bytesPerSecond: number, host = '127.0.0.1'): Promise<ThrottleProxy> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((down) => {
    const up = net.connect(targetPort, host);
    sockets.add(down).add(up);
    down.setNoDelay(true);
    up.setNoDelay(true);
    down.pipe(up);
    const queue: Buffer[] = [];
    let queued = 0;
    up.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      queued += chunk.length;
      if (queued > HIGH_WATER) up.pause();
    });
    const perSlice = Math.max(1, Math.round((bytesPerSecond * SLICE_MS) / 1000));
    const timer = setInterval(() => {
      // Unused budget is not saved up: a slow link does not burst.
      let budget = perSlice;
      while (budget > 0 && queue.length > 0) {
        const head = queue[0];
        if (head.length <= budget) {
          queue.shift();
          down.write(head);
          budget -= head.length;
          queued -= head.length;
        } else {
          down.write(head.subarray(0, budget));
          queue[0] = head.subarray(budget);
          queued -= budget;
          budget = 0;
        }
      }
      if (queued < HIGH_WATER / 2 && up.isPaused()) up.resume();
    }, SLICE_MS);
    timers.add(timer);
    const end = () => {
      clearInterval(timer);
      timers.delete(timer);
      up.destroy();
      down.destroy();
      sockets.delete(up);
      sockets.delete(down);
    };
    up.on('close', end).on('error', end);
    down.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
