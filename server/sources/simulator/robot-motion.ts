/**
 * Robot cycle trajectories in joint space. A plan is a list of knots (time as a fraction of the
 * station's cycle, six joint angles) joined by eased segments, so the arm starts and stops each
 * move with zero velocity, plus the intervals in which the tool is active. Plans are built per job
 * from the robot's seeded "style" (where its work area lies) with per-job variation.
 *
 * Scene angles are degrees; everything leaving this module is radians, clamped to the joint limits.
 */
import type { Robot, ToolKind } from '../../../protocol/scene-schema.ts';
import { deg } from '../../../protocol/kinematics.ts';
import type { RandomStream } from './random.ts';

const J = 6;

export type MotionPlan = {
  /** Knot times as fractions of the cycle: ascending, first 0, last 1. */
  times: number[];
  /** Knot poses, radians, six per knot. */
  poses: Float64Array;
  /** Tool-on intervals as fractions: [start0, end0, start1, end1, ...]. */
  tool: number[];
};

/** How far a work pose strays from the robot's work centre, per joint, degrees. */
const POINT_SPREAD = [12, 8, 8, 20, 15, 30];

export class RobotMotion {
  readonly tool: ToolKind;
  /** Radians. */
  readonly home: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  private readonly homeDeg: readonly number[];
  private readonly loDeg: number[];
  private readonly hiDeg: number[];
  /** Offset of the work centre from home, degrees: the robot's seeded style. */
  private readonly bias: number[];
  private readonly rng: RandomStream;

  constructor(robot: Robot, rng: RandomStream) {
    this.tool = robot.tool;
    this.rng = rng;
    this.homeDeg = robot.home;
    this.home = Float64Array.from(robot.home, deg);
    this.lo = Float64Array.from(robot.jointLimits, ([lo]) => deg(lo));
    this.hi = Float64Array.from(robot.jointLimits, ([, hi]) => deg(hi));
    // Work poses keep clear of the hard limits; home may sit on one, work poses never do.
    this.loDeg = robot.jointLimits.map(([lo, hi]) => lo + Math.min(2, (hi - lo) * 0.05));
    this.hiDeg = robot.jointLimits.map(([lo, hi]) => hi - Math.min(2, (hi - lo) * 0.05));
    this.bias = [
      rng.sign() * rng.between(20, 45),
      -rng.between(5, 25),
      -rng.between(0, 20),
      rng.between(-20, 20),
      rng.between(-25, 25),
      rng.between(-45, 45),
    ];
  }

  /**
   * A cycle of `cycleS` seconds. `minPulseS`: the shortest tool pulse, so that sampling at the
   * source's rate still sees every weld.
   */
  plan(cycleS: number, minPulseS: number): MotionPlan {
    const b = new PlanBuilder(this.home, cycleS);
    const r = this.rng;
    const approach = 0.12 * cycleS;
    const middle = cycleS - 2 * approach;
    const centre = this.bias.map((v, j) => this.homeDeg[j] + v + r.between(-3, 3));
    const point = () => this.toRad(centre.map((c, j) => c + r.between(-1, 1) * POINT_SPREAD[j]));

    switch (this.tool) {
      case 'spot-weld':
      case 'screwdriver': {
        const welding = this.tool === 'spot-weld';
        const n = welding ? r.int(4, 7) : r.int(3, 5);
        const slot = middle / n;
        const dwell = slot * (welding ? 0.4 : 0.55);
        const pulse = welding ? Math.min(dwell * 0.9, Math.max(0.5, minPulseS)) : dwell * 0.8;
        for (let k = 0; k < n; k++) {
          const at = approach + k * slot;
          const p = point();
          b.knot(at, p).knot(at + dwell, p);
          b.toolOn(at + (dwell - pulse) / 2, at + (dwell + pulse) / 2);
        }
        break;
      }
      case 'glue-nozzle': {
        const n = r.int(4, 6);
        for (let k = 0; k < n; k++) b.knot(approach + (middle * k) / (n - 1), point());
        b.toolOn(approach + 0.02 * middle, approach + 0.98 * middle);
        break;
      }
      case 'paint-bell': {
        const passes = r.int(3, 4);
        const slot = middle / passes;
        const half = r.between(20, 35);
        for (let k = 0; k < passes; k++) {
          const dir = k % 2 === 0 ? 1 : -1;
          const row = centre.map((c, j) => (j === 1 ? c + (k - (passes - 1) / 2) * 8 : j === 4 ? c - (k - (passes - 1) / 2) * 6 : c));
          const from = this.toRad(row.map((c, j) => (j === 0 ? c - dir * half : c)));
          const to = this.toRad(row.map((c, j) => (j === 0 ? c + dir * half : c)));
          const at = approach + k * slot;
          b.knot(at, from).knot(at + 0.7 * slot, to);
          b.toolOn(at, at + 0.7 * slot);
        }
        break;
      }
      case 'gripper': {
        // Pick on the far side of home, place in the work area.
        const pick = this.toRad(centre.map((c, j) => (j === 0 ? 2 * this.homeDeg[0] - c : c) + r.between(-3, 3)));
        const place = point();
        b.knot(approach, pick).knot(approach + 0.2 * middle, pick);
        b.knot(approach + 0.6 * middle, place).knot(approach + 0.85 * middle, place);
        b.toolOn(approach + 0.1 * middle, approach + 0.75 * middle);
        break;
      }
    }
    return b.done(this);
  }

