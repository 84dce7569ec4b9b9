/**
 * Car bodies: one instanced mesh per body style (sedan, suv) plus one of panel stacks for what is still in the
 * press shop. Visible bodies are packed at the front of each mesh (count = visible), so free slots cost
 * nothing; `slotOf` maps an instance back to its body slot for picking and highlighting.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Color, Group, type BufferGeometry, type InstancedMesh } from 'three';
import { litMaterial } from './materials.ts';
import { LocationKind } from '../../../protocol/codec.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { bodyModelCode, qualityCode } from '../../../protocol/state.ts';
import type { LiveState } from '../live/live-state.ts';
import type { SceneLayout } from '../live/layout.ts';
import { placeBodies } from '../live/motion.ts';
import { UNPAINTED_COLOR } from '../palette.ts';
import { useCommitProbe } from './commit-probe.ts';
import { fade, makeInstanced, matricesChanged, scratchColor, scratchObject, setPick } from './instancing.ts';
import { bodyShape, panelStackShape } from './shapes.ts';

type Props = { scene: ResolvedScene; layout: SceneLayout; live: LiveState };

/** Mesh index per drawn style. */
const SEDAN = 0;
const SUV = 1;
const PANELS = 2;

const UNPAINTED = new Color(UNPAINTED_COLOR);

type Pool = { mesh: InstancedMesh; slotOf: Int32Array; geometry: BufferGeometry; name: string };

export function Bodies({ scene, layout, live }: Props) {
  useCommitProbe();
  const built = useMemo(() => buildBodies(scene, live), [scene, live]);
  useEffect(() => () => built.dispose(), [built]);
  const seenBodies = useRef(-1);
  const seenMeta = useRef(-1);

  useFrame((_, dt) => {
    const moved = placeBodies(live, layout, dt);
    const changed = live.bodyVersion !== seenBodies.current || live.metaVersion !== seenMeta.current;
    if (!moved && !changed) return;
    seenBodies.current = live.bodyVersion;
    seenMeta.current = live.metaVersion;
    const pools = built.pools;
    if (changed) {
      // Re-pack: which slots are drawn by which mesh, in what order; colours follow the order.
      built.ensureCapacity(live.bodyCapacity);
      const counts = built.counts;
      counts[0] = counts[1] = counts[2] = 0;
      for (let s = 0; s < live.bodySlotsUsed; s++) {
        if (live.bodyAlive[s] !== 1) continue;
        const kind = live.bodyLocKind[s];
        const li = live.bodyLocIndex[s];
        let style: number;
        if (kind === LocationKind.station && li < live.stationCount) style = layout.stationPress[li] === 1 ? PANELS : -1;
        else if (kind === LocationKind.conveyor && li < layout.conveyors.length) style = layout.conveyorPress[li] === 1 ? PANELS : -1;
        else continue;
        if (style < 0) style = live.bodyModel[s] === bodyModelCode.suv ? SUV : SEDAN;
        const pool = pools[style];
        const j = counts[style]++;
        pool.slotOf[j] = s;
        if (style === PANELS) scratchColor.set(0xb7bec6);
        else if (live.bodyPainted[s] === 1) scratchColor.setRGB(live.bodyColor[s * 3], live.bodyColor[s * 3 + 1], live.bodyColor[s * 3 + 2], 'srgb');
        else scratchColor.copy(UNPAINTED);
        if (live.bodyQuality[s] !== qualityCode.good) fade(scratchColor, 0.6);
        pool.mesh.setColorAt(j, scratchColor);
      }
      for (let p = 0; p < 3; p++) {
        pools[p].mesh.count = counts[p];
        pools[p].mesh.instanceColor!.needsUpdate = true;
      }
    }
    for (let p = 0; p < 3; p++) {
      const { mesh, slotOf } = pools[p];
      for (let j = 0; j < mesh.count; j++) {
        const s = slotOf[j];
        scratchObject.position.set(live.bodyShownPos[s * 3], live.bodyShownPos[s * 3 + 1], live.bodyShownPos[s * 3 + 2]);
        scratchObject.rotation.set(0, live.bodyShownYaw[s], 0);
        scratchObject.scale.set(1, 1, 1);
        scratchObject.updateMatrix();
        mesh.setMatrixAt(j, scratchObject.matrix);
      }
      matricesChanged(mesh);
    }
  });

  return <primitive object={built.group} />;
}

function buildBodies(scene: ResolvedScene, live: LiveState) {
  // Enough for a full line (every conveyor and station occupied) before the first growth.
  const full = scene.conveyors.reduce((n, c) => n + c.capacity, 0) + scene.stations.length;
  const material = litMaterial({ vertexColors: true, roughness: 0.32, metalness: 0.35 });
  const group = new Group();
  group.name = 'bodies';
  const geometries = [bodyShape('sedan'), bodyShape('suv'), panelStackShape()];
  const names = ['body-sedan', 'body-suv', 'body-panels'];
  const pools: Pool[] = geometries.map((geometry, p) => ({ mesh: null as unknown as InstancedMesh, slotOf: new Int32Array(0), geometry, name: names[p] }));
  let capacity = 0;

  const ensureCapacity = (slots: number) => {
    const want = Math.max(slots, full, 32);
    if (want <= capacity) return;
    // Rare (the line grew past anything seen): swap in bigger meshes outside React.
    capacity = Math.ceil(want * 1.25);
    for (const pool of pools) {
      const old = pool.mesh;
      const mesh = makeInstanced(pool.geometry, material, capacity, { name: pool.name, dynamic: true, shadows: true });
      mesh.count = 0;
      const slotOf = new Int32Array(capacity);
      setPick(mesh, (j) => {
        const id = live.bodyIds[slotOf[j]];
        return id ? { kind: 'body', id } : null;
      });
      if (old) {
        group.remove(old);
        old.dispose();
      }
      group.add(mesh);
      pool.mesh = mesh;
      pool.slotOf = slotOf;
    }
  };
  ensureCapacity(live.bodyCapacity);

  return {
    group,
    pools,
    counts: new Int32Array(3),
    ensureCapacity,
    dispose() {
      for (const pool of pools) {
        pool.mesh.dispose();
        pool.geometry.dispose();
      }
      material.dispose();
    },
  };
}
