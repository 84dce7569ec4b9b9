/**
 * Composition of the HTTP server, Socket.IO and the hub. Parts are injected so tests can pass a
 * hand-driven source or hub: createApp({ hub, sources, staticDir }).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import sirv from 'sirv';
import type { z } from 'zod';
import { Server, type Socket } from 'socket.io';
import type { Logger } from 'pino';
import { handshakeAuthSchema, playbackCommandSchema, roomCodeSchema, roomResumeSchema, roomViewSchema } from '../protocol/event-schemas.ts';
import {
  PROTOCOL_VERSION,
  type AckFailure,
  type ClientToServerEvents,
  type CommandResult,
  type Hello,
  type PlaybackStatus,
  type RoomResult,
  type RoomView,
  type ServerToClientEvents,
} from '../protocol/events.ts';
import { wireParser } from '../protocol/wire.ts';
import { FeedGroup, type Broadcast, type ClientFeed, type FeedOptions, type FeedTransport } from './hub/client-feed.ts';
import type { History } from './hub/history.ts';
import { PlaybackSession } from './hub/playback-session.ts';
import { AckError, refusal, refusalOf } from './ack-error.ts';
import { deltaWire } from './delta-wire.ts';
import { recordHubHistory } from './hub/history.ts';
import type { Hub } from './hub/twin-hub.ts';
import type { Source } from './sources/source.ts';
import { createApiHandler } from './http/routes.ts';
import { createAnalyticsHandler } from './http/analytics-routes.ts';
import { StationTimelines } from './analytics/index.ts';
import { createMetrics } from './http/metrics.ts';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { allowed, tokenAuth, TokenError, type Role, type TokenAuth } from './auth/roles.ts';

export type AppOptions = {
  hub: Hub;
  sources: Source[];
  /** Folder of the built client; null or missing serves the API only. */
  staticDir?: string | null;
  /** Folder served at /assets/ (glTF models, including a scene's own under assets/custom/). */
  assetsDir?: string | null;
  logger?: Logger;
  /** Pacing of each client's frames (see hub/client-feed.ts): frames held unwritten, acknowledgement budget. */
  feed?: FeedOptions;
  /** Recent history (live) or a loaded recording, for per-client playback and /api/state?at=. */
  history?: History | null;
  /** Whether the main stream is live (simulator, MQTT) rather than a replayed file. Default true. */
  liveSource?: boolean;
  /** Browser origins allowed to connect besides the page's own ('*': any). Default: same origin only. */
  allowedOrigins?: string[];
  /** Verifies handshake tokens; default: no secret, everyone is a viewer. */
  auth?: TokenAuth;
  /** Socket.IO adapter (the Redis streams adapter when several nodes serve one plant). */
  adapter?: Parameters<Server['adapter']>[0];
  /** Cluster status for /healthz. */
  cluster?: () => unknown;
  /** This node mirrors another node's hub (cluster follower): it keeps no history or analytics of its own. */
  follower?: boolean;
  /** Client events per socket per second, and connections per address per minute. */
  limits?: { eventsPerSecond?: number; connectionsPerMinute?: number };
  /** How long a follow-me room waits for a presenter whose connection dropped before it closes (ms, default 2 minutes; 0 closes at once). */
  roomGraceMs?: number;
  /** Hears how far the sources' backfill at listen() has come (0 to 1; the command line shows it on a terminal). */
  onBackfillProgress?: (done: number) => void;
};

export type App = ReturnType<typeof createApp>;

/** How long a shutdown waits for responses in flight before it ends the connections still open. */
const CLOSE_GRACE_MS = 1000;

