/**
 * The followed body's route in 3D: a flat ribbon just above the floor through the stations it visited and
 * along the conveyors it rode, in visit order. One mesh with preallocated buffers, rebuilt only when the
 * route changed (a poll every few seconds); hidden, not unmounted, while no body is followed.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { BufferAttribute, BufferGeometry, DoubleSide, Mesh, MeshBasicMaterial } from 'three';
import type { SceneLayout } from '../live/layout.ts';
import { ROUTE_COLOR } from '../palette.ts';
import { routeFeed, type RouteVisit } from '../store/body-route.ts';
import { provideToTestHook } from '../test-hook.ts';
import { useCommitProbe } from './commit-probe.ts';

const MAX_POINTS = 1024;
const WIDTH = 0.9;
/** Above the slabs (0.12 m) and under the bodies. */
const LIFT = 0.3;

/** The route's centre line, xyz per point; consecutive duplicates dropped. */
export function routePoints(visits: RouteVisit[], layout: SceneLayout, out: Float32Array): number {
  let n = 0;
  const push = (x: number, y: number, z: number) => {
    if (n >= MAX_POINTS) return;
    if (n > 0 && Math.abs(out[(n - 1) * 3] - x) < 1e-3 && Math.abs(out[(n - 1) * 3 + 2] - z) < 1e-3 && Math.abs(out[(n - 1) * 3 + 1] - y) < 1e-3) return;
    out[n * 3] = x;
    out[n * 3 + 1] = y;
    out[n * 3 + 2] = z;
    n++;
  };
  for (const v of visits) {
    if (v.kind === 'station') {
      const i = layout.index.station.get(v.id);
      if (i !== undefined) push(layout.stationPos[i * 3], layout.stationPos[i * 3 + 1] + LIFT, layout.stationPos[i * 3 + 2]);
    } else {
      const c = layout.index.conveyor.get(v.id);
      const path = c !== undefined ? layout.conveyors[c] : undefined;
      // Path points are where skids ride, 0.5 m above the floor.
      if (path) for (let k = 0; k < path.points.length / 3; k++) push(path.points[k * 3], path.points[k * 3 + 1] - 0.5 + LIFT, path.points[k * 3 + 2]);
    }
  }
  return n;
}

export function RouteRibbon({ layout }: { layout: SceneLayout }) {
  useCommitProbe();
  const built = useMemo(() => {
    const geo = new BufferGeometry();
    const pos = new BufferAttribute(new Float32Array(MAX_POINTS * 2 * 3), 3);
    const index = new Uint32Array((MAX_POINTS - 1) * 6);
    for (let i = 0; i < MAX_POINTS - 1; i++) {
      const a = i * 2;
      index.set([a, a + 1, a + 2, a + 1, a + 3, a + 2], i * 6);
    }
    geo.setAttribute('position', pos);
    geo.setIndex(new BufferAttribute(index, 1));
    geo.setDrawRange(0, 0);
    // Drawn over everything (no depth test), translucent: a route on the floor would hide under the bodies,
    // conveyors and machines it runs through, which are exactly where it matters.
    const mat = new MeshBasicMaterial({ color: ROUTE_COLOR, transparent: true, opacity: 0.55, side: DoubleSide, forceSinglePass: true, depthWrite: false, depthTest: false, toneMapped: false });
    const mesh = new Mesh(geo, mat);
    mesh.name = 'route-ribbon';
    mesh.visible = false;
    mesh.frustumCulled = false;
    mesh.renderOrder = 8;
    mesh.raycast = () => {};
    return { mesh, pos, centre: new Float32Array(MAX_POINTS * 3), count: 0, stations: [] as string[], dispose: () => (geo.dispose(), mat.dispose()) };
  }, []);
  useEffect(() => () => built.dispose(), [built]);
  useEffect(
    () =>
      provideToTestHook({
        route: () => ({ visible: built.mesh.visible, vin: routeFeed.vin, points: built.count, stations: [...built.stations] }),
      }),
    [built],
  );

  const seen = useRef(-1);
  useFrame(() => {
    if (routeFeed.version === seen.current) return;
    seen.current = routeFeed.version;
    const visits = routeFeed.route?.visits ?? [];
    const c = built.centre;
    const n = routePoints(visits, layout, c);
    built.count = n;
    built.stations = visits.filter((v) => v.kind === 'station').map((v) => v.id);
    built.mesh.visible = n >= 2;
    if (n < 2) return;
    const p = built.pos.array as Float32Array;
    for (let i = 0; i < n; i++) {
      // Across the line at each point: perpendicular to the direction through its neighbours.
      const a = Math.max(0, i - 1), b = Math.min(n - 1, i + 1);
      let dx = c[b * 3] - c[a * 3], dz = c[b * 3 + 2] - c[a * 3 + 2];
      const len = Math.hypot(dx, dz) || 1;
      dx /= len;
      dz /= len;
      const ox = -dz * (WIDTH / 2), oz = dx * (WIDTH / 2);
      p.set([c[i * 3] + ox, c[i * 3 + 1], c[i * 3 + 2] + oz, c[i * 3] - ox, c[i * 3 + 1], c[i * 3 + 2] - oz], i * 6);
    }
    built.pos.needsUpdate = true;
    built.mesh.geometry.setDrawRange(0, (n - 1) * 6);
    built.mesh.geometry.computeBoundingSphere();
  });

  return <primitive object={built.mesh} />;
}
