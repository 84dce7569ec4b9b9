/**
 * Socket.IO events, declared once for both sides (`domain:verb` names).
 * Server: Server<ClientToServerEvents, ServerToClientEvents>; client: Socket<ServerToClientEvents, ClientToServerEvents>.
 */

/**
 * 2: MessagePack packets (protocol/wire.ts); frames paced by backpressure and `state:ack`, not per-frame acks.
 */
export const PROTOCOL_VERSION = 2;

/** Sent by the client in the Socket.IO handshake `auth` (re-read on every reconnect). */
export type HandshakeAuth = {
  protocolVersion: number;
  /** Hub epoch and revision of the state the client holds, to resume with deltas. */
  epoch?: string;
  revision?: number;
};

/**
 * Headers of GET /api/state/frame (the current state as one snapshot frame): what a client needs to resume the
 * socket from it (HandshakeAuth's epoch and revision) and to check it belongs to the scene it loaded.
 */
export const STATE_HEADERS = { epoch: 'x-linetwin-epoch', revision: 'x-linetwin-revision', scene: 'x-linetwin-scene' } as const;

export type Hello = {
  type: 'hello';
  /** What this client may do: viewer (default), presenter, admin. */
  role: 'viewer' | 'presenter' | 'admin';
  protocolVersion: number;
  epoch: string;
  sceneId: string;
  tickMs: number;
  /** Source kind, for the UI ("simulator", "replay", "mqtt"). */
  source: string;
};

export const incompatibleReasons = ['protocol-version'] as const;
export type Incompatible = { type: 'incompatible'; reason: (typeof incompatibleReasons)[number]; serverVersion: number };

/**
 * Binary state frames (see codec.ts). No acknowledgement: the server paces each client by its connection's
 * own backpressure and conflates what a slow client cannot take (docs/hub-spec.md, HUB7).
 * In Node the frame arrives as a Buffer, in browsers as an ArrayBuffer.
 */
export type FrameListener = (frame: ArrayBuffer) => void;

/** Where a client's view is: following the main stream (`live`), or its own cursor in the history. */
export type PlaybackStatus = {
  type: 'playback';
  mode: 'live' | 'playback';
  /** Cursor time, epoch ms (in live mode: the main stream's time). */
  time: number;
  playing: boolean;
  speed: number;
  /** The time range that can be scrubbed, or null when there is no history yet. */
  from: number | null;
  to: number | null;
  /** True when the main stream is a live source (simulator, MQTT), false when it replays a file. */
  liveSource: boolean;
  /** The room whose shared cursor this client follows, or null; and whether it drives it. */
  room: string | null;
  presenter: boolean;
  /** The room's presenter lost its connection and may still come back (`room:resume`); the room keeps going meanwhile. */
  presenterAway: boolean;
};

/**
 * Why the server refused an event (`reason`), as a stable code a client can word in its own language; `error` says the
 * same in English (for people reading logs, and for clients that do not know the code). A client must expect
 * codes it does not know (a newer server) and none at all (an older one): it then shows `error` as it came.
 */
export const ackErrorCodes = [
  /** The client's role may not send this event. params: role, event. */
  'forbidden',
  /** Too many events from this connection. */
  'rate-limited',
  /** The event's argument failed validation. params: event, details (the validator's English words). */
  'invalid-argument',
  /** `room:join` with something that is not a room code. params: details. */
  'invalid-room-code',
  /** `room:join`: no open room has this code. params: room. */
  'no-room',
  /** `room:resume`: the room has ended, or the key is not its presenter's. params: room. */
  'no-room-to-resume',
  /** `room:view` from a client that does not present a room. */
  'not-presenter',
  /** Playback or a room needs a history, and this server keeps none. */
  'no-history',
  /** The history holds nothing to play yet. */
  'history-empty',
] as const;
export type AckErrorCode = (typeof ackErrorCodes)[number];

/** A refusal. `reason` is an AckErrorCode from this server (typed as string: a newer one may send others). */
export type AckFailure = { ok: false; error: string; reason?: string; params?: Record<string, string | number> };

/** `key` (to the presenter only) lets the presenter take its room back after a lost connection or a reload. */
export type RoomResult = { ok: true; code: string; key?: string } | AckFailure;

export type RoomResume = { code: string; key: string };

/** Entity kinds a view can select (the same as the client's selection). */
export const viewEntityKinds = ['station', 'robot', 'body'] as const;

/**
 * What a presenter's screen shows besides the time: camera, selection and tour step. The presenter sends it
 * when it changes; the server relays it to the room's members and keeps the last one for late joiners.
 */
export type RoomView = {
  type: 'view';
  /** Camera position and orbit target, metres; null: leave the members' cameras where they are. */
  camera: { position: [number, number, number]; target: [number, number, number] } | null;
  selection: { kind: (typeof viewEntityKinds)[number]; id: string } | null;
  /** The tour and step shown (index from 0), null when no tour runs. */
  tour: { id: string; step: number } | null;
};

export const PLAYBACK_SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120] as const;
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 120;

export type PlaybackCommand =
  | { type: 'seek'; time: number }
  | { type: 'play'; speed?: number }
  | { type: 'pause' }
  | { type: 'speed'; speed: number }
  | { type: 'step'; direction: 1 | -1 }
  | { type: 'live' };


export type CommandResult = { ok: true } | AckFailure;

export type ServerToClientEvents = {
  'session:hello': (hello: Hello) => void;
  'playback:status': (status: PlaybackStatus) => void;
  'session:incompatible': (info: Incompatible) => void;
  'state:snapshot': FrameListener;
  'state:delta': FrameListener;
  /** A room member: the presenter's view (sent on join when the room has one, then on every change). */
  'room:view': (view: RoomView) => void;
};

export type ClientToServerEvents = {
  /** The newest revision this client applied; sent a few times a second, never per frame (HUB7). */
  'state:ack': (revision: number) => void;
  /** Ask for a fresh snapshot (after a decode error or a revision gap). */
  'state:resync': () => void;
  /** Move this client's own cursor (seek, play, pause, speed, step) or return to the main stream (live). */
  'playback:command': (command: PlaybackCommand, ack?: (result: CommandResult) => void) => void;
  /** Presenter: open a room whose shared cursor this client's playback commands drive; the ack carries its code. */
  'room:create': (ack?: (result: RoomResult) => void) => void;
  /** Follow a room's shared cursor (a trainee's screen, a second screen of a stand). */
  'room:join': (code: string, ack?: (result: RoomResult) => void) => void;
  /** Presenter: lead again the room it opened (its code and the key from `room:create`), after a lost connection. */
  'room:resume': (resume: RoomResume, ack?: (result: RoomResult) => void) => void;
  /** Stop following the room (or, for its presenter, close it): back to live. */
  'room:leave': (ack?: (result: CommandResult) => void) => void;
  /** Presenter of a room: share this screen's view (camera, selection, tour step) with the room. */
  'room:view': (view: RoomView, ack?: (result: CommandResult) => void) => void;
};
