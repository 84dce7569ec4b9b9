/**
 * The recording format (docs/recording-format.md): JSON Lines, optionally gzip-compressed.
 * Line 1 is a header; then keyframes (the full state) and change lines, in time order.
 */
import { z } from 'zod';
import { bodyModels, qualities, robotStates, stationStates, type StateSnapshot } from '../../protocol/state.ts';
import type { Change } from '../../protocol/changes.ts';

export const RECORDING_FORMAT = 'linetwin-recording';
export const RECORDING_VERSION = 1;

export const headerSchema = z.object({
  format: z.literal(RECORDING_FORMAT, { error: `expected "format": "${RECORDING_FORMAT}" on line 1` }),
  version: z.literal(RECORDING_VERSION, { error: `expected "version": ${RECORDING_VERSION}` }),
  scene: z.string().min(1),
  start: z.number().finite(),
  source: z.string(),
  keyframeInterval: z.number().positive().optional(),
  created: z.string().optional(),
});
export type RecordingHeader = z.infer<typeof headerSchema>;

const ts = z.number().finite();
const quality = z.enum(qualities).optional();
const location = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('station'), station: z.string() }),
  z.object({ kind: z.literal('conveyor'), conveyor: z.string(), progress: z.number().min(0).max(1) }),
  z.object({ kind: z.literal('none') }),
]);
export const changeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('station'), id: z.string(), state: z.enum(stationStates), ts, quality, job: z.string().nullable().optional() }),
  z.object({ type: z.literal('robot'), id: z.string(), state: z.enum(robotStates), ts, quality, tool: z.boolean(), joints: z.array(z.number().finite()).length(6) }),
  z.object({ type: z.literal('body'), id: z.string().min(1).max(64), ts, quality, model: z.enum(bodyModels), color: z.string().regex(/^#[0-9a-fA-F]{6}$/).nullable(), location }),
  z.object({ type: z.literal('body-remove'), id: z.string(), ts }),
]);

const entityState = z.object({
  stations: z.record(z.string(), z.object({ state: z.enum(stationStates), quality: z.enum(qualities), ts, job: z.string().nullable() })),
  robots: z.record(z.string(), z.object({ state: z.enum(robotStates), quality: z.enum(qualities), ts, tool: z.boolean(), joints: z.array(z.number().finite()).length(6) })),
  bodies: z.record(z.string(), z.object({ model: z.enum(bodyModels), color: z.string().nullable(), location, quality: z.enum(qualities), ts })),
});

export const lineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('keyframe'), t: ts, rev: z.number().int().nonnegative(), state: entityState }),
  z.object({ type: z.literal('changes'), t: ts, rev: z.number().int().nonnegative(), changes: z.array(changeSchema) }),
]);
export type RecordingLine = z.infer<typeof lineSchema>;

/** The changes that turn an empty state into `state`. */
export function changesOfState(state: Pick<StateSnapshot, 'stations' | 'robots' | 'bodies'>): Change[] {
  const out: Change[] = [];
  for (const [id, b] of Object.entries(state.bodies)) out.push({ type: 'body', id, ...b });
  for (const [id, s] of Object.entries(state.stations)) out.push({ type: 'station', id, ...s });
  for (const [id, r] of Object.entries(state.robots)) out.push({ type: 'robot', id, ...r });
  return out;
}
