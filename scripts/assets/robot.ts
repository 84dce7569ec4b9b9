/**
 * Six-axis industrial robots, one per kinematic model in protocol/kinematics.ts.
 *
 * Node hierarchy (each joint node's translation is the chain offset of `jointChain`, rest rotation
 * identity; set a joint node's rotation to the joint angle about its axis to pose the robot):
 *   base → shoulder (J1, +Y) → upper_arm (J2, +Z) → elbow (J3, +Z) → wrist_1 (J4, +X)
 *        → wrist_2 (J5, +Z) → wrist_3 (J6, +X) → flange (fixed, tool mount, tool along +X)
 * Geometry of each link lies in its joint node's frame (metres, Y up, X forward at J1 = 0).
 */
import { jointChain, robotModels } from '../../protocol/kinematics.ts';
import type { RobotModelId } from '../../protocol/scene-schema.ts';
import type { SceneNode } from './gltf.ts';
import { Part, box, circlePts, cylinder, extrude, hull, lathe, type Vec3 } from './mesh.ts';

export const ROBOT_JOINT_NODES = ['shoulder', 'upper_arm', 'elbow', 'wrist_1', 'wrist_2', 'wrist_3'] as const;
export const ROBOT_JOINT_AXES = ['y', 'z', 'z', 'x', 'z', 'x'] as const;

/** Visual thickness of the arm per model (metres): the payload class shows in the castings. */
const thickness: Record<RobotModelId, number> = { 'ir-210': 0.34, 'ir-paint': 0.2, 'ir-20': 0.21 };

type Links = [Part, Part, Part, Part, Part, Part, Part];

export function robotNodes(model: RobotModelId, lod: 0 | 1): SceneNode {
  const dims = robotModels[model];
  const chain = jointChain(dims);
  const links = lod === 0 ? detailedLinks(model) : simpleLinks(model);
  // Build the chain from the flange back to the base.
  let child: SceneNode = { name: 'flange', extras: { role: 'tool mount: tools attach here, pointing along +X' } };
  for (let j = 5; j >= 0; j--) {
    child = {
      name: ROBOT_JOINT_NODES[j],
      translation: [...chain[j].offset] as Vec3,
      extras: { joint: `J${j + 1}`, axis: ROBOT_JOINT_AXES[j] },
      part: links[j + 1],
      children: [child],
    };
  }
  return { name: 'base', part: links[0], extras: { robotModel: model }, children: [child] };
}

