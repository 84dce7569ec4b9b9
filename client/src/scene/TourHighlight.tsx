/**
 * The entities a tour step points at: softly pulsing amber boxes. One instanced mesh with a fixed number of
 * slots, so the draw calls do not grow with the plant or the step. Reads the tour from the store without
 * subscribing and rebuilds the boxes only when the step changes.
 */
import { useEffect, useMemo } from 'react';
import { useFrame } from '@react-three/fiber';
import { BoxGeometry, InstancedMesh, MeshBasicMaterial, Object3D, Vector3 } from 'three';
import type { TourTarget } from '../../../protocol/scene-schema.ts';
import { useTwin } from '../store/store.ts';
import { tourPlayer } from '../tour/tour-player.ts';
import { entityBounds, type Bounds, type LocateContext } from './locate.ts';

const SLOTS = 16;
const bounds: Bounds = { centre: new Vector3(), size: new Vector3(), yaw: 0 };
const dummy = new Object3D();

function boundsOf(ctx: LocateContext, t: TourTarget, out: Bounds): boolean {
  if (t.kind === 'area') {
    const a = ctx.scene.areas.find((x) => x.id === t.id);
    if (!a) return false;
    out.centre.set(a.center[0], 0.6, a.center[1]);
    out.size.set(a.size[0], 1.2, a.size[1]);
    out.yaw = 0;
    return true;
  }
  return entityBounds(ctx, t.kind, t.id, out);
}

export function TourHighlight({ ctx }: { ctx: LocateContext }) {
  const mesh = useMemo(() => {
    const m = new InstancedMesh(
      new BoxGeometry(1, 1, 1),
      new MeshBasicMaterial({ color: '#ffb000', transparent: true, opacity: 0.22, depthWrite: false, toneMapped: false }),
      SLOTS,
    );
    m.name = 'tour-highlight';
    m.count = 0;
    m.frustumCulled = false;
    m.renderOrder = 5;
    // Never catch the click meant for what it surrounds.
    m.raycast = () => {};
    return m;
  }, []);
  useEffect(
    () => () => {
      mesh.geometry.dispose();
      (mesh.material as MeshBasicMaterial).dispose();
      mesh.dispose();
    },
    [mesh],
  );

  useFrame((state) => {
    const tour = useTwin.getState().tour;
    const step = tour ? tourPlayer.step(tour.id, tour.step) : null;
    const list = step?.highlight ?? [];
    let n = 0;
    const pulse = 1.04 + 0.04 * Math.sin(state.clock.elapsedTime * 3);
    // Robots move: the boxes follow every frame (at most 16 boxes, a few dozen multiplications).
    for (const t of list) {
      if (n >= SLOTS || !boundsOf(ctx, t, bounds)) continue;
      dummy.position.copy(bounds.centre);
      dummy.rotation.set(0, bounds.yaw, 0);
      dummy.scale.set(bounds.size.x * pulse, bounds.size.y * pulse, bounds.size.z * pulse);
      dummy.updateMatrix();
      mesh.setMatrixAt(n++, dummy.matrix);
    }
    if (n !== mesh.count || n > 0) {
      mesh.count = n;
      mesh.instanceMatrix.needsUpdate = true;
    }
    mesh.visible = n > 0;
  });
  return <primitive object={mesh} />;
}
