/**
 * Changes: what a source hands the hub. One change reports the latest value of one entity
 * (not a field diff), so applying the newest change per entity is always correct.
 * The same shape is used by recordings and by the MQTT mapping.
 */
import type { BodyLocation, BodyModel, Quality, RobotState, StationState } from './state.ts';

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

/** Where a source delivers changes. `reject` reports input the source could not map (counted, logged). */
export type ChangeSink = {
  apply(change: Change): void;
  /** Advance the source clock with no entity change (keeps the state time moving when nothing changes). */
  time?(ts: number): void;
};
