/**
 * Conveyors (static): one instanced mesh of belt segments for every polyline, one of legs under raised
 * runs, and one of roller stripes so the direction of travel reads from above.
 */
import { useEffect, useMemo } from 'react';
import { Vector3 } from 'three';
import { litMaterial } from './materials.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { useCommitProbe } from './commit-probe.ts';
import { makeInstanced, scratchObject } from './instancing.ts';
import { ShapeBuilder } from './shapes.ts';

const WIDTH = 1.5;
const DEPTH = 0.26;
const LEG_EVERY = 6;

export function Conveyors({ scene }: { scene: ResolvedScene }) {
  useCommitProbe();
  const built = useMemo(() => buildConveyors(scene), [scene]);
  useEffect(() => () => built.dispose(), [built]);
  return (
    <group name="conveyors">
      {built.all.map((m) => (
        <primitive key={m.name} object={m} />
      ))}
    </group>
  );
}

/**
 * `levelBelts: false` leaves out the belts of level runs (the 3D models draw roller sections there) and
 * keeps those of lifts and ramps, and the legs.
 */
export function buildConveyors(scene: ResolvedScene, opts: { levelBelts?: boolean } = {}) {
  type Seg = { a: Vector3; b: Vector3 };
  const segs: Seg[] = [];
  const every: Seg[] = [];
  for (const c of scene.conveyors)
    for (let i = 1; i < c.path.length; i++) {
      const a = new Vector3(...c.path[i - 1]);
      const b = new Vector3(...c.path[i]);
      if (a.distanceTo(b) <= 1e-3) continue;
      every.push({ a, b });
      if (opts.levelBelts !== false || Math.abs(a.y - b.y) > 0.05) segs.push({ a, b });
    }

  // Belt: its top just under the path, where bodies ride.
  const beltGeo = new ShapeBuilder()
    .span(-0.5, -1, -0.5, 0.5, 0, 0.5, [0.05, 0.055, 0.065])
    .span(-0.5, -0.2, -0.56, 0.5, 0.25, -0.5, [0.55, 0.42, 0.05])
    .span(-0.5, -0.2, 0.5, 0.5, 0.25, 0.56, [0.55, 0.42, 0.05])
    .build();
  const legGeo = new ShapeBuilder().span(-0.08, 0, -0.08, 0.08, 1, 0.08, [0.12, 0.13, 0.15]).build();
  const material = litMaterial({ vertexColors: true, roughness: 0.7, metalness: 0.3 });
  const belts = makeInstanced(beltGeo, material, segs.length, { name: 'conveyor-belts', receive: true, shadows: true });
  const dir = new Vector3();
  const X = new Vector3(1, 0, 0);
  segs.forEach(({ a, b }, i) => {
    dir.subVectors(b, a);
    const len = dir.length();
    dir.normalize();
    scratchObject.position.addVectors(a, b).multiplyScalar(0.5);
    scratchObject.position.y -= 0.02;
    scratchObject.quaternion.setFromUnitVectors(X, dir);
    // Overlap at the joints so corners close up.
    scratchObject.scale.set(len + WIDTH * 0.5, DEPTH, WIDTH);
    scratchObject.updateMatrix();
    belts.setMatrixAt(i, scratchObject.matrix);
  });

  const legs: { x: number; z: number; h: number }[] = [];
  for (const { a, b } of every) {
    const top = Math.min(a.y, b.y) - DEPTH;
    if (top < 1.2 || Math.abs(a.y - b.y) > 0.5) continue;
    const len = Math.hypot(b.x - a.x, b.z - a.z);
    const count = Math.max(1, Math.floor(len / LEG_EVERY));
    for (let k = 0; k <= count; k++) {
      const t = k / count;
      for (const side of [-1, 1]) {
        const nx = -(b.z - a.z) / (len || 1), nz = (b.x - a.x) / (len || 1);
        legs.push({ x: a.x + (b.x - a.x) * t + nx * side * WIDTH * 0.45, z: a.z + (b.z - a.z) * t + nz * side * WIDTH * 0.45, h: top });
      }
    }
  }
  const legMesh = makeInstanced(legGeo, material, legs.length, { name: 'conveyor-legs', shadows: true });
  legs.forEach((l, i) => {
    scratchObject.position.set(l.x, 0, l.z);
    scratchObject.quaternion.identity();
    scratchObject.scale.set(1, l.h, 1);
    scratchObject.updateMatrix();
    legMesh.setMatrixAt(i, scratchObject.matrix);
  });
  scratchObject.scale.set(1, 1, 1);

  const all = [belts, legMesh];
  return {
    all,
    dispose() {
      beltGeo.dispose();
      legGeo.dispose();
      material.dispose();
    },
  };
}
