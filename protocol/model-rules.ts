/**
 * The rules a glTF model must follow to stand in for a built-in one (docs/models.md, "Bring your own
 * model"), written once over a plain description of the file's nodes and size, so the browser (three.js
 * scene graph) and `npm run check-scene` (glTF-Transform document) give the same verdict. Each problem comes
 * with English words (`message`, for the CLI) and as a code with values (`code`, `params`), which the browser
 * words in the language shown.
 */
import { jointChain, robotModels } from './kinematics.ts';
import type { RobotModelId } from './scene-schema.ts';

/** Robot joint nodes from the base to the tool mount, each a direct child of the one before. */
export const ROBOT_NODES = ['base', 'shoulder', 'upper_arm', 'elbow', 'wrist_1', 'wrist_2', 'wrist_3', 'flange'] as const;

export type ModelRole = { kind: 'robot'; model: RobotModelId } | { kind: 'station'; footprint: [number, number] } | { kind: 'body' };

/** What a scale problem takes the size mistake for, from how far off the model is. */
export const unitGuesses = ['millimetres', 'centimetres', 'inches'] as const;
export type UnitGuess = (typeof unitGuesses)[number];

type Vec3 = readonly [number, number, number];

/**
 * What a rule found, for a program: a stable `code` and the values its words are made of (`params`), so the
 * browser can say it in the language shown (client/src/models/problem-text.ts); distances in metres.
 */
export type ModelProblemDetail =
  | { code: 'no-geometry'; params: Record<string, never> }
  | { code: 'wrong-scale'; params: { size: number; expected: number; role: ModelRole; unitGuess: UnitGuess | null } }
  | { code: 'missing-joints'; params: { missing: string[] } }
  | { code: 'joint-parent'; params: { node: string; expectedParent: string; parent: string | null } }
  | { code: 'joint-offset'; params: { node: string; model: RobotModelId; at: Vec3; expected: Vec3 } }
  | { code: 'joint-rotation'; params: { node: string } }
  | { code: 'joint-scale'; params: { node: string; scale: Vec3 } };

export type ModelProblemCode = ModelProblemDetail['code'];

/** Every code the rules produce (the client's dictionaries hold words for each; a unit test checks). */
export const modelProblemCodes = Object.keys({
  'no-geometry': true,
  'wrong-scale': true,
  'missing-joints': true,
  'joint-parent': true,
  'joint-offset': true,
  'joint-rotation': true,
  'joint-scale': true,
} satisfies Record<ModelProblemCode, true>) as ModelProblemCode[];

export type ModelProblem = ModelProblemDetail & {
  /** error: the model is not used (the built-in one is drawn); warning: used, but something will look wrong. */
  severity: 'error' | 'warning';
  /** The same in English words, for `npm run check-scene` and logs. */
  message: string;
};

/** A node as the checks need it: its name, its parent's name, and its local transform. */
export type ModelNodeInfo = {
  name: string;
  parent: string | null;
  translation: readonly [number, number, number];
  rotation: readonly [number, number, number, number];
  scale: readonly [number, number, number];
};

/** What a loader reports about a file: its nodes and the size of its bounding box at rest, metres. */
export type ModelFacts = { nodes: ModelNodeInfo[]; size: readonly [number, number, number] };

/** three.js renames nodes on load (PropertyBinding.sanitizeNodeName); the checks compare names the same way. */
export function sanitizeNodeName(name: string): string {
  return name.replace(/\s/g, '_').replace(/[[\].:/]/g, '');
}

/** Paths the scene may name: under assets/, relative, no way out of the folder. */
export const MODEL_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))(?!.*\/\/)assets\/[A-Za-z0-9._\-/]+\.(?:glb|gltf)$/;

const fmt = (v: readonly number[]) => `[${v.map((x) => Number(x.toFixed(3))).join(', ')}]`;
const metres = (m: number) => (m >= 100 ? `${Math.round(m).toLocaleString('en-US')} m` : `${Number(m.toPrecision(3))} m`);

/** About how large the built-in model for this role is (its largest extent, metres), and what it is. */
export function expectedExtent(role: ModelRole): { extent: number; what: string } {
  if (role.kind === 'robot') {
    const d = robotModels[role.model];
    return { extent: Math.max(d.d1 + d.a2 + d.a3, d.a1 + d.d4 + d.d6), what: `an ${role.model} robot` };
  }
  if (role.kind === 'body') return { extent: 4.7, what: 'a car body' };
  return { extent: Math.max(role.footprint[0], role.footprint[1]), what: `this station (footprint ${role.footprint[0]} × ${role.footprint[1]} m)` };
}

/**
 * Size check: a model more than 4× larger or smaller than what it replaces is taken for a units mistake
 * (millimetres, centimetres or inches exported as metres), which would draw it absurdly, so it is refused.
 */
