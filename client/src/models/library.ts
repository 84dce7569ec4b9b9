/**
 * Kits for one scene, built once from the loaded glTF files: per robot kit the seven link kits (near and
 * far level), per tool kind, per body style (painted and body in white, near and far), equipment, and the
 * scene's own models where they passed the checks. Far levels without a low-detail file are the
 * procedural shapes the client draws without models.
 */
import { Color } from 'three';
import type { GLTF } from 'three-stdlib';
import { ROBOT_NODES } from '../../../protocol/model-rules.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { toolKinds, type RobotModelId, type ToolKind } from '../../../protocol/scene-kinds.ts';
import { bodyModels, type BodyModel } from '../../../protocol/state.ts';
import { litMaterial } from '../scene/materials.ts';
import { panelStackShape, ShapeBuilder, stationShape, toolShape } from '../scene/shapes.ts';
import { bake } from './bake.ts';
import { gltfNodes, type CustomModel } from './custom.ts';
import { bodyFile, builtinFiles, equipmentFile, equipmentNames, robotFile, stationEquipment, toolFile, type EquipmentName } from './files.ts';
import { disposeKit, kitFromBaked, kitFromShape, type Kit } from './kit.ts';
import type { ModelNoticeItem } from './model-status.ts';

/** The seven link kits of a robot (base … wrist_3), at one level of detail. */
export type LinkKits = Kit[];
export type RobotKit = { key: string; near: LinkKits; far: LinkKits | null };
export type BodyKit = { near: Kit; far: Kit | null; rockerHeight: number };

export type Library = {
  robots: RobotKit[];
  /** Robot i is drawn with robots[robotKit[i]]. */
  robotKit: Int32Array;
  tools: Record<ToolKind, { near: Kit; far: Kit; tcp: [number, number, number] }>;
  bodies: Record<BodyModel, { painted: BodyKit; biw: BodyKit }>;
  panels: Kit;
  skid: { near: Kit; far: Kit; bodyHeight: number };
  equipment: Record<EquipmentName, Kit>;
  /** Far level of each modelled station kind: the procedural shape. */
  stationFar: Map<string, Kit>;
  fenceFar: Kit;
  conveyorFar: Kit;
  /** Custom station kits; station i uses stationCustom[stationCustomKit[i]], -1 for none. */
  stationCustom: Kit[];
  stationCustomKit: Int32Array;
  notices: ModelNoticeItem[];
  dispose(): void;
};

/** Linear-space colour of an sRGB hex (vertex colours are linear). */
const tone = (hex: number): [number, number, number] => {
  const c = new Color(hex);
  return [c.r, c.g, c.b];
};

function robotLinks(gltf: GLTF): LinkKits {
  const nodes = gltfNodes(gltf);
  const joints = ROBOT_NODES.slice(0, 7).map((n) => nodes.get(n)!);
  return joints.map((joint, k) => {
    const next = joints[k + 1];
    return kitFromBaked(bake(joint, next ? (o) => o === next : undefined));
  });
}

function wholeKit(gltf: GLTF): Kit {
  return kitFromBaked(bake(gltf.scene));
}

const num = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

