/**
 * Six-axis robots posed by forward kinematics: one instanced mesh per link index (all robots), one per tool
 * kind at the flange, and one of glows at active tools. Joint angles are eased per frame (live/motion.ts).
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { AdditiveBlending, Color, Matrix4, MeshBasicMaterial, type InstancedMesh } from 'three';
import { litMaterial } from './materials.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { ToolKind } from '../../../protocol/scene-schema.ts';
import { JOINT_COUNT, qualityCode, robotStateCode } from '../../../protocol/state.ts';
import type { LiveState } from '../live/live-state.ts';
import { easeRobots } from '../live/motion.ts';
import { useCommitProbe } from './commit-probe.ts';
import { fade, makeInstanced, matricesChanged, scratchColor, scratchMatrix, scratchMatrix2, scratchVec, setPick } from './instancing.ts';
import { fkFrames, forwardKinematics, LINK_COUNT, linkShapeKind, type RobotRig } from './robot-rig.ts';
import { glowShape, toolGlowColor, toolShape, toolTip, unitBox, unitCylinder } from './shapes.ts';

type Props = { scene: ResolvedScene; live: LiveState; rigs: RobotRig[] };

const ROBOT_ORANGE = 0xf08a24;
const PAINT_WHITE = 0xe6eaee;
const PEDESTAL = 0x3d434b;
const OFF_GREY = 0x8a8f96;
const TOOL_IDLE = 0x6b747e;
// Parsed once: per-frame code must not parse colour strings (it allocates).
const glowColors = Object.fromEntries(Object.entries(toolGlowColor).map(([k, v]) => [k, new Color(v)])) as Record<ToolKind, Color>;

export function Robots({ scene, live, rigs }: Props) {
  useCommitProbe();
  const built = useMemo(() => buildRobots(scene, rigs), [scene, rigs]);
  useEffect(() => () => built.dispose(), [built]);
  const seen = useRef(-1);

  useFrame((state, dt) => {
    const n = live.robotCount;
    if (n === 0) return;
    const moved = easeRobots(live, dt);
    const changed = live.robotVersion !== seen.current;
    seen.current = live.robotVersion;
    const { rigs, links, tools, glow, flange } = built;

    if (moved || changed) {
      for (let i = 0; i < n; i++) {
        const rig = rigs[i];
        forwardKinematics(rig.chain, live.robotShown, fkFrames, i * JOINT_COUNT);
        for (let k = 0; k < LINK_COUNT; k++) {
          scratchMatrix.fromArray(fkFrames, k * 16);
          scratchMatrix2.multiplyMatrices(rig.base, scratchMatrix);
          if (k === LINK_COUNT - 1) scratchMatrix2.toArray(flange, i * 16);
          scratchMatrix.multiplyMatrices(scratchMatrix2, rig.links[k]);
          links[k].setMatrixAt(i, scratchMatrix);
        }
        scratchMatrix.fromArray(flange, i * 16);
        tools[rig.tool].mesh.setMatrixAt(built.toolSlot[i], scratchMatrix);
      }
      for (const m of links) matricesChanged(m);
      for (const m of built.toolMeshes) matricesChanged(m);
    }

    if (changed) {
      for (let i = 0; i < n; i++) {
        const rig = rigs[i];
        const good = live.robotQuality[i] === qualityCode.good;
        const off = live.robotState[i] === robotStateCode.off;
        scratchColor.set(PEDESTAL);
        if (!good) fade(scratchColor, 0.4);
        links[0].setColorAt(i, scratchColor);
        scratchColor.set(off ? OFF_GREY : rig.model === 'ir-paint' ? PAINT_WHITE : ROBOT_ORANGE);
        if (!good) fade(scratchColor);
        for (let k = 1; k < LINK_COUNT; k++) links[k].setColorAt(i, scratchColor);
        const active = live.robotTool[i] === 1 && good;
        if (active) scratchColor.copy(glowColors[rig.tool]);
        else scratchColor.set(TOOL_IDLE);
        tools[rig.tool].mesh.setColorAt(built.toolSlot[i], scratchColor);
      }
      for (const m of links) m.instanceColor!.needsUpdate = true;
      for (const m of built.toolMeshes) m.instanceColor!.needsUpdate = true;
    }

    // Glows flicker while tools work, so they are redrawn every frame any tool is active. Only active
    // tools get an instance (count = active), so idle glows cost nothing.
    let active = 0;
    const t = state.clock.elapsedTime;
    for (let i = 0; i < n; i++) {
      if (live.robotTool[i] !== 1 || live.robotQuality[i] !== qualityCode.good) continue;
      const rig = rigs[i];
      const tip = toolTip[rig.tool];
      const s = rig.tool === 'spot-weld' ? 0.55 + 0.45 * Math.abs(Math.sin(t * 31 + i * 1.7)) : 0.85 + 0.15 * Math.sin(t * 6 + i);
      scratchMatrix.fromArray(flange, i * 16);
      scratchVec.set(tip[0], tip[1], tip[2]).applyMatrix4(scratchMatrix);
      scratchMatrix.makeScale(s, s, s).setPosition(scratchVec);
      glow.setMatrixAt(active, scratchMatrix);
      glow.setColorAt(active, glowColors[rig.tool]);
      active++;
    }
    if (active > 0 || glow.count > 0) {
      glow.count = active;
      matricesChanged(glow);
      glow.instanceColor!.needsUpdate = true;
    }
  });

  return (
    <group name="robots">
      {built.all.map((m) => (
        <primitive key={m.name} object={m} />
      ))}
    </group>
  );
}

function buildRobots(scene: ResolvedScene, rigs: RobotRig[]) {
  const n = rigs.length;
  const robotPick = (i: number) => ({ kind: 'robot' as const, id: scene.robots[i].id });
  // Vertex colours (white: ShapeBuilder's tone 1) only so that these share a shader program with the other
  // lit instanced meshes: every distinct program is a compile before the first frame.
  const material = litMaterial({ vertexColors: true, roughness: 0.45, metalness: 0.15 });
  const box = unitBox();
  const post = unitCylinder('y', 12);
  const tube = unitCylinder('x', 10);
  const links: InstancedMesh[] = linkShapeKind.map((kind, k) => {
    const geo = kind === 'box' ? box : kind === 'post' ? post : tube;
    const mesh = makeInstanced(geo, material, n, { name: `robot-link-${k}`, dynamic: true, shadows: true });
    setPick(mesh, robotPick);
    return mesh;
  });

  const toolMaterial = litMaterial({ vertexColors: true, roughness: 0.35, metalness: 0.5 });
  const toolSlot = new Int32Array(n);
  const toolRobots = new Map<ToolKind, number[]>();
  rigs.forEach((r, i) => {
    const list = toolRobots.get(r.tool) ?? [];
    toolSlot[i] = list.length;
    list.push(i);
    toolRobots.set(r.tool, list);
  });
  const tools = {} as Record<ToolKind, { mesh: InstancedMesh; robots: number[] }>;
  for (const [kind, robots] of toolRobots) {
    const mesh = makeInstanced(toolShape(kind), toolMaterial, robots.length, { name: `robot-tool-${kind}`, dynamic: true, shadows: true });
    setPick(mesh, (j) => robotPick(robots[j]));
    tools[kind] = { mesh, robots };
  }

  const glowMaterial = new MeshBasicMaterial({ transparent: true, opacity: 0.85, blending: AdditiveBlending, depthWrite: false, toneMapped: false });
  const glow = makeInstanced(glowShape(), glowMaterial, n, { name: 'robot-tool-glow', dynamic: true });
  const flange = new Float32Array(Math.max(1, n) * 16);
  for (let i = 0; i < n; i++) new Matrix4().toArray(flange, i * 16);

  const toolMeshes = Object.values(tools).map((t) => t.mesh);
  const all = [...links, ...toolMeshes, glow];
  return {
    rigs,
    links,
    tools,
    toolMeshes,
    toolSlot,
    glow,
    flange,
    all,
    dispose() {
      box.dispose();
      post.dispose();
      tube.dispose();
      for (const t of Object.values(tools)) t.mesh.geometry.dispose();
      glow.geometry.dispose();
      material.dispose();
      toolMaterial.dispose();
      glowMaterial.dispose();
    },
  };
}
