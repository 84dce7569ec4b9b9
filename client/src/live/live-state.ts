/**
 * The live twin state as typed arrays. The socket handler writes here (see apply-frame.ts) and the render
 * loop reads here; neither goes through React. Change counters let each renderer skip work when its kind
 * of entity did not change since the frame it last drew.
 */
import { JOINT_COUNT } from '../../../protocol/state.ts';

/** Hard cap on body slots: a frame claiming more is treated as corrupt rather than allocated. */
export const MAX_BODY_SLOTS = 1 << 16;

export class LiveState {
  readonly stationCount: number;
  readonly robotCount: number;

  /** Hub epoch of the state held; revisions only compare within one epoch. */
  epoch: string | null = null;
  /** Revision of the state held, -1 while nothing consistent is held (deltas are refused then). */
  revision = -1;
  /** Source time of the state, epoch ms. */
  time = 0;
  /** performance.now() of the last frame applied. */
  lastFrameAt = 0;
  framesApplied = 0;
  snapshotsApplied = 0;

  readonly stationState: Uint8Array;
  readonly stationQuality: Uint8Array;
  readonly stationTs: Float64Array;
  /** Body slot of the job in the station, -1 none. */
  readonly stationJob: Int32Array;

  readonly robotState: Uint8Array;
  readonly robotQuality: Uint8Array;
  readonly robotTool: Uint8Array;
  readonly robotTs: Float64Array;
  /** Reported joint angles (rad), robot i at [i*6, i*6+6). */
  readonly robotTarget: Float32Array;
  /** Joint angles drawn: eased toward the target every frame so 20 Hz updates look continuous. */
  readonly robotShown: Float32Array;
  /** 1 once a robot has been reported; its first pose is shown at once instead of eased from zero. */
  readonly robotSeen: Uint8Array;

  bodyCapacity = 0;
  bodyAlive = new Uint8Array(0);
  bodyModel = new Uint8Array(0);
  bodyQuality = new Uint8Array(0);
  bodyLocKind = new Uint8Array(0);
  bodyLocIndex = new Int32Array(0);
  bodyProgress = new Float32Array(0);
  bodyTs = new Float64Array(0);
  /** Paint colour as sRGB floats, 3 per slot; meaningful when bodyPainted is 1. */
  bodyColor = new Float32Array(0);
  bodyPainted = new Uint8Array(0);
  /** Drawn world position (3 per slot) and yaw, eased toward where the state puts the body. */
  bodyShownPos = new Float32Array(0);
  bodyShownYaw = new Float32Array(0);
  /** 1 when the next placement must jump (a new body in the slot) instead of easing. */
  bodySnap = new Uint8Array(0);
  bodyIds: (string | null)[] = [];
  bodyColorHex: (string | null)[] = [];
  /** Highest slot index + 1 that may be alive, to bound loops. */
  bodySlotsUsed = 0;

  stationVersion = 0;
  robotVersion = 0;
  bodyVersion = 0;
  /** Body ids or colours changed. */
  metaVersion = 0;

  constructor(stationCount: number, robotCount: number) {
    this.stationCount = stationCount;
    this.robotCount = robotCount;
    this.stationState = new Uint8Array(stationCount);
    // Quality "bad" until reported, so nothing looks live before data arrives.
    this.stationQuality = new Uint8Array(stationCount).fill(2);
    this.stationTs = new Float64Array(stationCount);
    this.stationJob = new Int32Array(stationCount).fill(-1);
    this.robotState = new Uint8Array(robotCount);
    this.robotQuality = new Uint8Array(robotCount).fill(2);
    this.robotTool = new Uint8Array(robotCount);
    this.robotTs = new Float64Array(robotCount);
    this.robotTarget = new Float32Array(robotCount * JOINT_COUNT);
    this.robotShown = new Float32Array(robotCount * JOINT_COUNT);
    this.robotSeen = new Uint8Array(robotCount);
    this.ensureBodyCapacity(64);
  }

  get hasState(): boolean {
    return this.revision >= 0;
  }

  /** Grows the body arrays (doubling) so `slots` slots fit; existing contents are kept. */
  ensureBodyCapacity(slots: number): void {
    if (slots <= this.bodyCapacity) return;
    let cap = Math.max(64, this.bodyCapacity);
    while (cap < slots) cap *= 2;
    const grow = <T extends Uint8Array | Int32Array | Float32Array | Float64Array>(old: T, per: number, make: (n: number) => T): T => {
      const next = make(cap * per);
      next.set(old);
      return next;
    };
    this.bodyAlive = grow(this.bodyAlive, 1, (n) => new Uint8Array(n));
    this.bodyModel = grow(this.bodyModel, 1, (n) => new Uint8Array(n));
    this.bodyQuality = grow(this.bodyQuality, 1, (n) => new Uint8Array(n));
    this.bodyLocKind = grow(this.bodyLocKind, 1, (n) => new Uint8Array(n));
    this.bodyLocIndex = grow(this.bodyLocIndex, 1, (n) => new Int32Array(n));
    this.bodyProgress = grow(this.bodyProgress, 1, (n) => new Float32Array(n));
    this.bodyTs = grow(this.bodyTs, 1, (n) => new Float64Array(n));
    this.bodyColor = grow(this.bodyColor, 3, (n) => new Float32Array(n));
    this.bodyPainted = grow(this.bodyPainted, 1, (n) => new Uint8Array(n));
    this.bodyShownPos = grow(this.bodyShownPos, 3, (n) => new Float32Array(n));
    this.bodyShownYaw = grow(this.bodyShownYaw, 1, (n) => new Float32Array(n));
    this.bodySnap = grow(this.bodySnap, 1, (n) => new Uint8Array(n));
    for (let i = this.bodyCapacity; i < cap; i++) {
      this.bodyIds.push(null);
      this.bodyColorHex.push(null);
    }
    this.bodyCapacity = cap;
  }

  /** Forget every body: a snapshot lists all bodies that exist, so the ones it does not mention are gone. */
  clearBodies(): void {
    this.bodyAlive.fill(0);
    this.bodyIds.fill(null);
    this.bodyColorHex.fill(null);
    this.bodyPainted.fill(0);
    this.stationJob.fill(-1);
    this.bodySlotsUsed = 0;
    this.bodyVersion++;
    this.metaVersion++;
    this.stationVersion++;
  }

  /** Nothing consistent is held any more (a frame failed); the next delta is refused until a snapshot. */
  invalidate(): void {
    this.revision = -1;
  }

  /** Slot of the alive body with this id, or -1. Linear: for UI lookups at a few Hz, not per frame. */
  bodySlotOf(id: string): number {
    for (let s = 0; s < this.bodySlotsUsed; s++) if (this.bodyAlive[s] === 1 && this.bodyIds[s] === id) return s;
    return -1;
  }
}