function detailedLinks(model: RobotModelId): Links {
  const d = robotModels[model];
  const t = thickness[model];
  const SEG = 28; // round parts
  const seg = 16; // small round parts
  const B = 2.3 * t + 0.14; // foot plate side
  const plate = 0.025 + 0.06 * t;
  const hb = Math.max(0.42 * d.d1, plate + 0.12); // top of the cast base (J1 bearing)
  const O = 'robot_orange', G = 'dark_grey', S = 'steel';

  // --- base (fixed) ---
  const base = new Part();
  box(base, G, [B, plate, B], [0, plate / 2, 0]);
  for (const sx of [-1, 1]) for (const sz of [-1, 1]) cylinder(base, S, 'y', plate, plate + 0.025, 0.035 * B, 0.035 * B, [sx * 0.4 * B, sz * 0.4 * B], 10);
  lathe(
    base,
    O,
    'y',
    [
      [0, plate],
      [0.47 * B, plate],
      [0.47 * B, plate + 0.03 * B],
      [0.43 * B, plate + 0.1 * B],
      [0.39 * B, plate + 0.45 * (hb - plate)],
      [0.37 * B, hb - 0.02],
      [0.36 * B, hb],
      [0, hb],
    ],
    SEG,
  );
  // cable connector box at the back
  box(base, G, [0.12 * B, 0.16 * B, 0.3 * B], [-0.43 * B, plate + 0.12 * B, 0]);

  // --- shoulder: J1 turret ---
  const shoulder = new Part();
  const ring = 0.035;
  cylinder(shoulder, G, 'y', hb, hb + ring, 0.35 * B, 0.35 * B, [0, 0], SEG);
  const tz = 1.15 * t; // turret width
  const hubR = 0.52 * t;
  const turret = hull([
    [-0.34 * B, hb + ring],
    [0.34 * B, hb + ring],
    ...circlePts(-0.12 * B, hb + ring + 0.45 * (d.d1 - hb), 0.24 * B, 12),
    ...circlePts(d.a1, d.d1, hubR, 20),
  ]);
  extrude(shoulder, O, turret, tz, 'xy', 0, { bevel: 0.03 * t + 0.01, bevelSegments: 2 });
  // J2 gearbox on the far side, J2 motor beside it
  cylinder(shoulder, G, 'z', -tz / 2, -tz / 2 - 0.12 * t, hubR * 0.95, hubR * 0.8, [d.a1, d.d1], SEG);
  cylinder(shoulder, G, 'z', -tz / 2, -tz / 2 - 0.55 * t, 0.2 * t, 0.2 * t, [d.a1 - 0.55 * t, d.d1 - 0.35 * t], seg);
  cylinder(shoulder, S, 'z', -tz / 2 - 0.55 * t, -tz / 2 - 0.6 * t, 0.16 * t, 0.16 * t, [d.a1 - 0.55 * t, d.d1 - 0.35 * t], seg);
  // J1 motor, vertical, at the back
  cylinder(shoulder, G, 'y', hb + ring + 0.05, hb + ring + 0.05 + 0.6 * t, 0.17 * t, 0.17 * t, [-0.36 * B, 0.3 * t], seg);
  cylinder(shoulder, S, 'y', hb + ring + 0.05 + 0.6 * t, hb + ring + 0.08 + 0.6 * t, 0.13 * t, 0.13 * t, [-0.36 * B, 0.3 * t], seg);

  // --- upper_arm: J2, the arm rises along +Y for a2 ---
  const upper = new Part();
  const ta = 0.62 * t; // arm thickness (z)
  const za = tz / 2 + 0.04 + ta / 2; // arm beside the turret, on +Z
  const armOutline = hull([...circlePts(0, 0, 0.5 * t, 24), ...circlePts(0, d.a2, 0.37 * t, 20)]);
  extrude(upper, O, armOutline, ta, 'xy', za, { bevel: 0.05 * t, bevelSegments: 2 });
  cylinder(upper, G, 'z', za + ta / 2, za + ta / 2 + 0.06 * t, 0.4 * t, 0.36 * t, [0, 0], SEG);
  cylinder(upper, G, 'z', za + ta / 2, za + ta / 2 + 0.05 * t, 0.28 * t, 0.25 * t, [0, d.a2], seg);
  // counterbalance behind the arm: housing, rod, brackets
  const cbX = -0.62 * t;
  cylinder(upper, O, 'y', 0.18 * d.a2, 0.55 * d.a2, 0.15 * t, 0.15 * t, [cbX, za], seg);
  cylinder(upper, G, 'y', 0.55 * d.a2, 0.58 * d.a2, 0.12 * t, 0.12 * t, [cbX, za], seg);
  cylinder(upper, S, 'y', -0.1 * t, 0.18 * d.a2, 0.05 * t, 0.05 * t, [cbX, za], 10);
  box(upper, G, [0.3 * t, 0.1 * t, 0.2 * t], [cbX + 0.12 * t, 0.56 * d.a2, za]);
  box(upper, G, [0.3 * t, 0.12 * t, 0.2 * t], [cbX + 0.1 * t, -0.1 * t, za]);

  // --- elbow: J3, forearm housing along +X at height a3 ---
  const elbow = new Part();
  const tf = 0.82 * t; // forearm housing width (z)
  const back = 0.8 * t;
  const front = Math.max(0.28 * d.d4, 0.5 * t);
  cylinder(elbow, O, 'z', -tf / 2, za - ta / 2, 0.36 * t, 0.36 * t, [0, 0], SEG);
  cylinder(elbow, G, 'z', -tf / 2, -tf / 2 - 0.05 * t, 0.3 * t, 0.26 * t, [0, 0], seg);
  const housing = hull([
    ...circlePts(0, 0, 0.38 * t, 16),
    ...circlePts(-back + 0.15 * t, d.a3, 0.3 * t, 12),
    [front, d.a3 - 0.3 * t],
    [front, d.a3 + 0.3 * t],
  ]);
  extrude(elbow, O, housing, tf, 'xy', 0, { bevel: 0.05 * t, bevelSegments: 2 });
  // wrist motors out of the back
  for (const [y, z] of [
    [0.13, -0.17],
    [0.13, 0.17],
    [-0.14, 0],
  ] as const) {
    cylinder(elbow, G, 'x', -back + 0.05 * t, -back - 0.28 * t, 0.1 * t, 0.1 * t, [d.a3 + y * t, z * t], seg);
    cylinder(elbow, S, 'x', -back - 0.28 * t, -back - 0.31 * t, 0.075 * t, 0.075 * t, [d.a3 + y * t, z * t], 10);
  }

  // --- wrist_1: J4 roll, the forearm tube and the wrist fork ---
  const w1 = new Part();
  const rw = 0.2 * t; // wrist hub radius
  cylinder(w1, G, 'x', front, front + 0.04 * t, 0.29 * t, 0.29 * t, [0, 0], SEG);
  cylinder(w1, O, 'x', front + 0.04 * t, d.d4 - 0.75 * rw, 0.27 * t, 0.2 * t, [0, 0], SEG);
  const cheekT = 0.09 * t;
  const cheek = hull([...circlePts(d.d4, 0, rw * 1.05, 16), [d.d4 - 1.6 * rw, -0.8 * rw], [d.d4 - 1.6 * rw, 0.8 * rw]]);
  for (const s of [-1, 1]) extrude(w1, O, cheek, cheekT, 'xy', s * (0.8 * rw + cheekT / 2), { bevel: cheekT * 0.3, bevelSegments: 1 });
  box(w1, O, [0.5 * rw, 1.5 * rw, 1.6 * rw + 2 * cheekT], [d.d4 - 1.55 * rw, 0, 0]);

  // --- wrist_2: J5, the wrist body ---
  const w2 = new Part();
  const flangeT = 0.018 + 0.03 * t;
  const rf = 0.1 + 0.1 * t - 0.06; // flange radius
  cylinder(w2, G, 'z', -0.8 * rw, 0.8 * rw, 0.9 * rw, 0.9 * rw, [0, 0], SEG);
  cylinder(w2, O, 'x', 0, d.d6 - flangeT - 0.012, 0.85 * rw, 0.7 * rw, [0, 0], SEG);

  // --- wrist_3: J6, the flange ---
  const w3 = new Part();
  cylinder(w3, G, 'x', -flangeT - 0.012, -flangeT, 0.75 * rw, 0.75 * rw, [0, 0], SEG);
  cylinder(w3, S, 'x', -flangeT, 0, Math.max(rf, 0.7 * rw), Math.max(rf, 0.7 * rw), [0, 0], SEG);

  return [base, shoulder, upper, elbow, w1, w2, w3];
}

