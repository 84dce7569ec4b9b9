/**
 * Robots from the glTF models: per robot kit and level of detail, one instanced mesh per link (base …
 * wrist_3, geometry from the link's joint node), each instance's matrix the robot's base pose times the
 * link's forward-kinematics frame: exactly what posing the joint nodes would give (docs/models.md), without
 * a scene graph per robot. Tools hang at the flange frame, one pool per tool kind and level.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { AdditiveBlending, Color, MeshBasicMaterial } from 'three';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { ToolKind } from '../../../protocol/scene-schema.ts';
import { JOINT_COUNT, qualityCode, robotStateCode } from '../../../protocol/state.ts';
import type { LiveState } from '../live/live-state.ts';
import { easeRobots } from '../live/motion.ts';
import { useCommitProbe } from '../scene/commit-probe.ts';
import { fade, scratchMatrix, scratchMatrix2, scratchVec } from '../scene/instancing.ts';
import { cheapMaterials } from '../scene/materials.ts';
import { fkFrames, forwardKinematics, LINK_COUNT, type RobotRig } from '../scene/robot-rig.ts';
import { glowShape, toolGlowColor } from '../scene/shapes.ts';
import { kitFromShape } from './kit.ts';
import type { Library } from './library.ts';
import { lodLimits, NearSet } from './lod.ts';
import { InstancePool } from './pool.ts';

type Props = { scene: ResolvedScene; live: LiveState; rigs: RobotRig[]; lib: Library };

const PAINT_WHITE = new Color(0xe6eaee);
const OFF_GREY = new Color(0x8a8f96);
const WHITE = new Color(1, 1, 1);
const glowColors = Object.fromEntries(Object.entries(toolGlowColor).map(([k, v]) => [k, new Color(v)])) as Record<ToolKind, Color>;
const paint = new Color();
const plain = new Color();

export function ModelRobots({ scene, live, rigs, lib }: Props) {
  useCommitProbe();
  const built = useMemo(() => buildRobots(scene, rigs, lib), [scene, rigs, lib]);
  useEffect(() => () => built.dispose(), [built]);
  const seen = useRef({ version: -1, x: NaN, y: NaN, z: NaN });

  useFrame((state, dt) => {
    const n = live.robotCount;
    if (n === 0) return;
    const moved = easeRobots(live, dt);
    const s = seen.current;
    const changed = live.robotVersion !== s.version;
    const cam = state.camera.position;
    const camMoved = (cam.x - s.x) ** 2 + (cam.y - s.y) ** 2 + (cam.z - s.z) ** 2 > 0.25 || Number.isNaN(s.x);
    const { near, flange, kits, toolPools, limits } = built;

    if (moved || changed || camMoved) {
      s.version = live.robotVersion;
      s.x = cam.x;
      s.y = cam.y;
      s.z = cam.z;
      for (let i = 0; i < n; i++) {
        const b = rigs[i].base.elements;
        near.d2[i] = (b[12] - cam.x) ** 2 + (b[13] - cam.y) ** 2 + (b[14] - cam.z) ** 2;
      }
      near.select(n, limits.radius, limits.cap);
      for (const p of built.all) p.reset();
      for (let i = 0; i < n; i++) {
        const rig = rigs[i];
        const kit = kits[lib.robotKit[i]];
        const detailed = near.near[i] === 1 || !kit.far;
        const pools = detailed ? kit.nearPools : kit.farPools!;
        const good = live.robotQuality[i] === qualityCode.good;
        const off = live.robotState[i] === robotStateCode.off;
        // Paint takes the state's look (grey when off, faded when the data is not good); other parts keep theirs.
        if (off) paint.copy(OFF_GREY);
        else if (rig.model === 'ir-paint' && !kit.custom) paint.copy(PAINT_WHITE);
        else paint.copy(kit.paint);
        plain.copy(WHITE);
        if (!good) {
          fade(paint);
          plain.setRGB(0.62, 0.64, 0.68);
        }
        forwardKinematics(rig.chain, live.robotShown, fkFrames, i * JOINT_COUNT);
        for (let k = 0; k < LINK_COUNT; k++) {
          scratchMatrix.fromArray(fkFrames, k * 16);
          scratchMatrix2.multiplyMatrices(rig.base, scratchMatrix);
          if (k === LINK_COUNT - 1) scratchMatrix2.toArray(flange, i * 16);
          const pool = pools[k];
          pool.setColor(pool.add(i, scratchMatrix2), pool.kit.tinted ? paint : plain);
        }
        const tool = toolPools[rig.tool][detailed ? 0 : 1];
        tool.setColor(tool.addFrom(i, flange, i * 16), plain);
      }
      for (const p of built.all) p.finish(true);
    }

    // Glows flicker while tools work: redrawn every frame a tool is active, at the tool's centre point.
    const glow = built.glow;
    if (glow.count === 0 && !anyActive(live, n)) return;
    glow.reset();
    const t = state.clock.elapsedTime;
    for (let i = 0; i < n; i++) {
      if (live.robotTool[i] !== 1 || live.robotQuality[i] !== qualityCode.good) continue;
      const rig = rigs[i];
      const tcp = lib.tools[rig.tool].tcp;
      const k = rig.tool === 'spot-weld' ? 0.55 + 0.45 * Math.abs(Math.sin(t * 31 + i * 1.7)) : 0.85 + 0.15 * Math.sin(t * 6 + i);
      scratchMatrix.fromArray(flange, i * 16);
      scratchVec.set(tcp[0], tcp[1], tcp[2]).applyMatrix4(scratchMatrix);
      scratchMatrix.makeScale(k, k, k).setPosition(scratchVec);
      glow.setColor(glow.add(i, scratchMatrix), glowColors[rig.tool]);
    }
    glow.finish(true);
  });

  return (
    <group name="model-robots">
      {built.all.map((p) => (
        <primitive key={p.group.uuid} object={p.group} />
      ))}
    </group>
  );
}

function anyActive(live: LiveState, n: number): boolean {
  for (let i = 0; i < n; i++) if (live.robotTool[i] === 1) return true;
  return false;
}

function buildRobots(scene: ResolvedScene, rigs: RobotRig[], lib: Library) {
  const n = rigs.length;
  const limits = lodLimits(cheapMaterials()).robots;
  const shadows = !cheapMaterials();
  const pick = (i: number) => ({ kind: 'robot' as const, id: scene.robots[i].id });
  const all: InstancePool[] = [];
  const pool = (kit: InstancePool['kit'], capacity: number, name: string, cast = shadows) => {
    const p = new InstancePool(kit, capacity, { name, dynamic: true, shadows: cast, pick });
    all.push(p);
    return p;
  };
  const count = new Map<number, number>();
  for (let i = 0; i < n; i++) count.set(lib.robotKit[i], (count.get(lib.robotKit[i]) ?? 0) + 1);
  const kits = lib.robots.map((kit, k) => {
    const users = count.get(k) ?? 0;
    const nearCap = kit.far ? Math.min(users, limits.cap) : users;
    const nearPools = users ? kit.near.map((l, j) => pool(l, nearCap, `robot-${kit.key}-link${j}`)) : [];
    const farPools = users && kit.far ? kit.far.map((l, j) => pool(l, users, `robot-${kit.key}-link${j}-far`)) : null;
    const tinted = kit.near.find((l) => l.paint);
    return { nearPools, farPools, far: kit.far, custom: kit.key.startsWith('custom:'), paint: tinted?.paint ?? WHITE };
  });
  const toolUsers = new Map<ToolKind, number>();
  for (const r of rigs) toolUsers.set(r.tool, (toolUsers.get(r.tool) ?? 0) + 1);
  const toolPools = {} as Record<ToolKind, [InstancePool, InstancePool]>;
  for (const [kind, users] of toolUsers) {
    const t = lib.tools[kind];
    toolPools[kind] = [pool(t.near, Math.min(users, limits.cap), `robot-tool-${kind}`), pool(t.far, users, `robot-tool-${kind}-far`)];
  }
  const glowMaterial = new MeshBasicMaterial({ transparent: true, opacity: 0.85, blending: AdditiveBlending, depthWrite: false, toneMapped: false });
  const glowKit = kitFromShape(glowShape(), glowMaterial);
  const glow = pool(glowKit, n, 'robot-tool-glow', false);
  const flange = new Float32Array(Math.max(1, n) * 16);
  const near = new NearSet();
  near.ensure(n);
  return {
    kits,
    toolPools,
    glow,
    flange,
    near,
    limits,
    all,
    dispose() {
      for (const p of all) p.dispose();
      glowKit.parts[0].geometry.dispose();
      glowMaterial.dispose();
    },
  };
}
