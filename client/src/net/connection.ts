/**
 * The live connection: Socket.IO session, frame application, resync and connection status.
 * This is the only module that imports socket.io-client. Frames go straight into the LiveState's typed
 * arrays; the zustand store only hears about the connection status, and only when it changes.
 */
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type ClientToServerEvents, type HandshakeAuth, type Hello, type ServerToClientEvents } from '../../../protocol/events.ts';
import { FrameApplier } from '../live/apply-frame.ts';
import type { LiveState } from '../live/live-state.ts';
import { useTwin, type ConnectionStatus } from '../store/store.ts';

/** No frame for this long while connected: the data shown may be out of date. */
export const STALE_AFTER_MS = 3000;
/** A resync that got no snapshot in this time is asked for again. */
const RESYNC_RETRY_MS = 2000;

export type ConnectionOptions = {
  /** Server origin; default: the page's own. */
  url?: string;
  /** Called when the server serves a different scene than the one loaded (it was restarted with another). */
  onSceneChanged?: (sceneId: string) => void;
  sceneId: string;
};

export type Connection = { close(): void; readonly resyncs: number };

export function connect(live: LiveState, options: ConnectionOptions): Connection {
  const applier = new FrameApplier(live);
  let status: ConnectionStatus = 'connecting';
  let everConnected = false;
  let connectedAt = 0;
  let resyncAskedAt = -Infinity;
  let resyncs = 0;
  let closed = false;

  const setStatus = (next: ConnectionStatus) => {
    if (status === next || status === 'incompatible') return;
    status = next;
    useTwin.getState().setStatus(next);
  };

  // A function, so each reconnect reports the state held now and can resume with a delta.
  const auth = (cb: (data: HandshakeAuth) => void) => {
    const data: HandshakeAuth = { protocolVersion: PROTOCOL_VERSION };
    if (live.hasState && live.epoch !== null) {
      data.epoch = live.epoch;
      data.revision = live.revision;
    }
    cb(data);
  };

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = options.url
    ? io(options.url, { auth, reconnectionDelay: 500, reconnectionDelayMax: 4000 })
    : io({ auth, reconnectionDelay: 500, reconnectionDelayMax: 4000 });

  const askResync = () => {
    const now = performance.now();
    if (now - resyncAskedAt < RESYNC_RETRY_MS || !socket.connected) return;
    resyncAskedAt = now;
    resyncs++;
    socket.emit('state:resync');
  };

  const onFrame = (frame: ArrayBuffer, ack: () => void) => {
    const outcome = applier.apply(frame);
    if (outcome.kind === 'applied') {
      if (outcome.type === 'snapshot') resyncAskedAt = -Infinity;
      setStatus('live');
    } else {
      if (outcome.kind === 'error') console.warn(`[linetwin] frame refused (${outcome.message}); asking for a snapshot`);
      askResync();
    }
    // Acknowledge even a refused frame: the hub counts unacknowledged frames and would otherwise stop sending.
    if (typeof ack === 'function') ack();
  };

  socket.on('session:hello', (hello: Hello) => {
    if (hello.epoch !== live.epoch) {
      // A new hub instance: revisions of the old one mean nothing now. The hub sends a snapshot.
      live.invalidate();
      live.epoch = hello.epoch;
    }
    useTwin.getState().setHello(hello);
    if (hello.sceneId !== options.sceneId) options.onSceneChanged?.(hello.sceneId);
  });
  socket.on('session:incompatible', (info) => {
    setStatus('incompatible');
    useTwin.getState().setIncompatible(info.serverVersion);
    socket.disconnect();
  });
  socket.on('state:snapshot', onFrame);
  socket.on('state:delta', onFrame);
  socket.on('connect', () => {
    everConnected = true;
    connectedAt = performance.now();
    resyncAskedAt = -Infinity;
    // Resumed with the state held: the hub sends only what changed, maybe nothing yet.
    if (live.hasState) setStatus('live');
  });
  socket.on('disconnect', () => {
    if (!closed) setStatus(everConnected ? 'reconnecting' : 'connecting');
  });
  socket.on('connect_error', () => {
    setStatus(everConnected ? 'reconnecting' : 'connecting');
  });

  const watchdog = window.setInterval(() => {
    if (!socket.connected) return;
    const since = performance.now() - Math.max(live.lastFrameAt, connectedAt);
    if (since > STALE_AFTER_MS) setStatus('stale');
    else if (live.hasState) setStatus('live');
    // A resync that went unanswered (lost with a dropped connection): ask again.
    if (!live.hasState && since > RESYNC_RETRY_MS) askResync();
  }, 500);

  return {
    close() {
      closed = true;
      window.clearInterval(watchdog);
      socket.removeAllListeners();
      socket.disconnect();
    },
    get resyncs() {
      return resyncs;
    },
  };
}
