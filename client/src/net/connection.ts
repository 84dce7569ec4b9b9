/**
 * The live connection: Socket.IO session, frame application, resync, connection status and playback
 * commands, on the socket the shell opened early (net/socket.ts, the only module that imports
 * socket.io-client) or on one of its own. Frames go straight into the LiveState's typed arrays; playback
 * statuses go to net/playback.ts; the zustand store only hears about the connection status, and only when it
 * changes.
 */
import { PROTOCOL_VERSION, type CommandResult, type Hello, type RoomResult } from '../../../protocol/events.ts';
import { FrameApplier } from '../live/apply-frame.ts';
import type { LiveState } from '../live/live-state.ts';
import { useTwin, whenViewDrawn, type ConnectionStatus } from '../store/store.ts';
import { i18n } from '../i18n/i18n.ts';
import { playback } from './playback.ts';
import { room } from './room.ts';
import { firstContact, openSocket, takeEarlySocket, type Auth } from './socket.ts';
import { takeEarlyState } from '../boot/early.ts';

/** No frame for this long while connected: the data shown may be out of date. */
export const STALE_AFTER_MS = 3000;
/** A resync that got no snapshot in this time is asked for again. */
const RESYNC_RETRY_MS = 2000;
/** The applied revision is reported to the server at most this often (it paces a slow client by it). */
const ACK_EVERY_MS = 100;
/** While the handshake keeps failing, the server's protocol version is looked up at most this often. */
const VERSION_CHECK_MS = 10_000;
/** With the state fetched over HTTP, the socket connects when the plant is drawn, or after this long at the latest. */
const CONNECT_AT_LATEST_MS = 1500;
/** A playback command unanswered for this long is reported as failed. */
const COMMAND_TIMEOUT_MS = 5000;

export type ConnectionOptions = {
  /** Server origin; default: the page's own. */
  url?: string;
  /** Called when the server serves a different scene than the one loaded (it was restarted with another). */
  onSceneChanged?: (sceneId: string) => void;
  /**
   * Called when the server speaks another protocol version (it was upgraded while this page stayed open).
   * After an upgrade that changed the wire encoding the handshake itself fails, so this is found out over HTTP.
   */
  onProtocolChanged?: (serverVersion: number) => void;
  sceneId: string;
};

export type Connection = {
  close(): void;
  readonly resyncs: number;
  /** The socket is the one the shell opened early (net/socket.ts), not one opened here. */
  readonly early: boolean;
  /** The first state came from the shell's GET /api/state/frame (boot/early.ts), not from the socket. */
  readonly earlyState: boolean;
  /** When the socket first connected (the page's clock), null before. */
  readonly firstConnectedAt: number | null;
};

