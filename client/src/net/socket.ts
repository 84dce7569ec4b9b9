/**
 * The page's Socket.IO socket. Normally the app opens it once the plant is drawn from the state the shell fetched
 * over HTTP (boot/early.ts), resuming from that state. When that state could not be fetched, the shell opens it
 * early instead, while the app's code is still arriving and being evaluated (three.js and the rest: a few hundred
 * milliseconds on a slow machine), so the handshake and the first snapshot are in by the time the app connects.
 * What an early socket receives until then is held, in order, and handed over with it (connection.ts takes it).
 */
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type ClientToServerEvents, type HandshakeAuth, type ServerToClientEvents } from '../../../protocol/events.ts';
import { wireParser } from '../../../protocol/wire.ts';
import { storedToken } from './token.ts';

export type TwinSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type HandshakeData = HandshakeAuth & { token?: string };
export type Auth = (cb: (data: HandshakeData) => void) => void;

/** An early socket the app has not taken by then is closed (the app failed to load): nothing is held for ever. */
const HOLD_AT_MOST_MS = 15_000;

/** A socket to `url` (default: the page's origin); with `autoConnect: false` it waits for `connect()`. */
export function openSocket(auth: Auth, url?: string, { autoConnect = true } = {}): TwinSocket {
  // WebSocket first (no long-polling handshake before the first frame); polling where a proxy refuses it.
  const options = { auth, autoConnect, parser: wireParser, transports: ['websocket', 'polling'], tryAllTransports: true, reconnectionDelay: 500, reconnectionDelayMax: 4000 };
  return url ? io(url, options) : io(options);
}

/** A first contact: this protocol and a presenter's token; no state is held yet, so nothing to resume. */
export const firstContact: Auth = (cb) => {
  const data: HandshakeData = { protocolVersion: PROTOCOL_VERSION };
  // A presenter's role token goes in the handshake only, never in the URL (it would end up in logs and history).
  const token = storedToken();
  if (token) data.token = token;
  cb(data);
};

/** The socket's own events (Socket.IO's onAny does not see them), held like the server's. */
const LIFECYCLE = ['connect', 'connect_error', 'disconnect'] as const;

type Listener = (...args: unknown[]) => void;
type Held = { socket: TwinSocket; events: Array<{ event: string; args: unknown[] }>; stop(): void; timer: number };

let early: Held | null = null;
/** The app has asked for the early socket: one that would open after that (its chunk came late) is not wanted. */
let asked = false;

/**
 * Opens the page's socket now (to `url`, default the page's own origin) and holds what it receives until the app
 * takes it. Once per page, before the app connects.
 */
export function openEarlySocket(url?: string): void {
  if (early || asked) return;
  const socket = openSocket(firstContact, url);
  const emitter = socket as unknown as { on(event: string, l: Listener): void; off(event: string, l: Listener): void };
  const events: Held['events'] = [];
  const hold = (event: string, ...args: unknown[]) => {
    events.push({ event, args });
  };
  const lifecycle = LIFECYCLE.map((event) => [event, (...args: unknown[]) => hold(event, ...args)] as const);
  socket.onAny(hold);
  for (const [event, l] of lifecycle) emitter.on(event, l);
  const stop = () => {
    socket.offAny(hold);
    for (const [event, l] of lifecycle) emitter.off(event, l);
  };
  const timer = window.setTimeout(() => {
    if (early?.socket !== socket) return;
    early = null;
    stop();
    socket.close();
  }, HOLD_AT_MOST_MS);
  early = { socket, events, stop, timer };
}

export type EarlySocket = {
  socket: TwinSocket;
  /**
   * Call once the taker's listeners are on, in the same task: they hear every event held (the connection, the
   * server's events, a failed attempt or a drop) in the order it happened; after that events reach them directly.
   */
  release(): void;
};

/** The socket the shell opened, once; null when there is none (then the caller opens its own). */
export function takeEarlySocket(): EarlySocket | null {
  asked = true;
  const held = early;
  early = null;
  if (!held) return null;
  window.clearTimeout(held.timer);
  const { socket } = held;
  return {
    socket,
    release() {
      held.stop();
      const emitter = socket as unknown as { listeners(event: string): Listener[] };
      for (const { event, args } of held.events.splice(0)) for (const listener of emitter.listeners(event)) listener(...args);
    },
  };
}
