/**
 * Validation of every client input at the server's edge (zod). Kept apart from events.ts so the
 * browser bundle, which only needs the event types and constants, does not carry zod.
 */
import { z } from 'zod';
import { MAX_SPEED, MIN_SPEED } from './events.ts';

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