export function connect(live: LiveState, options: ConnectionOptions): Connection {
  const applier = new FrameApplier(live);
  let status: ConnectionStatus = 'connecting';
  let everConnected = false;
  let connectedAt = 0;
  let firstConnectedAt: number | null = null;
  let resyncAskedAt = -Infinity;
  let resyncs = 0;
  /** A connection attempt failed or dropped: from then on, the server's protocol version is worth checking. */
  let failed = false;
  let versionCheckedAt = -Infinity;
  let closed = false;
  /** Epoch of the server we were connected to, and where our own cursor was when the connection dropped. */
  let lastEpoch: string | null = null;
  let resume: { time: number; playing: boolean; speed: number } | null = null;

  const setStatus = (next: ConnectionStatus) => {
    if (status === next || status === 'incompatible') return;
    status = next;
    useTwin.getState().setStatus(next);
  };

  // A function, so each reconnect reports the state held now and can resume with a delta.
  const auth: Auth = (cb) =>
    firstContact((data) => {
      // Revisions of a playback cursor belong to its own private hub: resuming the main stream from one of them
      // would apply the wrong delta. After playback (or with a command unanswered) ask for a snapshot instead.
      const onMainStream = playback.status?.mode !== 'playback' && playback.inFlight === 0;
      if (live.hasState && live.epoch !== null && onMainStream) {
        data.epoch = live.epoch;
        data.revision = live.revision;
      }
      cb(data);
    });

  // The state the shell fetched over HTTP, if it is in: the first frame is drawn from it, and the socket resumes
  // from it (its handshake names this epoch and revision, so the hub sends only what changed since; a hub
  // restarted meanwhile says so in its hello and sends a snapshot).
  const fetched = options.url ? null : takeEarlyState();
  let earlyState = false;
  if (fetched && fetched.sceneId === options.sceneId && applier.apply(fetched.frame).kind === 'applied') {
    live.epoch = fetched.epoch;
    earlyState = true;
  }

  // With that state, the socket connects once the plant is drawn: its handshake (three round trips, and work on
  // both sides) then does not compete with the page's start. Without it, the socket the shell opened early (its
  // handshake and first snapshot are likely in already: they are replayed below, once every listener is on), or a
  // new one at once.
  const early = options.url ? null : takeEarlySocket();
  const deferred = earlyState && !early;
  const socket = early?.socket ?? openSocket(auth, options.url, { autoConnect: !deferred });
  if (early) socket.auth = auth;
  let connectTimer = 0;
  if (deferred) {
    let started = false;
    const start = () => {
      if (started || closed) return;
      started = true;
      window.clearTimeout(connectTimer);
      socket.connect();
    };
    void whenViewDrawn().then(start);
    // A view that cannot draw (no WebGL, a hidden tab) must not keep the page off the live stream.
    connectTimer = window.setTimeout(start, CONNECT_AT_LATEST_MS);
  }

  const askResync = () => {
    const now = performance.now();
    if (now - resyncAskedAt < RESYNC_RETRY_MS || !socket.connected) return;
    resyncAskedAt = now;
    resyncs++;
    socket.emit('state:resync');
  };

  // One acknowledgement per ACK_EVERY_MS at most, carrying the newest revision applied by then.
  let ackTimer = 0;
  const sendAck = () => {
    ackTimer = 0;
    if (socket.connected && live.hasState) socket.emit('state:ack', live.revision);
  };

  const onFrame = (frame: ArrayBuffer) => {
    const outcome = applier.apply(frame);
    if (outcome.kind === 'applied') {
      if (outcome.type === 'snapshot') resyncAskedAt = -Infinity;
      if (!ackTimer) ackTimer = window.setTimeout(sendAck, ACK_EVERY_MS);
      setStatus('live');
    } else {
      if (outcome.kind === 'error') console.warn(`[linetwin] frame refused (${outcome.message}); asking for a snapshot`);
      askResync();
    }
  };

  socket.on('session:hello', (hello: Hello) => {
    if (hello.epoch !== live.epoch) {
      // A new hub instance: revisions of the old one mean nothing now. The hub sends a snapshot.
      live.invalidate();
      live.epoch = hello.epoch;
    }
    useTwin.getState().setHello(hello);
    if (hello.sceneId !== options.sceneId) options.onSceneChanged?.(hello.sceneId);
    // Every connection starts live. After a blip, put this viewer's cursor back where it was; a restarted
    // server has another history, so there the view stays live.
    const back = resume;
    resume = null;
    if (back && hello.epoch === lastEpoch) {
      void playback.seek(back.time).then((r) => {
        if (r.ok && back.playing) void playback.send({ type: 'play', speed: back.speed });
      });
    } else if (back) useTwin.getState().showToast(i18n.t('connection.restarted'), 'info');
    lastEpoch = hello.epoch;
    room.connected();
  });
  socket.on('playback:status', (status) => {
    playback.receive(status);
    room.status(status);
  });
  socket.on('room:view', (view) => room.receive(view));
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
    firstConnectedAt ??= connectedAt;
    resyncAskedAt = -Infinity;
    // Resumed with the state held: the hub sends only what changed, maybe nothing yet.
    if (live.hasState) setStatus('live');
  });
  socket.on('disconnect', () => {
    failed = true;
    const last = playback.status;
    // A room's cursor is the room's: its members rejoin it and its presenter resumes it (room.connected).
    if (last?.mode === 'playback' && !useTwin.getState().room) resume = { time: playback.cursor() ?? last.time, playing: last.playing, speed: last.speed };
    playback.disconnected();
    room.disconnected();
    if (!closed) setStatus(everConnected ? 'reconnecting' : 'connecting');
  });
  const checkServerVersion = async () => {
    const now = performance.now();
    // Only once a connection attempt failed: a page that is still making its first connection has no reason to ask.
    if (!failed) return;
    if (now - versionCheckedAt < VERSION_CHECK_MS) return;
    versionCheckedAt = now;
    try {
      const res = await fetch(`${options.url ?? ''}/healthz`, { cache: 'no-store', signal: AbortSignal.timeout(5000) });
      const v = ((await res.json()) as { protocolVersion?: unknown }).protocolVersion;
      if (!closed && typeof v === 'number' && v !== PROTOCOL_VERSION) options.onProtocolChanged?.(v);
    } catch {
      // The server is away: that is what the reconnecting badge says already.
    }
  };
  socket.on('connect_error', () => {
    failed = true;
    setStatus(everConnected ? 'reconnecting' : 'connecting');
  });

  const watchdog = window.setInterval(() => {
    if (!socket.connected) {
      // Not connected for whatever reason (server away, or a handshake it refuses): is it another version?
      void checkServerVersion();
      return;
    }
    // A paused cursor gets no frames, and a quiet line none either: a status whose cursor moved (or any status
    // in playback) shows the server is there and nothing changed.
    const since = performance.now() - Math.max(live.lastFrameAt, connectedAt, playback.heardAt);
    if (since > STALE_AFTER_MS) setStatus('stale');
    else if (live.hasState) setStatus('live');
    // A resync that went unanswered (lost with a dropped connection): ask again.
    if (!live.hasState && since > RESYNC_RETRY_MS) askResync();
  }, 500);

  const detach = playback.attach(
    (command) =>
      new Promise<CommandResult>((resolve) => {
        // Socket.IO would buffer it and send it after a reconnect, when it no longer means anything.
        if (!socket.connected) return resolve({ ok: false, error: i18n.t('room.notConnected') });
        let answered = false;
        const timer = window.setTimeout(() => {
          answered = true;
          resolve({ ok: false, error: i18n.t('room.noAnswer') });
        }, COMMAND_TIMEOUT_MS);
        socket.emit('playback:command', command, (result) => {
          if (answered) return;
          answered = true;
          window.clearTimeout(timer);
          resolve(result);
        });
      }),
  );

  /** Emits with an acknowledgement; never waits forever and never queues while disconnected. */
  const request = <R extends CommandResult | RoomResult>(send: (ack: (r: R) => void) => void): Promise<R> =>
    new Promise<R>((resolve) => {
      if (!socket.connected) return resolve({ ok: false, error: i18n.t('room.notConnected') } as R);
      let answered = false;
      const timer = window.setTimeout(() => {
        answered = true;
        resolve({ ok: false, error: i18n.t('room.noAnswer') } as R);
      }, COMMAND_TIMEOUT_MS);
      send((result) => {
        if (answered) return;
        answered = true;
        window.clearTimeout(timer);
        resolve(result);
      });
    });
  const detachRoom = room.attach({
    create: () => request<RoomResult>((ack) => socket.emit('room:create', ack)),
    join: (code) => request<RoomResult>((ack) => socket.emit('room:join', code, ack)),
    resume: (code, key) => request<RoomResult>((ack) => socket.emit('room:resume', { code, key }, ack)),
    leave: () => request<CommandResult>((ack) => socket.emit('room:leave', ack)),
    view: (view) => {
      if (socket.connected) socket.emit('room:view', view);
    },
    reconnect: () => {
      socket.disconnect();
      socket.connect();
    },
  });

  early?.release();

  return {
    close() {
      closed = true;
      detach();
      detachRoom();
      window.clearInterval(watchdog);
      window.clearTimeout(connectTimer);
      window.clearTimeout(ackTimer);
      socket.removeAllListeners();
      socket.disconnect();
    },
    early: early !== null,
    earlyState,
    get firstConnectedAt() {
      return firstConnectedAt;
    },
    get resyncs() {
      return resyncs;
    },
  };
}