export function checkScale(role: ModelRole, size: readonly [number, number, number]): ModelProblem[] {
  const largest = Math.max(size[0], size[1], size[2]);
  if (!Number.isFinite(largest) || largest <= 0) return [{ severity: 'error', code: 'no-geometry', params: {}, message: 'has no geometry (its bounding box is empty)' }];
  const { extent, what } = expectedExtent(role);
  const ratio = largest / extent;
  // A station's machine may well be much smaller than its floor space; only "far too large" is suspicious there.
  const low = role.kind === 'station' ? 0.02 : 0.25;
  if (ratio > 4 || ratio < low) {
    const unitGuess: UnitGuess | null = ratio > 500 ? 'millimetres' : ratio > 60 ? 'centimetres' : ratio > 20 ? 'inches' : null;
    const hint = unitGuess ? ` (${unitGuess}?)` : '';
    return [
      {
        severity: 'error',
        code: 'wrong-scale',
        params: { size: largest, expected: extent, role, unitGuess },
        message: `is ${metres(largest)} across, ${what} is about ${metres(extent)}: wrong scale${hint}; glTF models are in metres`,
      },
    ];
  }
  return [];
}

/** Robot check: the joint nodes exist, are chained, carry no rotation or scale, and sit where the kinematic model puts them. */
export function checkRobotNodes(model: RobotModelId, nodes: readonly ModelNodeInfo[]): ModelProblem[] {
  const byName = new Map<string, ModelNodeInfo>();
  for (const n of nodes) if (!byName.has(n.name)) byName.set(n.name, n);
  const missing = ROBOT_NODES.filter((n) => !byName.has(n));
  if (missing.length > 0)
    return [{ severity: 'error', code: 'missing-joints', params: { missing }, message: `has no joint node${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (a robot needs ${ROBOT_NODES.join(' → ')})` }];
  const problems: ModelProblem[] = [];
  for (let j = 1; j < ROBOT_NODES.length; j++) {
    const node = byName.get(ROBOT_NODES[j])!;
    if (node.parent !== ROBOT_NODES[j - 1])
      problems.push({
        severity: 'error',
        code: 'joint-parent',
        params: { node: node.name, expectedParent: ROBOT_NODES[j - 1], parent: node.parent },
        message: `node "${node.name}" must be a direct child of "${ROBOT_NODES[j - 1]}", but its parent is ${node.parent ? `"${node.parent}"` : 'the scene root'}`,
      });
  }
  if (problems.length > 0) return problems;
  const chain = jointChain(robotModels[model]);
  for (let j = 1; j < ROBOT_NODES.length; j++) {
    const node = byName.get(ROBOT_NODES[j])!;
    // The flange sits on wrist_3's origin; the joints at the chain offsets.
    const want = j <= 6 ? chain[j - 1].offset : ([0, 0, 0] as [number, number, number]);
    const off = Math.hypot(node.translation[0] - want[0], node.translation[1] - want[1], node.translation[2] - want[2]);
    if (off > 0.02)
      problems.push({
        severity: 'warning',
        code: 'joint-offset',
        params: { node: node.name, model, at: [...node.translation], expected: [...want] },
        message: `node "${node.name}" is at ${fmt(node.translation)} from its parent, the ${model} kinematic model puts it at ${fmt(want)}: the drawn arm will not match the reported pose`,
      });
    const [x, y, z, w] = node.rotation;
    if (Math.abs(w) < 0.9999 || Math.hypot(x, y, z) > 0.01) problems.push({ severity: 'warning', code: 'joint-rotation', params: { node: node.name }, message: `node "${node.name}" has a rest rotation, which is replaced when the robot is posed (bake it into the meshes below it)` });
    const [sx, sy, sz] = node.scale;
    if (Math.abs(sx - 1) + Math.abs(sy - 1) + Math.abs(sz - 1) > 1e-3) problems.push({ severity: 'warning', code: 'joint-scale', params: { node: node.name, scale: [...node.scale] }, message: `node "${node.name}" has a scale ${fmt(node.scale)}; joint nodes must have scale 1` });
  }
  return problems;
}

/** Everything the rules say about a file in a role. */
export function checkModel(role: ModelRole, facts: ModelFacts): ModelProblem[] {
  const problems: ModelProblem[] = [];
  if (role.kind === 'robot') problems.push(...checkRobotNodes(role.model, facts.nodes));
  if (problems.some((p) => p.severity === 'error')) return problems;
  problems.push(...checkScale(role, facts.size));
  return problems;
}

/** Where a scene points at a model of its own: the JSON path of the field, the file, and its role. */
export type ModelReference = { where: string; file: string; role: ModelRole };

type SceneLike = {
  robots?: ReadonlyArray<{ model: RobotModelId; model3d?: string }>;
  stations: ReadonlyArray<{ footprint: [number, number]; model3d?: string }>;
  bodyModels?: { sedan?: string; suv?: string };
};

export function modelReferences(scene: SceneLike): ModelReference[] {
  const refs: ModelReference[] = [];
  (scene.robots ?? []).forEach((r, i) => {
    if (r.model3d) refs.push({ where: `$.robots[${i}].model3d`, file: r.model3d, role: { kind: 'robot', model: r.model } });
  });
  scene.stations.forEach((s, i) => {
    if (s.model3d) refs.push({ where: `$.stations[${i}].model3d`, file: s.model3d, role: { kind: 'station', footprint: s.footprint } });
  });
  for (const style of ['sedan', 'suv'] as const) {
    const file = scene.bodyModels?.[style];
    if (file) refs.push({ where: `$.bodyModels.${style}`, file, role: { kind: 'body' } });
  }
  return refs;
}

/** A role's identity for checking each file once per way it is used. */
export function roleKey(role: ModelRole): string {
  return role.kind === 'robot' ? `robot:${role.model}` : role.kind === 'station' ? `station:${role.footprint.join('x')}` : 'body';
}
