/**
 * The state model shared by server and client.
 *
 * Every entity carries a quality and the time its source reported it (epoch ms), so stale
 * data can be shown as stale. Angles on the wire are radians; scene files use degrees.
 *
 * Mapping from common plant standards (see docs/state-model.md for the full table):
 * - PackML (ISA-TR88.00.02): Execute → working; Idle / Starved (Suspended for lack of input) → starved;
 *   Suspended for a full outfeed / Held by downstream → blocked; Aborted / Stopped by fault → down;
 *   Resetting, Starting, Clearing, Unholding with a changeover → setup; Stopped / Stopping / Aborting when
 *   deliberately not producing → off.
 * - OPC UA for Machinery (MachineryItemState): Executing → working; NotExecuting → starved unless a
 *   blocking reason is known (then blocked); OutOfService → down or off (off when planned); Setup
 *   (MachineryOperationMode Setup/Processing) → setup.
 * - OPC UA quality (StatusCode): Good → good; Uncertain → stale; Bad → bad.
 */

export const stationStates = ['working', 'starved', 'blocked', 'down', 'setup', 'off'] as const;
export type StationState = (typeof stationStates)[number];

export const robotStates = ['working', 'idle', 'down', 'off'] as const;
export type RobotState = (typeof robotStates)[number];

export const qualities = ['good', 'stale', 'bad'] as const;
export type Quality = (typeof qualities)[number];

export const bodyModels = ['sedan', 'suv'] as const;
export type BodyModel = (typeof bodyModels)[number];

export const JOINT_COUNT = 6;

/**
 * Writes one robot's six joints at `dst[o … o+5]`. Written out rather than a loop over JOINT_COUNT: on the hub's
 * per-robot paths the loops, re-reading their arrays each turn, took a quarter of intake and commit (48 to 36 µs
 * a tick at scale 10 without them). Another joint count fails to compile here.
 */
export function setJoints(dst: Float32Array, o: number, j0: number, j1: number, j2: number, j3: number, j4: number, j5: number): void {
  dst[o] = j0;
  dst[o + 1] = j1;
  dst[o + 2] = j2;
  dst[o + 3] = j3;
  dst[o + 4] = j4;
  dst[o + 5] = j5;
}
const SIX_JOINTS: 6 = JOINT_COUNT;
void SIX_JOINTS;

/** Where a body is: inside a station, on a conveyor (progress 0..1 along its path), or unknown. */
export type BodyLocation =
  | { kind: 'station'; station: string }
  | { kind: 'conveyor'; conveyor: string; progress: number }
  | { kind: 'none' };

export type StationEntity = {
  state: StationState;
  quality: Quality;
  /** Source time of the last report, epoch ms. */
  ts: number;
  /** Id of the body (job) being worked on, or null. */
  job: string | null;
};

export type RobotEntity = {
  state: RobotState;
  quality: Quality;
  ts: number;
  /** Six joint angles, radians, in the order J1..J6. */
  joints: number[];
  /** Whether the tool is active (welding, spraying, gripping). */
  tool: boolean;
};

export type BodyEntity = {
  /** Body style. */
  model: BodyModel;
  /** Paint colour as '#rrggbb', or null while the body is unpainted (body in white). */
  color: string | null;
  location: BodyLocation;
  quality: Quality;
  ts: number;
};

/** A full state as served by GET /api/state and used in tests: plain JSON, keyed by entity id. */
export type StateSnapshot = {
  /** Hub instance; revisions are only comparable within one epoch. */
  epoch: string;
  revision: number;
  /** Time of the state, epoch ms (source time: simulated time under the simulator). */
  time: number;
  stations: Record<string, StationEntity>;
  robots: Record<string, RobotEntity>;
  bodies: Record<string, BodyEntity>;
};

/** Numeric codes used on the wire and in client buffers: the index into the `as const` arrays. */
export const stationStateCode = codeMap(stationStates);
export const robotStateCode = codeMap(robotStates);
export const qualityCode = codeMap(qualities);
export const bodyModelCode = codeMap(bodyModels);

/** Name → code; no prototype, so a name such as "toString" or "__proto__" has no code either. */
function codeMap<T extends string>(values: readonly T[]): Record<T, number> {
  const out = Object.create(null) as Record<T, number>;
  values.forEach((v, i) => (out[v] = i));
  return out;
}