export function buildLibrary(scene: ResolvedScene, gltfs: GLTF[], custom: CustomModel[]): Library {
  const byFile = new Map(builtinFiles.map((f, i) => [f, gltfs[i]]));
  const gltf = (file: string) => byFile.get(file)!;
  const kits: Kit[] = [];
  const keep = (k: Kit) => (kits.push(k), k);
  const notices: ModelNoticeItem[] = [];
  for (const c of custom)
    for (const p of c.problems)
      notices.push({ file: c.file, severity: p.severity, message: p.severity === 'error' ? { key: 'models.builtinInstead', values: { problem: p.message } } : p.message });

  // Robots: one kit per built-in model, one per file of the scene's own that passed the checks.
  const robots: RobotKit[] = [];
  const robotKeys = new Map<string, number>();
  const builtinRobot = (model: RobotModelId) => {
    const key = `builtin:${model}`;
    let i = robotKeys.get(key);
    if (i === undefined) {
      const near = robotLinks(gltf(robotFile(model, 0))).map(keep);
      const far = robotLinks(gltf(robotFile(model, 1))).map(keep);
      i = robots.push({ key, near, far }) - 1;
      robotKeys.set(key, i);
    }
    return i;
  };
  const customFor = new Map(custom.map((c) => [c.where, c]));
  const robotKit = new Int32Array(scene.robots.length);
  scene.robots.forEach((r, i) => {
    const c = customFor.get(`$.robots[${i}].model3d`);
    if (c?.usable && c.gltf) {
      const key = `custom:${c.file}`;
      let k = robotKeys.get(key);
      if (k === undefined) {
        // A model of your own has one level of detail: it is drawn as it is at every distance.
        k = robots.push({ key, near: robotLinks(c.gltf).map(keep), far: null }) - 1;
        robotKeys.set(key, k);
      }
      robotKit[i] = k;
    } else robotKit[i] = builtinRobot(r.model);
  });

  const toolFar = litMaterial({ vertexColors: true, color: 0x6b747e, roughness: 0.4, metalness: 0.3 });
  const tools = {} as Library['tools'];
  for (const kind of toolKinds) {
    const g = gltf(toolFile(kind));
    const tcp = g.scene.userData.tcp as unknown;
    tools[kind] = {
      near: keep(wholeKit(g)),
      far: keep(kitFromShape(toolShape(kind), toolFar)),
      tcp: Array.isArray(tcp) && tcp.length === 3 ? (tcp as [number, number, number]) : [0.4, 0, 0],
    };
  }

  const bodies = {} as Library['bodies'];
  for (const model of bodyModels) {
    const c = custom.find((m) => m.where === `$.bodyModels.${model}`);
    if (c?.usable && c.gltf) {
      const kit: BodyKit = { near: keep(wholeKit(c.gltf)), far: null, rockerHeight: num(c.gltf.scene.userData.rockerHeight, 0.17) };
      // The body in white is the same model, its paint recoloured bare steel (one kit, one draw call).
      bodies[model] = { painted: kit, biw: kit };
      continue;
    }
    const rocker = num(gltf(bodyFile(model, false, 0)).scene.userData.rockerHeight, 0.17);
    bodies[model] = {
      painted: { near: keep(wholeKit(gltf(bodyFile(model, false, 0)))), far: keep(wholeKit(gltf(bodyFile(model, false, 1)))), rockerHeight: rocker },
      biw: { near: keep(wholeKit(gltf(bodyFile(model, true, 0)))), far: keep(wholeKit(gltf(bodyFile(model, true, 1)))), rockerHeight: rocker },
    };
  }

  const shapeMaterial = litMaterial({ vertexColors: true, roughness: 0.62, metalness: 0.25 });
  const panels = keep(kitFromShape(panelStackShape(), litMaterial({ vertexColors: true, roughness: 0.32, metalness: 0.35 })));
  const skidGltf = gltf(equipmentFile('skid'));
  const steelDark = tone(0x3d434b);
  const skidFar = new ShapeBuilder()
    .span(-2.2, 0, -0.5, 2.2, 0.1, -0.4, steelDark)
    .span(-2.2, 0, 0.4, 2.2, 0.1, 0.5, steelDark)
    .span(-1.05, 0.1, -0.8, -0.95, 0.45, 0.8, steelDark)
    .span(0.95, 0.1, -0.8, 1.05, 0.45, 0.8, steelDark)
    .build();
  const skid = { near: keep(wholeKit(skidGltf)), far: keep(kitFromShape(skidFar, shapeMaterial)), bodyHeight: num(skidGltf.scene.userData.bodyHeight, 0.45) };

  const equipment = {} as Record<EquipmentName, Kit>;
  for (const name of equipmentNames) if (name !== 'skid') equipment[name] = keep(wholeKit(gltf(equipmentFile(name))));

  const stationFar = new Map<string, Kit>();
  for (const kind of Object.keys(stationEquipment)) stationFar.set(kind, keep(kitFromShape(stationShape(kind as never), shapeMaterial)));

  const yellow = tone(0xe8c547);
  const fenceFar = keep(
    kitFromShape(new ShapeBuilder().span(-1, 0, -0.03, -0.94, 2.1, 0.03, yellow).span(0.94, 0, -0.03, 1, 2.1, 0.03, yellow).span(-0.94, 1.96, -0.012, 0.94, 2.04, 0.012, yellow).span(-0.94, 0.13, -0.012, 0.94, 0.17, 0.012, yellow).build(), shapeMaterial),
  );
  const blue = tone(0x2f5d8a);
  const bed = tone(0x8d949c);
  const conveyorFar = keep(
    kitFromShape(new ShapeBuilder().span(-0.5, 0.26, -0.56, 0.5, 0.5, -0.44, blue).span(-0.5, 0.26, 0.44, 0.5, 0.5, 0.56, blue).span(-0.5, 0.42, -0.44, 0.5, 0.47, 0.44, bed).build(), shapeMaterial),
  );

  const stationCustom: Kit[] = [];
  const stationFiles = new Map<string, number>();
  const stationCustomKit = new Int32Array(scene.stations.length).fill(-1);
  scene.stations.forEach((_, i) => {
    const c = customFor.get(`$.stations[${i}].model3d`);
    if (!c?.usable || !c.gltf) return;
    let k = stationFiles.get(c.file);
    if (k === undefined) {
      k = stationCustom.push(keep(wholeKit(c.gltf))) - 1;
      stationFiles.set(c.file, k);
    }
    stationCustomKit[i] = k;
  });

  return {
    robots,
    robotKit,
    tools,
    bodies,
    panels,
    skid,
    equipment,
    stationFar,
    fenceFar,
    conveyorFar,
    stationCustom,
    stationCustomKit,
    notices,
    dispose() {
      for (const k of kits) disposeKit(k);
    },
  };
}

