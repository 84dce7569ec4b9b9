/**
 * Buffer fill on the model: a gauge beside the middle of each conveyor, a pale track as tall as its
 * capacity and a bar as tall as the bodies on it (red when full: the station upstream will be blocked).
 * Two instanced meshes for all conveyors; counted in useFrame from the live body locations, rewritten
 * only when a count changed.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Color, Matrix4, MeshBasicMaterial, Vector3 } from 'three';
import { unitBox } from './shapes.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { LiveState } from '../live/live-state.ts';
import { pointOnPath, type SceneLayout } from '../live/layout.ts';
import { BUFFER_COLOR, BUFFER_FULL_COLOR, BUFFER_TRACK_COLOR } from '../palette.ts';
import { countOnConveyors, fillRatio } from './buffer-fill.ts';
import { useCommitProbe } from './commit-probe.ts';
import { litMaterial } from './materials.ts';
import { makeInstanced, matricesChanged, scratchObject } from './instancing.ts';
import { provideToTestHook } from '../test-hook.ts';

/** Gauge height at full capacity, metres: visible from the overview, lower than most equipment. */
const GAUGE_H = 2.4;
const SIDE = 1.7;
const FILL = new Color(BUFFER_COLOR);
const FULL = new Color(BUFFER_FULL_COLOR);

export function BufferFill({ scene, layout, live }: { scene: ResolvedScene; layout: SceneLayout; live: LiveState }) {
  useCommitProbe();
  const built = useMemo(() => {
    const n = scene.conveyors.length;
    // White vertex colours (ShapeBuilder's tone 1): the fill shares the lit instanced meshes' shader program.
    const geo = unitBox().translate(0, 0.5, 0);
    const trackMat = new MeshBasicMaterial({ color: BUFFER_TRACK_COLOR, transparent: true, opacity: 0.45, depthWrite: false });
    const fillMat = litMaterial({ vertexColors: true, roughness: 0.6, metalness: 0 });
    const track = makeInstanced(geo, trackMat, n, { name: 'buffer-tracks' });
    const fill = makeInstanced(geo, fillMat, n, { name: 'buffer-fill' });
    // Where each gauge stands: beside the conveyor's middle, on the floor under it.
    const base = new Float32Array(n * 4);
    const p = new Float32Array(3);
    layout.conveyors.forEach((path, c) => {
      const yaw = pointOnPath(path, 0.5, p, 0);
      // Left of the direction of travel (yaw about +Y: forward is (cos, 0, -sin), left is (-sin, 0, -cos)).
      base[c * 4] = p[0] - Math.sin(yaw) * SIDE;
      base[c * 4 + 1] = Math.max(0, p[1] - 0.5);
      base[c * 4 + 2] = p[2] - Math.cos(yaw) * SIDE;
      base[c * 4 + 3] = yaw;
      scratchObject.position.set(base[c * 4], base[c * 4 + 1], base[c * 4 + 2]);
      scratchObject.rotation.set(0, yaw, 0);
      scratchObject.scale.set(0.62, GAUGE_H, 0.62);
      scratchObject.updateMatrix();
      track.setMatrixAt(c, scratchObject.matrix);
    });
    matricesChanged(track);
    // Never culled (two draws for the whole plant): the draw call count stays independent of the view.
    track.frustumCulled = false;
    fill.frustumCulled = false;
    // Nothing to pick: a click goes through to the conveyor or station behind.
    track.raycast = () => {};
    fill.raycast = () => {};
    return { track, fill, base, counts: new Int32Array(n), shown: new Int32Array(n).fill(-1), dispose: () => (geo.dispose(), trackMat.dispose(), fillMat.dispose()) };
  }, [scene, layout]);
  useEffect(() => () => built.dispose(), [built]);
  useEffect(
    () =>
      provideToTestHook({
        bufferFill: (id) => {
          const c = layout.index.conveyor.get(id);
          if (c === undefined) return null;
          // Read back from the instance buffers: what is drawn, not what was meant.
          const m = new Matrix4();
          built.fill.getMatrixAt(c, m);
          const color = new Color();
          built.fill.getColorAt(c, color);
          return { count: built.shown[c], capacity: scene.conveyors[c].capacity, height: new Vector3().setFromMatrixScale(m).y, color: `#${color.getHexString()}` };
        },
      }),
    [built, layout, scene],
  );

  const seen = useRef(-1);
  useFrame(() => {
    if (live.bodyVersion === seen.current) return;
    seen.current = live.bodyVersion;
    const { counts, shown, base, fill } = built;
    countOnConveyors(live.bodyAlive, live.bodyLocKind, live.bodyLocIndex, live.bodySlotsUsed, counts);
    let changed = false;
    for (let c = 0; c < counts.length; c++) {
      if (counts[c] === shown[c]) continue;
      shown[c] = counts[c];
      changed = true;
      const r = fillRatio(counts[c], scene.conveyors[c].capacity);
      scratchObject.position.set(base[c * 4], base[c * 4 + 1], base[c * 4 + 2]);
      scratchObject.rotation.set(0, base[c * 4 + 3], 0);
      // An empty buffer keeps a sliver, so "empty" reads as a gauge at zero rather than no gauge.
      scratchObject.scale.set(0.5, Math.max(0.04, GAUGE_H * r), 0.5);
      scratchObject.updateMatrix();
      fill.setMatrixAt(c, scratchObject.matrix);
      fill.setColorAt(c, r >= 1 ? FULL : FILL);
    }
    if (!changed) return;
    matricesChanged(fill);
    fill.instanceColor!.needsUpdate = true;
  });

  return (
    <group name="buffer-fill">
      <primitive object={built.track} />
      <primitive object={built.fill} />
    </group>
  );
}
