/**
 * Line equipment from the generated models: presses, paint booths (sized to hold their robots), inspection
 * tunnels, welding fixtures, AGVs, safety fences around weld cells, roller conveyor sections along the
 * conveyor paths, and stations' own models. Everything here stands still: levels of detail are re-assigned
 * only when the camera has moved, and colours only when a station's data quality changed.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Color, Matrix4, Quaternion, Vector3 } from 'three';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { qualityCode } from '../../../protocol/state.ts';
import type { SceneLayout } from '../live/layout.ts';
import type { LiveState } from '../live/live-state.ts';
import { useCommitProbe } from '../scene/commit-probe.ts';
import { EQUIPMENT_TINT, heatColorOf } from '../scene/Stations.tsx';
import { analyticsFeed } from '../store/analytics-feed.ts';
import { buildConveyors } from '../scene/Conveyors.tsx';
import { cheapMaterials } from '../scene/materials.ts';
import { SLAB_HEIGHT } from '../scene/shapes.ts';
import { fencedKinds, stationEquipment } from './files.ts';
import type { Library } from './library.ts';
import { lodLimits } from './lod.ts';
import { StaticLodSet, type StaticItem } from './static-lod.ts';

type Props = { scene: ResolvedScene; layout: SceneLayout; live: LiveState; lib: Library };

const UP = new Vector3(0, 1, 0);
const DIM = new Color(0.62, 0.64, 0.68);
const WHITE = new Color(1, 1, 1);
/** Conveyor sections are grouped into pieces of about this length (metres) for the level of detail. */
const CHUNK = 6;
/** Clear width left open in a fence where bodies come in and go out. */
const FENCE_GATE = 2.6;

export function ModelEquipment({ scene, layout, live, lib }: Props) {
  useCommitProbe();
  const built = useMemo(() => buildEquipment(scene, layout, live, lib), [scene, layout, live, lib]);
  useEffect(() => () => built.dispose(), [built]);
  const seen = useRef({ version: -1, heat: -1, x: NaN, y: NaN, z: NaN });

  useFrame(({ camera }) => {
    const s = seen.current;
    const p = camera.position;
    const moved = (p.x - s.x) ** 2 + (p.y - s.y) ** 2 + (p.z - s.z) ** 2 > 1 || Number.isNaN(s.x);
    if (!moved && live.stationVersion === s.version && analyticsFeed.heatVersion === s.heat) return;
    s.version = live.stationVersion;
    s.heat = analyticsFeed.heatVersion;
    s.x = p.x;
    s.y = p.y;
    s.z = p.z;
    for (const set of built.sets) set.update(p.x, p.y, p.z, built.colorOf);
  });

  return (
    <group name="model-equipment">
      {built.groups.map((g) => (
        <primitive key={g.uuid} object={g} />
      ))}
    </group>
  );
}

/** The rectangle (station-local x0, z0, x1, z1) holding the footprint and the bases of its robots. */
function cellRect(scene: ResolvedScene, layout: SceneLayout, si: number, margin: number): [number, number, number, number] {
  const w = layout.stationSize[si * 2] / 2, d = layout.stationSize[si * 2 + 1] / 2;
  let x0 = -w, x1 = w, z0 = -d, z1 = d;
  const yaw = layout.stationYaw[si];
  const c = Math.cos(yaw), s = Math.sin(yaw);
  const sx = layout.stationPos[si * 3], sz = layout.stationPos[si * 3 + 2];
  const id = scene.stations[si].id;
  for (const r of scene.robots) {
    if (r.station !== id) continue;
    const dx = r.base.position[0] - sx, dz = r.base.position[2] - sz;
    // World to station-local: the inverse of the yaw about +Y.
    const lx = dx * c - dz * s, lz = dx * s + dz * c;
    x0 = Math.min(x0, lx - margin);
    x1 = Math.max(x1, lx + margin);
    z0 = Math.min(z0, lz - margin);
    z1 = Math.max(z1, lz + margin);
  }
  return [x0, z0, x1, z1];
}

