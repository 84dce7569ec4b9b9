/**
 * Changes: what a source hands the hub. One change reports the latest value of one entity
 * (not a field diff), so applying the newest change per entity is always correct.
 * The same shape is used by recordings and by the MQTT mapping.
 */
import { grownCopy } from './typed-arrays.ts';
import { bodyModels, JOINT_COUNT, qualities, setJoints, qualityCode, robotStates, type BodyLocation, type BodyModel, type Quality, type RobotState, type StationState } from './state.ts';

export type StationChange = {
  type: 'station';
  id: string;
  state: StationState;
  ts: number;
  quality?: Quality;
  job?: string | null;
};

export type RobotChange = {
  type: 'robot';
  id: string;
  state: RobotState;
  /** Six joint angles, radians. */
  joints: ArrayLike<number>;
  tool: boolean;
  ts: number;
  quality?: Quality;
};

export type BodyChange = {
  type: 'body';
  id: string;
  model: BodyModel;
  color: string | null;
  location: BodyLocation;
  ts: number;
  quality?: Quality;
};

export type BodyRemoveChange = { type: 'body-remove'; id: string; ts: number };

export type Change = StationChange | RobotChange | BodyChange | BodyRemoveChange;

/**
 * Many robot changes at once, as columns: row r is the latest value of the robot at `index[r]` (its
 * position in the scene's robot list), in state `state[r]` (robotStateCode), with quality `quality[r]`
 * (qualityCode), tool on when `tool[r]` is 1, at `ts[r]`, with joints `joints[6r … 6r+5]`. The same values
 * as RobotChange objects (joints as float32, which is what the hub keeps), for a source that samples every
 * robot each step, or a frame read back: no object per sample, no id to look up. Rows are applied in
 * order; a later row for the same robot wins.
 */
export type RobotSamples = {
  readonly count: number;
  readonly index: Uint32Array;
  readonly state: Uint8Array;
  readonly quality: Uint8Array;
  readonly tool: Uint8Array;
  readonly ts: Float64Array;
  readonly joints: Float32Array;
};

/** A growable RobotSamples that a source fills and empties again each step (reused: the sink must not keep it). */
export class RobotSampleBatch implements RobotSamples {
  count = 0;
  index = new Uint32Array(64);
  state = new Uint8Array(64);
  quality = new Uint8Array(64);
  tool = new Uint8Array(64);
  ts = new Float64Array(64);
  joints = new Float32Array(64 * JOINT_COUNT);

  /** A row of quality good. */
  add(index: number, state: number, tool: boolean, ts: number, joints: ArrayLike<number>): void {
    this.row(index, state, GOOD, tool, ts, joints[0], joints[1], joints[2], joints[3], joints[4], joints[5]);
  }

  row(index: number, state: number, quality: number, tool: boolean, ts: number, a: number, b: number, c: number, d: number, e: number, f: number): void {
    if (this.count === this.index.length) this.grow();
    const r = this.count++;
    this.index[r] = index;
    this.state[r] = state;
    this.quality[r] = quality;
    this.tool[r] = tool ? 1 : 0;
    this.ts[r] = ts;
    setJoints(this.joints, r * JOINT_COUNT, a, b, c, d, e, f);
  }

  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const n = this.index.length * 2;
    this.index = grownCopy(this.index, n);
    this.state = grownCopy(this.state, n);
    this.quality = grownCopy(this.quality, n);
    this.tool = grownCopy(this.tool, n);
    this.ts = grownCopy(this.ts, n);
    this.joints = grownCopy(this.joints, n * JOINT_COUNT);
  }
}

const GOOD = qualityCode.good;

/**
 * Bodies on conveyors in columns: the progress reports that make up most of a plant's body traffic. Row `r` is
 * the BodyChange `{ type: 'body', id: id[r], model: bodyModels[model[r]], color: color[r], location: { kind:
 * 'conveyor', conveyor: <the scene's conveyor number conveyor[r]>, progress: progress[r] }, ts: ts[r] }` of
 * quality good, and a sink applies it as that change (bodyMoveChangeOf builds it). Progress is float32.
 */
export type BodyMoves = {
  readonly count: number;
  readonly id: readonly string[];
  readonly model: Uint8Array;
  readonly color: ReadonlyArray<string | null>;
  /** The conveyor's index in the scene (scene.conveyors order). */
  readonly conveyor: Uint32Array;
  readonly progress: Float32Array;
  readonly ts: Float64Array;
  /**
   * Optional: a number the source keeps for each body it reports (a serial number, say). A sink may look for
   * the body under it before looking up its id; the id decides, so any key, even a wrong one, is safe.
   */
  readonly key?: Uint32Array;
};

