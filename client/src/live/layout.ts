/**
 * Static geometry of a scene, precomputed once for per-frame lookups: station poses, conveyor polylines with
 * cumulative lengths (so a progress 0..1 maps to a point in O(log n)), and which bodies are still panels.
 */
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { indexScene, type SceneIndex } from '../../../protocol/scene-index.ts';

/** Height of the conveyor surface and of bodies resting in a station, above the station's floor. */
export const BODY_LIFT = 0.5;

export type ConveyorPath = {
  /** xyz per point. */
  points: Float32Array;
  /** Distance along the path at each point; cum[0] = 0. */
  cum: Float32Array;
  length: number;
  /** Heading per segment (yaw about +Y, three.js convention); vertical segments inherit the previous one. */
  segYaw: Float32Array;
};

export type SceneLayout = {
  index: SceneIndex;
  stationPos: Float32Array;
  stationYaw: Float32Array;
  /** Width (local x) and depth (local z) per station. */
  stationSize: Float32Array;
  /** 1 when the station is in a press-shop area: what it holds is still a stack of panels. */
  stationPress: Uint8Array;
  conveyors: ConveyorPath[];
  /** 1 when the conveyor feeds a press station (panels travel on it, not bodies). */
  conveyorPress: Uint8Array;
  /** Area index per station, -1 when unknown. */
  stationArea: Int32Array;
};

const DEG = Math.PI / 180;

/** Yaw (three.js: +X turned to (cos, 0, -sin)) of a horizontal direction. */
export function yawOf(dx: number, dz: number): number {
  return Math.atan2(-dz, dx);
}

export function buildLayout(scene: ResolvedScene): SceneLayout {
  const index = indexScene(scene);
  const n = scene.stations.length;
  const areaIndex = new Map(scene.areas.map((a, i) => [a.id, i]));
  const stationPos = new Float32Array(n * 3);
  const stationYaw = new Float32Array(n);
  const stationSize = new Float32Array(n * 2);
  const stationPress = new Uint8Array(n);
  const stationArea = new Int32Array(n);
  scene.stations.forEach((s, i) => {
    stationPos.set(s.position, i * 3);
    stationYaw[i] = (s.rotation ?? 0) * DEG;
    stationSize[i * 2] = s.footprint[0];
    stationSize[i * 2 + 1] = s.footprint[1];
    const a = areaIndex.get(s.area) ?? -1;
    stationArea[i] = a;
    stationPress[i] = a >= 0 && scene.areas[a].kind === 'press' ? 1 : 0;
  });

  const conveyors = scene.conveyors.map((c): ConveyorPath => {
    const m = c.path.length;
    const points = new Float32Array(m * 3);
    const cum = new Float32Array(m);
    const segYaw = new Float32Array(Math.max(1, m - 1));
    const from = index.station.get(c.from);
    let lastYaw = from !== undefined ? stationYaw[from] : 0;
    c.path.forEach((p, i) => {
      points.set(p, i * 3);
      if (i === 0) return;
      const q = c.path[i - 1];
      const dx = p[0] - q[0], dy = p[1] - q[1], dz = p[2] - q[2];
      cum[i] = cum[i - 1] + Math.hypot(dx, dy, dz);
      if (Math.hypot(dx, dz) > 1e-3) lastYaw = yawOf(dx, dz);
      segYaw[i - 1] = lastYaw;
    });
    return { points, cum, length: cum[m - 1], segYaw };
  });
  const conveyorPress = new Uint8Array(scene.conveyors.length);
  scene.conveyors.forEach((c, i) => {
    const to = index.station.get(c.to);
    conveyorPress[i] = to !== undefined && stationPress[to] === 1 ? 1 : 0;
  });
  return { index, stationPos, stationYaw, stationSize, stationPress, conveyors, conveyorPress, stationArea };
}

/**
 * Writes the point at `progress` (0..1 of the length) into out[o..o+2] and returns the heading there.
 */
export function pointOnPath(path: ConveyorPath, progress: number, out: Float32Array, o: number): number {
  const { points, cum, length } = path;
  const d = Math.min(1, Math.max(0, progress)) * length;
  // Binary search for the segment [k, k+1] holding d.
  let lo = 0;
  let hi = cum.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] <= d) lo = mid;
    else hi = mid;
  }
  const seg = cum[hi] - cum[lo];
  const t = seg > 0 ? (d - cum[lo]) / seg : 0;
  const a = lo * 3;
  const b = hi * 3;
  out[o] = points[a] + (points[b] - points[a]) * t;
  out[o + 1] = points[a + 1] + (points[b + 1] - points[a + 1]) * t;
  out[o + 2] = points[a + 2] + (points[b + 2] - points[a + 2]) * t;
  return path.segYaw[Math.min(lo, path.segYaw.length - 1)];
}
