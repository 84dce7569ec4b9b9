/**
 * Where the camera goes for a tour step: the step's own pose, or a view that frames its entity. Computed from
 * the scene description alone (positions and sizes), so every screen of a room frames the same way.
 */
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { TourStep, TourTarget } from '../../../protocol/scene-schema.ts';
import type { CameraPose, Vec3 } from '../store/store.ts';

/** Centre on the floor and a size (metres) of a tour target; null when the scene has no such entity. */
export function targetExtent(scene: ResolvedScene, t: TourTarget): { centre: Vec3; size: number } | null {
  if (t.kind === 'station') {
    const s = scene.stations.find((x) => x.id === t.id);
    return s ? { centre: [s.position[0], s.position[1], s.position[2]], size: Math.max(s.footprint[0], s.footprint[1], 6) } : null;
  }
  if (t.kind === 'robot') {
    const r = scene.robots.find((x) => x.id === t.id);
    return r ? { centre: [r.base.position[0], r.base.position[1] + 1, r.base.position[2]], size: 6 } : null;
  }
  const a = scene.areas.find((x) => x.id === t.id);
  return a ? { centre: [a.center[0], 0, a.center[1]], size: Math.max(a.size[0], a.size[1]) } : null;
}

/** A three-quarter view from the front-right: the object fills about half the screen height. */
export function framePose(scene: ResolvedScene, t: TourTarget): CameraPose | null {
  const e = targetExtent(scene, t);
  if (!e) return null;
  const d = Math.max(e.size * 2.2, 18);
  const [x, y, z] = e.centre;
  return { position: [x + d * 0.35, y + d * 0.55, z + d * 0.8], target: [x, y + Math.min(2, e.size * 0.1), z] };
}

export function stepPose(scene: ResolvedScene, step: TourStep): CameraPose | null {
  if (step.camera) return { position: [...step.camera.position], target: [...step.camera.target] };
  return step.frame ? framePose(scene, step.frame) : null;
}