  /** Degrees → radians within the work band of the joint limits. */
  private toRad(pose: number[]): number[] {
    return pose.map((v, j) => deg(Math.min(this.hiDeg[j], Math.max(this.loDeg[j], v))));
  }

  /** Writes the pose at cycle fraction `f` into `out` (radians, within limits). */
  pose(plan: MotionPlan, f: number, out: Float64Array): void {
    const { times, poses } = plan;
    let i = 0;
    while (i < times.length - 2 && times[i + 1] <= f) i++;
    const span = times[i + 1] - times[i];
    const u = span > 0 ? Math.min(1, Math.max(0, (f - times[i]) / span)) : 1;
    const e = ease(u);
    for (let j = 0; j < J; j++) {
      const a = poses[i * J + j];
      this.clampInto(out, j, a + (poses[(i + 1) * J + j] - a) * e);
    }
  }

  /** Writes an eased blend of two poses into `out`. */
  blend(from: ArrayLike<number>, to: ArrayLike<number>, u: number, out: Float64Array): void {
    const e = ease(Math.min(1, Math.max(0, u)));
    for (let j = 0; j < J; j++) this.clampInto(out, j, from[j] + (to[j] - from[j]) * e);
  }

  private clampInto(out: Float64Array, j: number, v: number): void {
    out[j] = Math.min(this.hi[j], Math.max(this.lo[j], v));
  }
}

export function toolAt(plan: MotionPlan, f: number): boolean {
  const t = plan.tool;
  for (let i = 0; i < t.length; i += 2) if (f >= t[i] && f < t[i + 1]) return true;
  return false;
}

/** Zero velocity at both ends: the arm never jerks into or out of a move. */
function ease(u: number): number {
  return 0.5 - 0.5 * Math.cos(Math.PI * u);
}

/** Collects knots in seconds, then normalises to fractions; starts and ends at home. */
class PlanBuilder {
  private readonly times: number[] = [0];
  private readonly poses: number[];
  private readonly tool: number[] = [];

  constructor(
    private readonly home: Float64Array,
    private readonly cycleS: number,
  ) {
    this.poses = [...home];
  }

  knot(atS: number, pose: number[]): this {
    this.times.push(atS);
    this.poses.push(...pose);
    return this;
  }

  toolOn(fromS: number, toS: number): this {
    this.tool.push(fromS, toS);
    return this;
  }

  done(motion: RobotMotion): MotionPlan {
    this.knot(this.cycleS, [...this.home]);
    const s = this.cycleS;
    const poses = Float64Array.from(this.poses);
    // Knots are already inside the limits; clamping again keeps rounding from leaking out.
    for (let i = 0; i < poses.length; i++) poses[i] = Math.min(motion.hi[i % J], Math.max(motion.lo[i % J], poses[i]));
    return { times: this.times.map((t) => Math.min(1, t / s)), poses, tool: this.tool.map((t) => Math.min(1, t / s)) };
  }
}