export function createApp(options: AppOptions) {
  const { hub, sources, logger } = options;
  const startedAt = Date.now();
  type Viewer = { feed: ClientFeed | null; session: PlaybackSession | null; room: Room | null; transport: FeedTransport; status(): PlaybackStatus; emitStatus(): void; emitView(view: RoomView): void };
  /**
   * A shared cursor: its presenter's playback commands move every member's view. `view` is the presenter's
   * last camera, selection and tour step, kept so a member who joins late starts where the others are.
   */
  type Room = {
    code: string;
    /** Proof of having opened the room, given to its presenter only: it takes the room back with it (`room:resume`). */
    key: string;
    session: PlaybackSession;
    /** Null while the presenter's connection is lost: the room goes on for `roomGraceMs`, waiting for it. */
    presenter: Viewer | null;
    members: Set<Viewer>;
    view: RoomView | null;
    awayTimer: ReturnType<typeof setTimeout> | null;
  };
  const roomGraceMs = options.roomGraceMs ?? 120_000;
  const viewers = new Set<Viewer>();
  const rooms = new Map<string, Room>();
  const newRoomCode = (): string => {
    // No 0/O or 1/I: codes are read off a screen and typed.
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    for (;;) {
      const code = Array.from({ length: 5 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
      if (!rooms.has(code)) return code;
    }
  };
  /** Takes a viewer off whatever it follows (main feed, own cursor, room) without giving it anything new. */
  function detach(viewer: Viewer): void {
    if (viewer.feed) {
      viewer.feed.close();
      viewer.feed = null;
    }
    const room = viewer.room;
    if (room) {
      leaveRoomOpen(viewer, room);
      // The presenter leaving ends the room: everybody returns to live.
      if (room.presenter === viewer) closeRoom(room);
    } else {
      viewer.session?.close();
      viewer.session = null;
    }
  }
  function followMain(viewer: Viewer): void {
    viewer.feed = main.add(viewer.transport);
  }
  /** Takes `viewer` out of its room without closing it (closing is the caller's business). */
  function leaveRoomOpen(viewer: Viewer, room: Room): void {
    viewer.room = null;
    viewer.session = null;
    room.session.remove(viewer.transport);
    room.members.delete(viewer);
  }
  /**
   * The presenter's connection is gone (a network drop, a reload): its members keep the room, told the
   * presenter is away, until it comes back with the room's key or `roomGraceMs` passes.
   */
  function presenterLost(room: Room, presenter: Viewer): void {
    leaveRoomOpen(presenter, room);
    room.presenter = null;
    room.awayTimer = setTimeout(() => closeRoom(room), roomGraceMs);
    for (const member of room.members) member.emitStatus();
  }
  function closeRoom(room: Room): void {
    rooms.delete(room.code);
    if (room.awayTimer) clearTimeout(room.awayTimer);
    room.awayTimer = null;
    for (const member of [...room.members]) {
      member.room = null;
      member.session = null;
      room.members.delete(member);
      followMain(member);
      member.emitStatus();
    }
    room.session.close();
  }
  const counters = { connections: 0, incompatible: 0 };
  /** Refused client input by reason, for /metrics. */
  const clientRejects: Record<string, number> = { invalid: 0, forbidden: 0, 'rate-limit': 0, origin: 0, token: 0 };
  const auth = options.auth ?? tokenAuth(undefined);
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const eventLimiter = new RateLimiterMemory({ points: options.limits?.eventsPerSecond ?? 20, duration: 1 });
  const connectLimiter = new RateLimiterMemory({ points: options.limits?.connectionsPerMinute ?? 120, duration: 60 });
  const sent = { frames: 0, bytes: 0 };

  const health = () => ({
    status: 'ok',
    protocolVersion: PROTOCOL_VERSION,
    uptimeS: Math.round((Date.now() - startedAt) / 1000),
    epoch: hub.epoch,
    revision: hub.revision,
    time: hub.time,
    scene: hub.scene.id,
    clients: viewers.size,
    cluster: options.cluster?.() ?? null,
    history: history ? { from: history.from, to: history.to, keyframes: history.keyframeCount, deltas: history.deltaCount, bytes: history.bytes, maxBytes: Number.isFinite(history.maxBytes) ? history.maxBytes : null, limitedByBytes: history.limitedByBytes } : null,
    sources: sources.map((s) => s.health?.() ?? { kind: s.kind }),
    changes: { in: hub.stats.changesIn, rejected: hub.rejects },
  });
  const history = options.history ?? null;
  const liveSource = options.liveSource ?? true;
  const api = createApiHandler(hub, health, history);
  // Live data: the store follows the hub. A replay loops back in time, so its store is built once over the recording.
  const analytics = options.follower
    ? null
    : liveSource
      ? new StationTimelines(hub.scene)
      : history && history.from !== null && history.to !== null
        ? StationTimelines.fromHistory(history, history.from, history.to)
        : null;
  const detachAnalytics = liveSource && analytics ? analytics.attachToHub(hub) : null;
  const analyticsApi = createAnalyticsHandler({ analytics, history, scene: hub.scene, hub });
  const staticDir = options.staticDir && existsSync(options.staticDir) ? options.staticDir : null;
  // dev: true re-reads the folder, so a client rebuilt while the server runs is served, not a 404.
  const assets = staticDir ? sirv(staticDir, { single: true, etag: true, dev: true }) : null;
  const models = options.assetsDir && existsSync(options.assetsDir) ? sirv(options.assetsDir, { etag: true, dev: true }) : null;

  const metrics = createMetrics({
    hub,
    sources,
    clients: () => viewers.size,
    sent: () => sent,
    clientRejects,
  });

  const http: HttpServer = createServer((req, res) => {
    try {
      if (req.url === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
        metrics.text().then(
          ({ contentType, body }) => {
            res.writeHead(200, { 'content-type': contentType });
            res.end(body);
          },
          (e: Error) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(`metrics failed: ${e.message}`);
          },
        );
        return;
      }
      if (analyticsApi(req, res)) return;
      if (api(req, res)) return;
      if (models && req.url?.startsWith('/assets/')) {
        req.url = req.url.slice('/assets'.length);
        return models(req, res, () => notFound(res));
      }
      if (assets) return assets(req, res, () => notFound(res));
      notFound(res);
    } catch (e) {
      logger?.error({ err: e, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    }
  });

  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { role: Role }>(http, {
    serveClient: false,
    parser: wireParser,
    // Client events are tiny; a large one is an attack or a bug.
    maxHttpBufferSize: 16 * 1024,
    // Browsers send Origin; a page from another site may not drive a viewer's session (CSWSH).
    // Clients that send no Origin (tools, other servers) are not browsers and pass.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      if (origin === undefined || allowedOrigins.has('*') || allowedOrigins.has(origin)) return callback(null, true);
      let sameOrigin = false;
      try {
        sameOrigin = new URL(origin).host === req.headers.host;
      } catch {
        sameOrigin = false;
      }
      if (!sameOrigin) clientRejects.origin++;
      callback(sameOrigin ? null : 'origin not allowed', sameOrigin);
    },
  });

  if (options.adapter) io.adapter(options.adapter);

  /**
   * One delta to many clients, encoded once (HUB9): the Socket.IO packet and the WebSocket frame around it,
   * one buffer for all. A client on an idle WebSocket gets that buffer written to its socket as it is (what
   * engine.io itself does with a `wsPreEncodedFrame`, minus the per-client packet bookkeeping); any other
   * client (long-polling, or engine.io still busy writing) gets the packet through engine.io, behind what
   * engine.io already holds, so order is kept either way. Frames never leave this node: with the Redis
   * adapter each node feeds its own clients from its own hub or mirror.
   */
  const writtenListeners = new Set<() => void>();
  const broadcast: Broadcast = (frame, to) => {
    sent.frames += to.length;
    sent.bytes += frame.byteLength * to.length;
    const { packet, wsFrame } = deltaWire(frame);
    const wire = [wsFrame];
    let viaEngine: { wsPreEncodedFrame: Buffer[] } | null = null;
    for (const target of to) {
      const t = target as SocketTransport;
      const sender = idleWebSocket(t.socket.conn);
      if (sender) {
        t.inFlight++;
        sender.sendFrame(wire, t.written);
      } else t.socket.conn.write(packet, (viaEngine ??= { wsPreEncodedFrame: wire }) as { compress?: boolean });
    }
  };
  const delivery = { ...options.feed, broadcast };
  const main = new FeedGroup(hub, broadcast, delivery);

  io.use((socket, next) => {
    const address = socket.handshake.address;
    connectLimiter
      .consume(address)
      .then(() => auth.verify((socket.handshake.auth as { token?: unknown } | undefined)?.token))
      .then((role) => {
        socket.data.role = role;
        next();
      })
      .catch((e: unknown) => {
        if (e instanceof TokenError) {
          clientRejects.token++;
          next(new Error(`unauthorized: ${e.message}`));
        } else if (e instanceof Error) next(e);
        else {
          clientRejects['rate-limit']++;
          next(new Error('rate limited: too many connections from this address; try again in a minute'));
        }
      });
  });

  const hello = (role: Role): Hello => ({
    type: 'hello',
    role,
    protocolVersion: PROTOCOL_VERSION,
    epoch: hub.epoch,
    sceneId: hub.scene.id,
    tickMs: hub.tickMs,
    source: sources[0]?.kind ?? 'none',
  });

  io.on('connection', (socket) => {
    counters.connections++;
    const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success || auth.data.protocolVersion !== PROTOCOL_VERSION) {
      counters.incompatible++;
      socket.emit('session:incompatible', { type: 'incompatible', reason: 'protocol-version', serverVersion: PROTOCOL_VERSION });
      socket.disconnect(true);
      return;
    }
    const transport: SocketTransport = {
      socket,
      inFlight: 0,
      written(err) {
        transport.inFlight--;
        if (!err) for (const l of writtenListeners) l();
      },
      queued: () => queuedFrames(socket.conn) + transport.inFlight,
      send(kind, frame) {
        sent.frames++;
        sent.bytes += frame.byteLength;
        socket.emit(kind === 'snapshot' ? 'state:snapshot' : 'state:delta', wireBytes(frame));
      },
    };
    const viewer: Viewer = {
      feed: null,
      session: null,
      room: null,
      transport,
      status: () => status(viewer),
      emitStatus: () => socket.emit('playback:status', status(viewer)),
      emitView: (view) => socket.emit('room:view', view),
    };
    viewers.add(viewer);
    socket.emit('session:hello', hello(socket.data.role));
    viewer.feed = main.add(transport, auth.data.epoch, auth.data.revision);
    viewer.emitStatus();

    const toLive = () => {
      if (viewer.feed) return;
      detach(viewer);
      followMain(viewer);
    };
    /** This viewer's own cursor (a room member that scrubs leaves the room to look around). */
    const toPlayback = (time: number): PlaybackSession => {
      if (!history) throw new AckError('no-history', 'this server keeps no history');
      if (viewer.feed || (viewer.room && viewer.room.presenter !== viewer)) detach(viewer);
      viewer.session ??= new PlaybackSession(history, delivery, transport);
      viewer.session.seek(time);
      return viewer.session;
    };

    const role = socket.data.role;
    /** Role and rate checks for every client event; refusals are counted and acknowledged. */
    const admit = async (event: string, ack: (r: AckFailure) => void): Promise<boolean> => {
      if (!allowed(role, event)) {
        clientRejects.forbidden++;
        ack(refusal('forbidden', `forbidden: a ${role} may not send ${event}`, { role, event }));
        return false;
      }
      try {
        await eventLimiter.consume(socket.id);
        return true;
      } catch {
        clientRejects['rate-limit']++;
        ack(refusal('rate-limited', 'rate limited: too many events; slow down'));
        return false;
      }
    };

    // Acknowledgements come a few times a second from every client: checked inline, not through the
    // per-event limiter whose budget is for commands. A flood beyond ACKS_PER_SECOND is dropped and counted.
    let ackWindow = 0;
    let acksInWindow = 0;
    socket.on('state:ack', (...args: unknown[]) => {
      const now = Date.now();
      if (now - ackWindow >= 1000) {
        ackWindow = now;
        acksInWindow = 0;
      }
      if (++acksInWindow > ACKS_PER_SECOND) {
        if (acksInWindow === ACKS_PER_SECOND + 1) clientRejects['rate-limit']++;
        return;
      }
      if (!allowed(role, 'state:ack')) {
        clientRejects.forbidden++;
        return;
      }
      const revision = args[0];
      if (args.length !== 1 || typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
        clientRejects.invalid++;
        return;
      }
      if (viewer.feed) viewer.feed.ack(revision);
      else viewer.session?.ack(transport, revision);
    });
    /**
     * An event's one argument (its acknowledgement may follow), checked against the schema; null after the
     * client was told what was wrong and the refusal counted.
     */
    const validArgument = <T>(schema: z.ZodType<T>, args: unknown[], event: string, what: string, ack: (r: AckFailure) => void): T | null => {
      const parsed = schema.safeParse(args[0]);
      if (parsed.success && args.length <= 2) return parsed.data;
      clientRejects.invalid++;
      const why = parsed.success ? 'too many arguments' : parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
      ack(refusal('invalid-argument', `invalid ${what}: ${why}`, { event, details: why }));
      return null;
    };

    socket.on('state:resync', async (...args: unknown[]) => {
      if (!(await admit('state:resync', () => undefined))) return;
      if (args.length > 0) {
        clientRejects.invalid++;
        return;
      }
      if (viewer.feed) viewer.feed.resync();
      else viewer.session?.resync(transport);
    });
    socket.on('playback:command', async (...args: unknown[]) => {
      const ack = ackOf<CommandResult>(args);
      if (!(await admit('playback:command', ack))) return;
      const cmd = validArgument(playbackCommandSchema, args, 'playback:command', 'playback command', ack);
      if (cmd === null) return;
      try {
        // A member's own command detaches it from the room; the presenter's moves the room.
        if (viewer.room && viewer.room.presenter !== viewer) detach(viewer);
        const s = viewer.session;
        switch (cmd.type) {
          case 'live':
            if (viewer.room) closeRoom(viewer.room);
            toLive();
            break;
          case 'seek':
            toPlayback(cmd.time);
            break;
          case 'play':
            if (s) s.play(cmd.speed);
            break;
          case 'pause':
            if (s) s.pause();
            else toPlayback(hub.time).pause();
            break;
          case 'speed':
            if (s) s.setSpeed(cmd.speed);
            break;
          case 'step':
            if (s) s.step(cmd.direction);
            else toPlayback(hub.time).step(cmd.direction);
            break;
        }
        ack({ ok: true });
      } catch (e) {
        ack(refusalOf(e));
      }
      viewer.emitStatus();
    });
    socket.on('room:create', async (...args: unknown[]) => {
      const ack = ackOf<RoomResult>(args);
      if (!(await admit('room:create', ack))) return;
      try {
        if (!history || history.from === null) throw new AckError('no-history', 'this server keeps no history');
        const time = viewer.session?.time ?? hub.time;
        detach(viewer);
        const room: Room = { code: newRoomCode(), key: randomBytes(16).toString('hex'), session: new PlaybackSession(history, delivery, transport), presenter: viewer, members: new Set([viewer]), view: null, awayTimer: null };
        rooms.set(room.code, room);
        viewer.room = room;
        viewer.session = room.session;
        room.session.seek(time);
        ack({ ok: true, code: room.code, key: room.key });
      } catch (e) {
        ack(refusalOf(e));
      }
      viewer.emitStatus();
    });
    socket.on('room:join', async (...args: unknown[]) => {
      const ack = ackOf<RoomResult>(args);
      if (!(await admit('room:join', ack))) return;
      const code = roomCodeSchema.safeParse(typeof args[0] === 'string' ? args[0].trim().toUpperCase() : args[0]);
      if (!code.success) {
        clientRejects.invalid++;
        const details = code.error.issues[0].message;
        ack(refusal('invalid-room-code', `invalid room code: ${details}`, { details }));
        return;
      }
      const room = rooms.get(code.data);
      if (!room) {
        ack(refusal('no-room', `no room ${code.data}: check the code on the presenter's screen`, { room: code.data }));
        return;
      }
      if (viewer.room !== room) {
        detach(viewer);
        viewer.room = room;
        viewer.session = room.session;
        room.members.add(viewer);
        room.session.add(transport);
      }
      ack({ ok: true, code: room.code });
      viewer.emitStatus();
      // A late joiner starts with the presenter's current view, not a default one.
      if (room.view && room.presenter !== viewer) viewer.emitView(room.view);
    });
    socket.on('room:resume', async (...args: unknown[]) => {
      const ack = ackOf<RoomResult>(args);
      if (!(await admit('room:resume', ack))) return;
      const resume = validArgument(roomResumeSchema, args, 'room:resume', 'room resume', ack);
      if (resume === null) return;
      const room = rooms.get(resume.code);
      if (!room || !timingSafeEqual(Buffer.from(room.key), Buffer.from(resume.key))) {
        ack(refusal('no-room-to-resume', `no room ${resume.code} to resume: it has ended, or this screen did not open it`, { room: resume.code }));
        return;
      }
      if (room.presenter !== viewer) {
        // The key is the presenter's: a screen holding it leads, even before the server noticed its old connection drop.
        const old = room.presenter;
        if (old) {
          leaveRoomOpen(old, room);
          followMain(old);
          old.emitStatus();
        }
        detach(viewer);
        if (room.awayTimer) clearTimeout(room.awayTimer);
        room.awayTimer = null;
        room.presenter = viewer;
        viewer.room = room;
        viewer.session = room.session;
        room.members.add(viewer);
        room.session.add(transport);
        for (const member of room.members) if (member !== viewer) member.emitStatus();
      }
      ack({ ok: true, code: room.code, key: room.key });
      viewer.emitStatus();
    });
    socket.on('room:view', async (...args: unknown[]) => {
      const ack = ackOf<CommandResult>(args);
      if (!(await admit('room:view', ack))) return;
      const view = validArgument(roomViewSchema, args, 'room:view', 'room view', ack);
      if (view === null) return;
      const room = viewer.room;
      // The role allows presenting; only the room's own presenter moves its members.
      if (!room || room.presenter !== viewer) {
        clientRejects.forbidden++;
        ack(refusal('not-presenter', 'forbidden: only the presenter of a room may share its view (open a room first)'));
        return;
      }
      room.view = view;
      for (const member of room.members) if (member !== viewer) member.emitView(view);
      ack({ ok: true });
    });
    socket.on('room:leave', async (...args: unknown[]) => {
      const ack = ackOf<CommandResult>(args);
      if (!(await admit('room:leave', ack))) return;
      toLive();
      ack({ ok: true });
      viewer.emitStatus();
    });
    socket.on('disconnect', () => {
      const room = viewer.room;
      if (room && room.presenter === viewer && roomGraceMs > 0) presenterLost(room, viewer);
      else detach(viewer);
      viewers.delete(viewer);
    });
  });

  function status(viewer: Viewer): PlaybackStatus {
    const s = viewer.session;
    return {
      type: 'playback',
      mode: s ? 'playback' : 'live',
      time: s ? s.time : hub.time,
      playing: s ? s.playing : true,
      speed: s ? s.speed : 1,
      from: history?.from ?? null,
      to: history?.to ?? null,
      liveSource,
      room: viewer.room?.code ?? null,
      presenter: viewer.room?.presenter === viewer,
      presenterAway: viewer.room !== null && viewer.room.presenter === null,
    };
  }

  // Playback cursors move on the hub's tick; everybody hears where their cursor is a few times a second.
  let lastAdvance = performance.now();
  let statusCountdown = 0;
  const sessionTimer = setInterval(() => {
    const now = performance.now();
    const dt = now - lastAdvance;
    lastAdvance = now;
    // A room's cursor is shared by its members: move each cursor once.
    const cursors = new Set<PlaybackSession>();
    for (const v of viewers) if (v.session) cursors.add(v.session);
    for (const c of cursors) c.advance(dt);
    // Clients that fell behind and drained while no tick came get their catch-up now.
    main.pump();
    for (const c of cursors) c.pump();
    if (--statusCountdown <= 0) {
      statusCountdown = Math.max(1, Math.round(250 / hub.tickMs));
      for (const v of viewers) v.emitStatus();
    }
  }, hub.tickMs);
  sessionTimer.unref();

  // A mirror replaced its state wholesale (cluster follower): everyone gets a fresh snapshot.
  const offReset = hub.onReset(() => main.resyncAll());

  let running = false;
  let stopHistory: (() => void) | null = null;
  return {
    http,
    io,
    hub,
    /** Every client's feed from the main hub (those not in a playback cursor). */
    feeds: main.feeds as ReadonlySet<ClientFeed>,
    counters,
    clientRejects,
    analytics,
    /** Called whenever a client's socket took a delta written to it directly (benchmarks pace themselves on it). */
    onWritten(listener: () => void): () => void {
      writtenListeners.add(listener);
      return () => writtenListeners.delete(listener);
    },
    /** Starts the sources and the hub, then listens. Resolves with the bound port. */
    async listen(port = 0, host?: string): Promise<number> {
      for (const s of sources) await s.start(hub.sink);
      // Commit what the sources reported at start so the first client gets a full state.
      hub.tick();
      // A live stream records its own recent history; a replay brings a loaded one.
      if (history && liveSource) stopHistory = recordHubHistory(hub, history);
      // What the sources already know of the recent past goes into the history and analytics first.
      for (const s of sources) s.backfill?.(() => hub.tick(), options.onBackfillProgress);
      hub.start();
      running = true;
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      return (http.address() as AddressInfo).port;
    },
    async close(): Promise<void> {
      if (running) {
        running = false;
        for (const s of sources) await s.stop();
        hub.stop();
      }
      main.close();
      offReset();
      stopHistory?.();
      detachAnalytics?.();
      clearInterval(sessionTimer);
      for (const r of [...rooms.values()]) closeRoom(r);
      for (const v of viewers) v.session?.close();
      // Socket.IO closes the HTTP server once its clients are gone, and the HTTP server waits for every connection to
      // end. Node does not count a connection that has not sent a whole request (a browser's speculative preconnect)
      // as idle, so one would hold the shutdown, and a restart on this port, until the headers timeout (a minute).
      // After a grace period for responses in flight, what is left is ended.
      const ended = setInterval(() => http.closeAllConnections(), CLOSE_GRACE_MS);
      try {
        await new Promise<void>((resolve) => io.close(() => resolve()));
        if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
      } finally {
        clearInterval(ended);
      }
    },
  };
}

/** The acknowledgement callback a client sent last with an event, or one that does nothing. */
function ackOf<R>(args: unknown[]): (result: R) => void {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as (result: R) => void) : () => undefined;
}

