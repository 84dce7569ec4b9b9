/**
 * Where an entity is drawn right now (from the scene layout and the eased live state): used by the selection
 * highlight and by the test hook's screenPosition.
 */
import { Vector3 } from 'three';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { StationKind } from '../../../protocol/scene-schema.ts';
import { JOINT_COUNT } from '../../../protocol/state.ts';
import type { LiveState } from '../live/live-state.ts';
import type { SceneLayout } from '../live/layout.ts';
import type { EntityKind } from '../store/store.ts';
import { fkFrames, forwardKinematics, LINK_COUNT, type RobotRig } from './robot-rig.ts';
import { SLAB_HEIGHT } from './shapes.ts';
import { scratchMatrix, scratchMatrix2 } from './instancing.ts';

/** Height of each kind's equipment (see stationShape), metres. */
export const stationHeight: Record<StationKind, number> = {
  press: 7.9,
  weld: 2.6,
  framing: 4.6,
  sealer: 3.5,
  'paint-booth': 3.8,
  oven: 3.9,
  inspection: 3.1,
  assembly: 3.5,
  marriage: 2.7,
  glazing: 3.7,
  wheel: 1.5,
  test: 3.3,
};

export type LocateContext = { scene: ResolvedScene; layout: SceneLayout; live: LiveState; rigs: RobotRig[] };

/** A box around the entity: centre, size and yaw. */
export type Bounds = { centre: Vector3; size: Vector3; yaw: number };

const p = new Vector3();

/** Fills `out` and returns true, or returns false when the entity is unknown or not drawn. */
export function entityBounds(ctx: LocateContext, kind: EntityKind, id: string, out: Bounds): boolean {
  const { layout, live, scene } = ctx;
  if (kind === 'station') {
    const i = layout.index.station.get(id);
    if (i === undefined) return false;
    const h = stationHeight[scene.stations[i].kind] ?? 3;
    out.centre.set(layout.stationPos[i * 3], layout.stationPos[i * 3 + 1] + h / 2, layout.stationPos[i * 3 + 2]);
    out.size.set(layout.stationSize[i * 2] + 0.8, h + 0.3, layout.stationSize[i * 2 + 1] + 0.8);
    out.yaw = layout.stationYaw[i];
    return true;
  }
  if (kind === 'robot') {
    const i = layout.index.robot.get(id);
    if (i === undefined || !ctx.rigs[i]) return false;
    const rig = ctx.rigs[i];
    forwardKinematics(rig.chain, live.robotShown, fkFrames, i * JOINT_COUNT);
    let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
    for (let k = 0; k < LINK_COUNT; k++) {
      scratchMatrix.fromArray(fkFrames, k * 16);
      scratchMatrix2.multiplyMatrices(rig.base, scratchMatrix);
      p.setFromMatrixPosition(scratchMatrix2);
      x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); z0 = Math.min(z0, p.z);
      x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y); z1 = Math.max(z1, p.z);
    }
    const m = rig.thickness * 2 + 0.3;
    y0 = Math.min(y0, rig.base.elements[13]);
    out.centre.set((x0 + x1) / 2, (y0 + y1) / 2 + m / 4, (z0 + z1) / 2);
    out.size.set(x1 - x0 + m, y1 - y0 + m, z1 - z0 + m);
    out.yaw = 0;
    return true;
  }
  const s = live.bodySlotOf(id);
  if (s < 0 || live.bodyLocKind[s] === 0) return false;
  out.centre.set(live.bodyShownPos[s * 3], live.bodyShownPos[s * 3 + 1] + 0.95, live.bodyShownPos[s * 3 + 2]);
  out.size.set(5.4, 2.1, 2.4);
  out.yaw = live.bodyShownYaw[s];
  return true;
}

/** The point the test hook reports for an entity: a station's slab top centre, else the middle of its box. */
export function entityAnchor(ctx: LocateContext, kind: EntityKind, id: string, out: Vector3): boolean {
  if (kind === 'station') {
    const i = ctx.layout.index.station.get(id);
    if (i === undefined) return false;
    out.set(ctx.layout.stationPos[i * 3], ctx.layout.stationPos[i * 3 + 1] + SLAB_HEIGHT, ctx.layout.stationPos[i * 3 + 2]);
    return true;
  }
  if (!entityBounds(ctx, kind, id, anchorBounds)) return false;
  out.copy(anchorBounds.centre);
  return true;
}

const anchorBounds: Bounds = { centre: new Vector3(), size: new Vector3(), yaw: 0 };