/** A growable BodyMoves that a source fills and empties again (reused: the sink must not keep it). */
export class BodyMoveBatch implements BodyMoves {
  count = 0;
  id: string[] = [];
  model = new Uint8Array(64);
  color: Array<string | null> = [];
  conveyor = new Uint32Array(64);
  progress = new Float32Array(64);
  ts = new Float64Array(64);
  /** Made by the first add() given a key; rows added without one have key 0. */
  key: Uint32Array | undefined = undefined;

  add(id: string, model: number, color: string | null, conveyor: number, progress: number, ts: number, key?: number): void {
    if (this.count === this.model.length) this.grow();
    const r = this.count++;
    if (key !== undefined) (this.key ??= new Uint32Array(this.model.length))[r] = key;
    else if (this.key !== undefined) this.key[r] = 0;
    this.id[r] = id;
    this.model[r] = model;
    this.color[r] = color;
    this.conveyor[r] = conveyor;
    this.progress[r] = progress;
    this.ts[r] = ts;
  }

  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const n = this.model.length * 2;
    this.model = grownCopy(this.model, n);
    this.conveyor = grownCopy(this.conveyor, n);
    this.progress = grownCopy(this.progress, n);
    this.ts = grownCopy(this.ts, n);
    if (this.key !== undefined) this.key = grownCopy(this.key, n);
  }
}

/** Where a source delivers changes. `reject` reports input the source could not map (counted, logged). */
export type ChangeSink = {
  apply(change: Change): void;
  /** Robot changes in columns (see RobotSamples); a sink without it gets them one by one (deliverRobotSamples). */
  robots?(samples: RobotSamples): void;
  /** Bodies on conveyors in columns (see BodyMoves); a sink without it gets them one by one (deliverBodyMoves). */
  moves?(moves: BodyMoves): void;
  /** Advance the source clock with no entity change (keeps the state time moving when nothing changes). */
  time?(ts: number): void;
};

/** Hands `samples` to `sink`: in one call where it takes columns, else as RobotChange objects one by one. */
export function deliverRobotSamples(sink: ChangeSink, samples: RobotSamples, robotIds: readonly string[]): void {
  if (sink.robots) return sink.robots(samples);
  for (let r = 0; r < samples.count; r++) sink.apply(robotChangeOf(samples, r, robotIds));
}

/**
 * Row `r` of `samples` as a RobotChange. An index or code that names nothing is shown as it came (`#index`,
 * the code's number), so a sink that checks the change rejects it with a reason that says which.
 */
export function robotChangeOf(samples: RobotSamples, r: number, robotIds: readonly string[]): RobotChange {
  const i = samples.index[r];
  return {
    type: 'robot',
    id: robotIds[i] ?? `#${i}`,
    state: robotStates[samples.state[r]] ?? (samples.state[r] as unknown as RobotChange['state']),
    joints: Array.from(samples.joints.subarray(r * JOINT_COUNT, (r + 1) * JOINT_COUNT)),
    tool: samples.tool[r] === 1,
    ts: samples.ts[r],
    quality: qualities[samples.quality[r]] ?? (samples.quality[r] as unknown as Quality),
  };
}

/** Hands `moves` to `sink`: in one call where it takes columns, else as BodyChange objects one by one. */
export function deliverBodyMoves(sink: ChangeSink, moves: BodyMoves, conveyorIds: readonly string[]): void {
  if (sink.moves) return sink.moves(moves);
  for (let r = 0; r < moves.count; r++) sink.apply(bodyMoveChangeOf(moves, r, conveyorIds));
}

/** Row `r` of `moves` as a BodyChange; a conveyor or model code that names nothing is shown as it came (`#index`, the code). */
export function bodyMoveChangeOf(moves: BodyMoves, r: number, conveyorIds: readonly string[]): BodyChange {
  const c = moves.conveyor[r];
  return {
    type: 'body',
    id: moves.id[r],
    model: bodyModels[moves.model[r]] ?? (moves.model[r] as unknown as BodyModel),
    color: moves.color[r],
    location: { kind: 'conveyor', conveyor: conveyorIds[c] ?? `#${c}`, progress: moves.progress[r] },
    ts: moves.ts[r],
  };
}