/** A client acknowledges about ten times a second; more than this is a misbehaving client. */
const ACKS_PER_SECOND = 50;

/**
 * A frame as MessagePack `bin` (the browser receives an ArrayBuffer): a Buffer over the same bytes. The
 * parser would encode a plain Uint8Array as an `ext` of its whole underlying ArrayBuffer.
 */
function wireBytes(frame: Uint8Array): ArrayBuffer {
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength) as unknown as ArrayBuffer;
}

type SocketTransport = FeedTransport & {
  readonly socket: Socket;
  /** Deltas written straight to the WebSocket that it has not yet handed to the kernel. */
  inFlight: number;
  written(err?: Error): void;
};

type FrameSender = { sendFrame(list: Buffer[], cb: (err?: Error) => void): void };
/** engine.io's connection and its transport, down to the `ws` socket and its sender; not in public types. */
type EngineSocket = EngineConn & {
  readyState: string;
  transport: { name: string; writable: boolean; perMessageDeflate?: unknown; socket?: { readyState: number; _sender?: Partial<FrameSender> } };
};

/**
 * The sender of a client's WebSocket when a frame may be written to it directly: the connection is open on
 * the websocket transport, engine.io holds nothing for it and is not writing, and frames go uncompressed.
 * The same checks engine.io makes before it writes a `wsPreEncodedFrame` through that sender.
 */
function idleWebSocket(connection: unknown): FrameSender | null {
  const conn = connection as EngineSocket;
  const t = conn.transport;
  if (conn.readyState !== 'open' || t.name !== 'websocket' || !t.writable || t.perMessageDeflate || conn.writeBuffer.length > 0) return null;
  const ws = t.socket;
  return ws && ws.readyState === 1 && typeof ws._sender?.sendFrame === 'function' ? (ws._sender as FrameSender) : null;
}

/** engine.io's per-connection queue and transport; not in its public types. */
type EngineConn = { writeBuffer: ReadonlyArray<{ data?: unknown }>; transport: { writable: boolean } };

/**
 * Frames the server holds for a client that are not yet written to the network: one while the transport is
 * busy writing (websocket: until the socket took the bytes; polling: until the next poll), plus every binary
 * packet still waiting in engine.io's write buffer (each frame travels as one binary attachment).
 */
function queuedFrames(connection: unknown): number {
  const conn = connection as EngineConn;
  let n = conn.transport.writable ? 0 : 1;
  for (const p of conn.writeBuffer) if (typeof p.data !== 'string') n++;
  return n;
}

function notFound(res: import('node:http').ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found');
}
