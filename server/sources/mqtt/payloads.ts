/**
 * JSON payloads of the MQTT topic layout, validated with zod. Publishers may add fields of their own
 * (they are ignored); the fields below must have the right type. States accept common plant
 * synonyms, case-insensitively (see docs/live-data.md).
 */
import { z } from 'zod';
import { bodyModels, JOINT_COUNT, type Quality, type RobotState, type StationState } from '../../../protocol/state.ts';

export const stationStateSynonyms: Record<string, StationState> = {
  working: 'working',
  running: 'working',
  run: 'working',
  busy: 'working',
  starved: 'starved',
  idle: 'starved',
  waiting: 'starved',
  blocked: 'blocked',
  down: 'down',
  fault: 'down',
  error: 'down',
  alarm: 'down',
  setup: 'setup',
  changeover: 'setup',
  off: 'off',
  stopped: 'off',
};

export const robotStateSynonyms: Record<string, RobotState> = {
  working: 'working',
  running: 'working',
  run: 'working',
  busy: 'working',
  idle: 'idle',
  waiting: 'idle',
  down: 'down',
  fault: 'down',
  error: 'down',
  alarm: 'down',
  off: 'off',
  stopped: 'off',
};

export const qualitySynonyms: Record<string, Quality> = { good: 'good', stale: 'stale', uncertain: 'stale', bad: 'bad' };

/** Largest joint angle accepted, radians: two turns. Larger values are almost surely degrees. */
export const MAX_JOINT_RAD = 4 * Math.PI;
/** Epoch ms below this (March 1973) are almost surely epoch seconds. */
const MIN_EPOCH_MS = 1e11;
const MAX_EPOCH_MS = 8.64e15;

function lookup<T extends string>(table: Record<string, T>, what: string) {
  const accepted = Object.keys(table).join(', ');
  return z.string().transform((v, ctx) => {
    const hit = Object.hasOwn(table, v.trim().toLowerCase()) ? table[v.trim().toLowerCase()] : undefined;
    if (hit === undefined) {
      ctx.addIssue({ code: 'custom', message: `unknown ${what} "${v.slice(0, 40)}"; expected one of ${accepted}` });
      return z.NEVER;
    }
    return hit;
  });
}

const isoTs = z.iso.datetime({ offset: true });

/** Epoch milliseconds, or an ISO 8601 date-time with Z or an offset (local times are ambiguous). */
export const tsField = z.unknown().transform((v, ctx): number => {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v > MAX_EPOCH_MS || v < 0) ctx.addIssue({ code: 'custom', message: `ts ${v} is not a valid epoch time in ms` });
    else if (v < MIN_EPOCH_MS) ctx.addIssue({ code: 'custom', message: `ts ${v} looks like epoch seconds; send epoch milliseconds` });
    else return v;
    return z.NEVER;
  }
  if (typeof v === 'string' && isoTs.safeParse(v).success) {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  ctx.addIssue({ code: 'custom', message: `ts must be epoch milliseconds or an ISO 8601 date-time with Z or an offset, got ${JSON.stringify(v)?.slice(0, 40)}` });
  return z.NEVER;
});

const entityId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an id: letters, digits, ".", "_" or "-", starting with a letter or digit');

export const stationPayload = z.object({
  state: lookup(stationStateSynonyms, 'station state'),
  ts: tsField,
  job: entityId.nullable().optional(),
  /** Accepted and checked; the state model has no place for it yet. */
  cycleTime: z.number().positive().optional(),
  quality: lookup(qualitySynonyms, 'quality').optional(),
});

export const robotPayload = z.object({
  joints: z
    .array(z.number().min(-MAX_JOINT_RAD, 'joint angles are radians; this is out of range (degrees?)').max(MAX_JOINT_RAD, 'joint angles are radians; this is out of range (degrees?)'))
    .length(JOINT_COUNT, `joints must hold ${JOINT_COUNT} angles (radians, J1..J6)`),
  ts: tsField,
  state: lookup(robotStateSynonyms, 'robot state').optional(),
  tool: z.boolean().optional(),
  quality: lookup(qualitySynonyms, 'quality').optional(),
});

export const bodyPayload = z
  .object({
    station: entityId.optional(),
    conveyor: entityId.optional(),
    progress: z.number().min(0).max(1).optional(),
    model: lookup(Object.fromEntries(bodyModels.map((m) => [m, m])), 'body model').optional(),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb').nullable().optional(),
    ts: tsField.optional(),
    quality: lookup(qualitySynonyms, 'quality').optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.station === undefined) === (b.conveyor === undefined))
      ctx.addIssue({ code: 'custom', message: 'expected either "station" or "conveyor" (with "progress"), not both or neither' });
    else if (b.conveyor !== undefined && b.progress === undefined) ctx.addIssue({ code: 'custom', path: ['progress'], message: 'a body on a conveyor needs "progress" from 0 to 1' });
  });

export type StationPayload = z.output<typeof stationPayload>;
export type RobotPayload = z.output<typeof robotPayload>;
export type BodyPayload = z.output<typeof bodyPayload>;

/** The first problem of a failed parse as "path: message", short enough for a log line. */
export function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  if (!i) return 'invalid payload';
  const path = i.path.length > 0 ? `${i.path.map(String).join('.')}: ` : '';
  return `${path}${i.message}`.slice(0, 200);
}
