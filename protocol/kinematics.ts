/**
 * Six-axis robot kinematics. Robots are rigid links posed by forward kinematics; the client and the
 * model builder both use this chain so the rendered pose and the state agree.
 *
 * Robot base frame: Y up, X forward (the direction the robot faces at J1 = 0), metres.
 * Chain (each joint: translate by `offset` in the parent link's frame, then rotate about `axis`):
 *   J1 yaw   about Y at the base
 *   J2 pitch about Z at the shoulder [a1, d1, 0]    (J2 = 0: upper arm vertical)
 *   J3 pitch about Z at the elbow    [0, a2, 0]     (J3 = 0: forearm horizontal, forward)
 *   J4 roll  about X at              [0, a3, 0]     (forearm axis)
 *   J5 pitch about Z at the wrist    [d4, 0, 0]
 *   J6 roll  about X at the flange   [d6, 0, 0]
 * Link frames 0..6: base, turret, upper arm, forearm, wrist 1, wrist 2, flange.
 */
import type { RobotModelId } from './scene-schema.ts';

export type RobotDimensions = { d1: number; a1: number; a2: number; a3: number; d4: number; d6: number };

export const robotModels: Record<RobotModelId, RobotDimensions & { name: string; payloadKg: number }> = {
  // A 210 kg spot-welding robot.
  'ir-210': { name: '6-axis 210 kg', payloadKg: 210, d1: 0.675, a1: 0.35, a2: 1.15, a3: 0.041, d4: 1.2, d6: 0.215 },
  // A slim painting robot with a long forearm.
  'ir-paint': { name: '6-axis paint', payloadKg: 15, d1: 0.5, a1: 0.1, a2: 1.0, a3: 0.1, d4: 1.1, d6: 0.14 },
  // A 20 kg handling robot for assembly (glazing, wheels, screwdriving).
  'ir-20': { name: '6-axis 20 kg', payloadKg: 20, d1: 0.45, a1: 0.16, a2: 0.78, a3: 0.1, d4: 0.8, d6: 0.1 },
};

export const LINK_COUNT = 7;
export type Axis = 'x' | 'y' | 'z';
export type JointSpec = { offset: [number, number, number]; axis: Axis };

export function jointChain(d: RobotDimensions): JointSpec[] {
  return [
    { offset: [0, 0, 0], axis: 'y' },
    { offset: [d.a1, d.d1, 0], axis: 'z' },
    { offset: [0, d.a2, 0], axis: 'z' },
    { offset: [0, d.a3, 0], axis: 'x' },
    { offset: [d.d4, 0, 0], axis: 'z' },
    { offset: [d.d6, 0, 0], axis: 'x' },
  ];
}

/**
 * Forward kinematics: writes the 7 link frames (column-major 4×4, relative to the robot base)
 * into `out` (length ≥ 7 × 16). No allocation, so it can run per frame.
 */
export function forwardKinematics(chain: readonly JointSpec[], joints: ArrayLike<number>, out: Float64Array | Float32Array, jointOffset = 0): void {
  identity(out, 0);
  for (let j = 0; j < 6; j++) {
    const p = j * 16;
    const c = (j + 1) * 16;
    const { offset, axis } = chain[j];
    const q = joints[jointOffset + j];
    const cs = Math.cos(q);
    const sn = Math.sin(q);
    // Local transform L = T(offset) · R(axis, q); child = parent · L.
    // Rotation columns of R:
    let r00 = 1, r10 = 0, r20 = 0, r01 = 0, r11 = 1, r21 = 0, r02 = 0, r12 = 0, r22 = 1;
    if (axis === 'x') { r11 = cs; r21 = sn; r12 = -sn; r22 = cs; }
    else if (axis === 'y') { r00 = cs; r20 = -sn; r02 = sn; r22 = cs; }
    else { r00 = cs; r10 = sn; r01 = -sn; r11 = cs; }
    const [tx, ty, tz] = offset;
    for (let row = 0; row < 3; row++) {
      const a0 = out[p + row], a1 = out[p + 4 + row], a2 = out[p + 8 + row], a3 = out[p + 12 + row];
      out[c + row] = a0 * r00 + a1 * r10 + a2 * r20;
      out[c + 4 + row] = a0 * r01 + a1 * r11 + a2 * r21;
      out[c + 8 + row] = a0 * r02 + a1 * r12 + a2 * r22;
      out[c + 12 + row] = a0 * tx + a1 * ty + a2 * tz + a3;
    }
    out[c + 3] = 0; out[c + 7] = 0; out[c + 11] = 0; out[c + 15] = 1;
  }
}

function identity(m: Float64Array | Float32Array, o: number): void {
  for (let i = 0; i < 16; i++) m[o + i] = i % 5 === 0 ? 1 : 0;
}

export const deg = (d: number): number => (d * Math.PI) / 180;