function buildEquipment(scene: ResolvedScene, layout: SceneLayout, live: LiveState, lib: Library) {
  const limits = lodLimits(cheapMaterials());
  const sets: StaticLodSet[] = [];
  const q = new Quaternion();
  const stationQ = (si: number) => q.setFromAxisAngle(UP, layout.stationYaw[si]);
  const stationPoint = (si: number, lx: number, lz: number, y = 0) => {
    const yaw = layout.stationYaw[si];
    const c = Math.cos(yaw), s = Math.sin(yaw);
    return new Vector3(layout.stationPos[si * 3] + lx * c + lz * s, layout.stationPos[si * 3 + 1] + y, layout.stationPos[si * 3 + 2] - lx * s + lz * c);
  };
  const pick = (si: number) => ({ kind: 'station' as const, id: scene.stations[si].id });
  const shadows = !cheapMaterials();

  // Station equipment, one set per kind (its far level is the kind's procedural shape).
  const byKind = new Map<string, number[]>();
  scene.stations.forEach((s, i) => {
    if (lib.stationCustomKit[i] >= 0 || !stationEquipment[s.kind]) return;
    const list = byKind.get(s.kind) ?? [];
    list.push(i);
    byKind.set(s.kind, list);
  });
  for (const [kind, stations] of byKind) {
    const name = stationEquipment[kind as keyof typeof stationEquipment]!;
    const items: StaticItem[] = stations.map((si) => {
      let near: Matrix4;
      if (name === 'paint-booth') {
        // Booths are stretched over the footprint and the robots' rails, so the robots stand inside.
        const [x0, z0, x1, z1] = cellRect(scene, layout, si, 0.6);
        near = new Matrix4().compose(stationPoint(si, (x0 + x1) / 2, (z0 + z1) / 2), stationQ(si), new Vector3((x1 - x0) / 6, 1, (z1 - z0) / 5));
      } else near = new Matrix4().compose(stationPoint(si, 0, 0), stationQ(si), new Vector3(1, 1, 1));
      const far = new Matrix4().compose(stationPoint(si, 0, 0, SLAB_HEIGHT), stationQ(si), new Vector3(layout.stationSize[si * 2], 1, layout.stationSize[si * 2 + 1]));
      const p = stationPoint(si, 0, 0);
      return { entity: si, x: p.x, y: p.y + 2, z: p.z, near: [near], far };
    });
    sets.push(new StaticLodSet(items, lib.equipment[name], lib.stationFar.get(kind)!, limits.equipment, { name: `equipment-${kind}`, shadows, receive: shadows, pick }));
  }

  // Stations' own models: drawn as they are, at the station's pose.
  lib.stationCustom.forEach((kit, k) => {
    const items: StaticItem[] = [];
    scene.stations.forEach((_, si) => {
      if (lib.stationCustomKit[si] !== k) return;
      const p = stationPoint(si, 0, 0);
      items.push({ entity: si, x: p.x, y: p.y, z: p.z, near: [new Matrix4().compose(p, stationQ(si), new Vector3(1, 1, 1))], far: null });
    });
    sets.push(new StaticLodSet(items, kit, null, null, { name: `equipment-custom-${k}`, shadows, receive: shadows, pick }));
  });

  // Safety fences around weld cells, with a gate at each end for the bodies.
  const fences: StaticItem[] = [];
  scene.stations.forEach((s, si) => {
    if (!fencedKinds.has(s.kind)) return;
    const [x0, z0, x1, z1] = cellRect(scene, layout, si, 1.3);
    // One item per side: its panels up close, one stretched frame (rails and end posts) from afar.
    const side = (ax: number, az: number, bx: number, bz: number, gate: boolean) => {
      const len = Math.hypot(bx - ax, bz - az);
      const n = Math.max(1, Math.ceil(len / 2));
      const panel = len / n;
      const localYaw = Math.atan2(-(bz - az), bx - ax);
      const rot = new Quaternion().setFromAxisAngle(UP, layout.stationYaw[si] + localYaw);
      // Runs of panels between gates: each run is one item.
      let run: Matrix4[] = [];
      let runStart = 0;
      const flush = (end: number) => {
        if (run.length === 0) return;
        const t0 = runStart / n, t1 = end / n;
        const mid = stationPoint(si, ax + (bx - ax) * ((t0 + t1) / 2), az + (bz - az) * ((t0 + t1) / 2));
        fences.push({ entity: si, x: mid.x, y: mid.y + 1, z: mid.z, near: run, far: new Matrix4().compose(mid, rot, new Vector3((len * (t1 - t0)) / 2, 1, 1)) });
        run = [];
      };
      for (let k = 0; k < n; k++) {
        const t = (k + 0.5) / n;
        const lx = ax + (bx - ax) * t, lz = az + (bz - az) * t;
        if (gate && Math.abs(lz) < FENCE_GATE / 2 + panel / 2 - 0.2) {
          flush(k);
          runStart = k + 1;
          continue;
        }
        run.push(new Matrix4().compose(stationPoint(si, lx, lz), rot, new Vector3(panel / 2, 1, 1)));
      }
      flush(n);
    };
    side(x0, z0, x1, z0, false);
    side(x0, z1, x1, z1, false);
    side(x0, z0, x0, z1, true);
    side(x1, z0, x1, z1, true);
  });
  if (fences.length > 0) sets.push(new StaticLodSet(fences, lib.equipment['safety-fence'], lib.fenceFar, limits.fences, { name: 'fences', pick }));

  // Roller conveyor sections (1 m each) along the level runs; lifts and ramps keep the procedural belt.
  const chunks: StaticItem[] = [];
  const X = new Vector3(1, 0, 0);
  const dir = new Vector3();
  for (const c of scene.conveyors) {
    for (let i = 1; i < c.path.length; i++) {
      const a = c.path[i - 1], b = c.path[i];
      const len = Math.hypot(b[0] - a[0], b[2] - a[2]);
      if (Math.abs(b[1] - a[1]) > 0.05 || len < 0.3) continue;
      dir.set(b[0] - a[0], 0, b[2] - a[2]).normalize();
      const rot = new Quaternion().setFromUnitVectors(X, dir);
      const pieces = Math.max(1, Math.round(len / CHUNK));
      const piece = len / pieces;
      const perPiece = Math.max(1, Math.round(piece));
      const section = piece / perPiece;
      // Section origin on the floor under the rollers: the path is where skids ride, 0.5 m up.
      const y = a[1] - 0.5;
      for (let k = 0; k < pieces; k++) {
        const near: Matrix4[] = [];
        for (let j = 0; j < perPiece; j++) {
          const d = k * piece + (j + 0.5) * section;
          near.push(new Matrix4().compose(new Vector3(a[0] + dir.x * d, y, a[2] + dir.z * d), rot, new Vector3(section, 1, 1)));
        }
        const d = (k + 0.5) * piece;
        const centre = new Vector3(a[0] + dir.x * d, y, a[2] + dir.z * d);
        chunks.push({ entity: -1, x: centre.x, y: centre.y + 0.5, z: centre.z, near, far: new Matrix4().compose(centre, rot, new Vector3(piece, 1, 1)) });
      }
    }
  }
  if (chunks.length > 0) sets.push(new StaticLodSet(chunks, lib.equipment['conveyor-section'], lib.conveyorFar, limits.conveyors, { name: 'conveyor-sections', receive: shadows }));
  const belts = buildConveyors(scene, { levelBelts: false });

  // Equipment of a station whose data is not good is dimmed, as the procedural shapes are; in a heatmap
  // mode it is tinted with the station's heat colour (the slab in front carries the full colour).
  const tint = new Color();
  const heat = new Color();
  const colorOf = (si: number) => {
    if (live.stationQuality[si] !== qualityCode.good) return DIM;
    if (analyticsFeed.mode === 'state' || analyticsFeed.heat.length < (si + 1) * 3) return WHITE;
    return tint.copy(WHITE).lerp(heatColorOf(si, heat), EQUIPMENT_TINT);
  };

  return {
    sets,
    groups: [...sets.flatMap((s) => s.pools.map((p) => p.group)), ...belts.all],
    colorOf,
    dispose() {
      for (const s of sets) s.dispose();
      belts.dispose();
    },
  };
}
