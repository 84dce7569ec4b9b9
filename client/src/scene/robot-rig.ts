/**
 * Robot rigs: per robot its kinematic chain (protocol/kinematics.ts), base pose, and the fixed matrix that
 * turns a unit shape into each link's box or tube, sized from the model's link lengths. The drawn link
 * matrix is base × FK frame × link shape.
 */
import { Matrix4, Quaternion, Vector3 } from 'three';
import { forwardKinematics, jointChain, LINK_COUNT, robotModels, type JointSpec, type RobotDimensions } from '../../../protocol/kinematics.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { RobotModelId, ToolKind } from '../../../protocol/scene-schema.ts';

export type RobotRig = {
  chain: JointSpec[];
  base: Matrix4;
  /** LINK_COUNT shape matrices. */
  links: Matrix4[];
  model: RobotModelId;
  tool: ToolKind;
  station: string;
  /** Characteristic thickness of the arm, metres. */
  thickness: number;
};

/** Link shapes: 'box' uses the unit box, 'tube' the unit cylinder along x, 'post' the unit cylinder along y. */
export const linkShapeKind = ['post', 'box', 'box', 'box', 'tube', 'box', 'tube'] as const;

const DEG = Math.PI / 180;
const q = new Quaternion();

/** Matrix that maps the unit shape (centred, size 1) onto the box [x0,x1]×[y0,y1]×[z0,z1]. */
function spanMatrix(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number): Matrix4 {
  return new Matrix4().compose(new Vector3((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2), q.identity(), new Vector3(x1 - x0, y1 - y0, z1 - z0));
}

export function linkShapes(d: RobotDimensions, t: number): Matrix4[] {
  return [
    spanMatrix(-1.25 * t, 0, -1.25 * t, 1.25 * t, 0.28 * d.d1, 1.25 * t), // pedestal
    spanMatrix(-0.95 * t, 0.28 * d.d1, -0.85 * t, d.a1 + 0.75 * t, d.d1 + 0.45 * t, 0.85 * t), // turret
    spanMatrix(-0.5 * t, -0.45 * t, -0.48 * t, 0.5 * t, d.a2 + 0.35 * t, 0.48 * t), // upper arm
    spanMatrix(-0.95 * t, -0.55 * t, -0.6 * t, 0.6 * t, d.a3 + 0.5 * t, 0.6 * t), // elbow housing
    spanMatrix(0.2 * t, -0.36 * t, -0.36 * t, d.d4 - 0.25 * t, 0.36 * t, 0.36 * t), // forearm tube
    spanMatrix(-0.32 * t, -0.3 * t, -0.34 * t, Math.max(d.d6 - 0.02, 0.3 * t), 0.3 * t, 0.34 * t), // wrist
    spanMatrix(-0.02, -0.22 * t, -0.22 * t, 0.03, 0.22 * t, 0.22 * t), // flange
  ];
}

export function buildRigs(scene: ResolvedScene): RobotRig[] {
  return scene.robots.map((r) => {
    const dims = robotModels[r.model];
    const thickness = Math.max(0.16, dims.a2 * 0.27);
    const base = new Matrix4().compose(
      new Vector3(...r.base.position),
      new Quaternion().setFromAxisAngle(new Vector3(0, 1, 0), (r.base.rotation ?? 0) * DEG),
      new Vector3(1, 1, 1),
    );
    return { chain: jointChain(dims), base, links: linkShapes(dims, thickness), model: r.model, tool: r.tool, station: r.station, thickness };
  });
}

/** Scratch for forward kinematics of one robot: LINK_COUNT column-major 4×4 frames. */
export const fkFrames = new Float64Array(LINK_COUNT * 16);

export { forwardKinematics, LINK_COUNT };
