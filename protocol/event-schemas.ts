/**
 * Validation of every client input at the server's edge (zod). Kept apart from events.ts so the
 * browser bundle, which only needs the event types and constants, does not carry zod.
 */
import { z } from 'zod';
import { MAX_SPEED, MIN_SPEED, viewEntityKinds } from './events.ts';

/** Handshake auth as the server validates it (every client input is validated at the edge). */
export const handshakeAuthSchema = z.object({
  protocolVersion: z.number().int(),
  epoch: z.string().max(100).optional(),
  revision: z.number().int().nonnegative().optional(),
});

export const playbackCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('seek'), time: z.number().finite() }),
  z.object({ type: z.literal('play'), speed: z.number().min(MIN_SPEED).max(MAX_SPEED).optional() }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('speed'), speed: z.number().min(MIN_SPEED).max(MAX_SPEED) }),
  z.object({ type: z.literal('step'), direction: z.union([z.literal(1), z.literal(-1)]) }),
  z.object({ type: z.literal('live') }),
]);

/** Room codes: short enough to type from a screen. */
export const roomCodeSchema = z.string().regex(/^[A-Z0-9]{4,8}$/, 'a room code: 4 to 8 letters or digits');

/** A presenter taking its room back: the room's code and the key its `room:create` acknowledgement carried. */
export const roomResumeSchema = z.strictObject({
  code: roomCodeSchema,
  key: z.string().regex(/^[0-9a-f]{32}$/, 'the key from room:create: 32 hex digits'),
});

/** Far beyond any plant: a bound so a bad value cannot throw a member's camera into infinity. */
const coordinate = z.number().finite().min(-100_000).max(100_000);
const point = z.tuple([coordinate, coordinate, coordinate]);
const entityId = z.string().min(1).max(64);

/** A presenter's view for its room (camera, selection, tour step). */
export const roomViewSchema = z.strictObject({
  type: z.literal('view'),
  camera: z.strictObject({ position: point, target: point }).nullable(),
  selection: z.strictObject({ kind: z.enum(viewEntityKinds), id: entityId }).nullable(),
  tour: z.strictObject({ id: entityId, step: z.int().min(0).max(1000) }).nullable(),
});