/** Level of detail 1: a few boxes and eight-sided cylinders per link, same frames. */
function simpleLinks(model: RobotModelId): Links {
  const d = robotModels[model];
  const t = thickness[model];
  const B = 2.3 * t + 0.14;
  const plate = 0.025 + 0.06 * t;
  const hb = Math.max(0.42 * d.d1, plate + 0.12);
  const O = 'robot_orange', G = 'dark_grey', S = 'steel';
  const base = new Part();
  box(base, G, [B, plate, B], [0, plate / 2, 0]);
  cylinder(base, O, 'y', plate, hb, 0.45 * B, 0.37 * B, [0, 0], 8);
  const shoulder = new Part();
  const tz = 1.15 * t;
  box(shoulder, O, [0.7 * B, d.d1 - hb, tz], [0, (d.d1 + hb) / 2, 0]);
  cylinder(shoulder, O, 'z', -tz / 2, tz / 2, 0.52 * t, 0.52 * t, [d.a1, d.d1], 8);
  const upper = new Part();
  const ta = 0.62 * t;
  const za = tz / 2 + 0.04 + ta / 2;
  box(upper, O, [0.85 * t, d.a2, ta], [0, d.a2 / 2, za]);
  const elbow = new Part();
  const tf = 0.82 * t;
  const front = Math.max(0.28 * d.d4, 0.5 * t);
  box(elbow, O, [front + 0.8 * t, 0.65 * t, tf], [(front - 0.8 * t) / 2, d.a3, 0]);
  cylinder(elbow, O, 'z', -tf / 2, za, 0.36 * t, 0.36 * t, [0, 0], 8);
  const w1 = new Part();
  cylinder(w1, O, 'x', front, d.d4, 0.26 * t, 0.2 * t, [0, 0], 8);
  const w2 = new Part();
  const rw = 0.2 * t;
  box(w2, G, [1.8 * rw, 1.8 * rw, 1.6 * rw], [0, 0, 0]);
  cylinder(w2, O, 'x', 0, d.d6 - 0.02, 0.8 * rw, 0.7 * rw, [0, 0], 8);
  const w3 = new Part();
  cylinder(w3, S, 'x', -0.02, 0, 0.75 * rw, 0.75 * rw, [0, 0], 8);
  return [base, shoulder, upper, elbow, w1, w2, w3];
}
