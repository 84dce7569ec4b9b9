/**
 * Socket.IO events, declared once for both sides (`domain:verb` names).
 * Server: Server<ClientToServerEvents, ServerToClientEvents>; client: Socket<ServerToClientEvents, ClientToServerEvents>.
 */

import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** Sent by the client in the Socket.IO handshake `auth` (re-read on every reconnect). */
export type HandshakeAuth = {
  protocolVersion: number;
  /** Hub epoch and revision of the state the client holds, to resume with deltas. */
  epoch?: string;
  revision?: number;
};

export type Hello = {
  type: 'hello';
  protocolVersion: number;
  epoch: string;
  sceneId: string;
  tickMs: number;
  /** Source kind, for the UI ("simulator", "replay", "mqtt"). */
  source: string;
};

export const incompatibleReasons = ['protocol-version'] as const;
export type Incompatible = { type: 'incompatible'; reason: (typeof incompatibleReasons)[number]; serverVersion: number };

/** Binary state frames (see codec.ts). Ack after applying: the hub sends at most a few unacknowledged frames. */
export type FrameListener = (frame: ArrayBuffer, ack: () => void) => void;

export type ServerToClientEvents = {
  'session:hello': (hello: Hello) => void;
  'session:incompatible': (info: Incompatible) => void;
  'state:snapshot': FrameListener;
  'state:delta': FrameListener;
};

export type ClientToServerEvents = {
  /** Ask for a fresh snapshot (after a decode error or a revision gap). */
  'state:resync': () => void;
};


/** Handshake auth as the server validates it (every client input is validated at the edge). */
export const handshakeAuthSchema = z.object({
  protocolVersion: z.number().int(),
  epoch: z.string().max(100).optional(),
  revision: z.number().int().nonnegative().optional(),
});
