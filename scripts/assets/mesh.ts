/**
 * Small geometry kit for the asset generator: a part is a set of triangle lists, one per material,
 * built from three.js geometry classes (boxes, cylinders, lathes, extrusions) placed with a matrix,
 * or from raw triangles. Everything is plain arithmetic, so the output is the same on every run.
 */
import * as THREE from 'three';

export type Vec3 = [number, number, number];

/** Triangles of one material: flat arrays, indexed. */
export type TriList = { positions: number[]; normals: number[]; indices: number[] };

export class Part {
  readonly lists = new Map<string, TriList>();

  private list(material: string): TriList {
    let l = this.lists.get(material);
    if (!l) {
      l = { positions: [], normals: [], indices: [] };
      this.lists.set(material, l);
    }
    return l;
  }

  /** Adds a three.js geometry, transformed by `matrix`, in `material`. The geometry is disposed. */
  add(geometry: THREE.BufferGeometry, material: string, matrix?: THREE.Matrix4): this {
    let g = geometry;
    if (matrix) g.applyMatrix4(matrix);
    if (!g.getAttribute('normal')) g.computeVertexNormals();
    const pos = g.getAttribute('position');
    const nor = g.getAttribute('normal');
    const l = this.list(material);
    const base = l.positions.length / 3;
    for (let i = 0; i < pos.count; i++) {
      l.positions.push(clean(pos.getX(i)), clean(pos.getY(i)), clean(pos.getZ(i)));
      const nx = nor.getX(i), ny = nor.getY(i), nz = nor.getZ(i);
      const len = Math.hypot(nx, ny, nz) || 1;
      l.normals.push(clean(nx / len), clean(ny / len), clean(nz / len));
    }
    const index = g.getIndex();
    const count = index ? index.count : pos.count;
    for (let i = 0; i < count; i += 3) {
      const a = index ? index.getX(i) : i, b = index ? index.getX(i + 1) : i + 1, c = index ? index.getX(i + 2) : i + 2;
      if (degenerate(pos, a, b, c)) continue;
      l.indices.push(base + a, base + b, base + c);
    }
    g.dispose();
    return this;
  }

  /** Adds raw indexed triangles (positions and normals flat, 3 per vertex). */
  addRaw(material: string, positions: ArrayLike<number>, normals: ArrayLike<number>, indices: ArrayLike<number>): this {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(Array.from(positions), 3));
    g.setAttribute('normal', new THREE.Float32BufferAttribute(Array.from(normals), 3));
    g.setIndex(Array.from(indices));
    return this.add(g, material);
  }

  /** Adds all lists of another part, transformed. */
  merge(other: Part, matrix?: THREE.Matrix4): this {
    for (const [material, l] of other.lists) {
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.Float32BufferAttribute(l.positions, 3));
      g.setAttribute('normal', new THREE.Float32BufferAttribute(l.normals, 3));
      g.setIndex(l.indices);
      this.add(g, material, matrix);
    }
    return this;
  }

  triangles(): number {
    let n = 0;
    for (const l of this.lists.values()) n += l.indices.length / 3;
    return n;
  }

  isEmpty(): boolean {
    return this.triangles() === 0;
  }
}

/** Rounds away float noise and -0 so that the bytes do not depend on the order of operations elsewhere. */
function clean(v: number): number {
  const r = Math.round(v * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}

function degenerate(pos: THREE.BufferAttribute | THREE.InterleavedBufferAttribute, a: number, b: number, c: number): boolean {
  const ax = pos.getX(a), ay = pos.getY(a), az = pos.getZ(a);
  const ux = pos.getX(b) - ax, uy = pos.getY(b) - ay, uz = pos.getZ(b) - az;
  const vx = pos.getX(c) - ax, vy = pos.getY(c) - ay, vz = pos.getZ(c) - az;
  const cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
  return Math.hypot(cx, cy, cz) < 1e-9;
}

// ---------------------------------------------------------------------------------------------
// Placement

const AXES = { x: new THREE.Vector3(1, 0, 0), y: new THREE.Vector3(0, 1, 0), z: new THREE.Vector3(0, 0, 1) };

/** A matrix: translate to `at`, then rotate by the Euler angles `rot` (radians, XYZ order), then scale. */
export function place(at: Vec3 = [0, 0, 0], rot: Vec3 = [0, 0, 0], scale: Vec3 = [1, 1, 1]): THREE.Matrix4 {
  const q = new THREE.Quaternion().setFromEuler(new THREE.Euler(rot[0], rot[1], rot[2], 'XYZ'));
  return new THREE.Matrix4().compose(new THREE.Vector3(...at), q, new THREE.Vector3(...scale));
}

/** A matrix that turns +Y onto the given axis and moves the origin to `at`. */
export function alongAxis(axis: 'x' | 'y' | 'z', at: Vec3 = [0, 0, 0]): THREE.Matrix4 {
  const q = new THREE.Quaternion().setFromUnitVectors(AXES.y, AXES[axis]);
  return new THREE.Matrix4().compose(new THREE.Vector3(...at), q, new THREE.Vector3(1, 1, 1));
}

/** A matrix turning +Y onto the direction from `a` to `b`, origin at the midpoint (for cylinders between two points). */
export function between(a: Vec3, b: Vec3): { matrix: THREE.Matrix4; length: number } {
  const va = new THREE.Vector3(...a), vb = new THREE.Vector3(...b);
  const dir = vb.clone().sub(va);
  const length = dir.length();
  const q = new THREE.Quaternion().setFromUnitVectors(AXES.y, dir.normalize());
  const mid = va.add(vb).multiplyScalar(0.5);
  return { matrix: new THREE.Matrix4().compose(mid, q, new THREE.Vector3(1, 1, 1)), length };
}

// ---------------------------------------------------------------------------------------------
// Primitives (three.js geometry, centred as three builds them)

/** Axis-aligned box of size [x, y, z] centred at `at`. */
export function box(part: Part, material: string, size: Vec3, at: Vec3, rot: Vec3 = [0, 0, 0]): Part {
  return part.add(new THREE.BoxGeometry(size[0], size[1], size[2]), material, place(at, rot));
}

/** Box given by its min and max corners. */
export function boxMinMax(part: Part, material: string, min: Vec3, max: Vec3): Part {
  const size: Vec3 = [max[0] - min[0], max[1] - min[1], max[2] - min[2]];
  const at: Vec3 = [(max[0] + min[0]) / 2, (max[1] + min[1]) / 2, (max[2] + min[2]) / 2];
  return box(part, material, size, at);
}

/**
 * Cylinder (or cone frustum) along `axis` from coordinate `from` to `to` on that axis, centred at `center`
 * in the other two coordinates. `r0` is the radius at `from`, `r1` at `to`.
 */
export function cylinder(
  part: Part,
  material: string,
  axis: 'x' | 'y' | 'z',
  from: number,
  to: number,
  r0: number,
  r1: number,
  center: [number, number],
  segments: number,
  open = false,
): Part {
  const len = Math.abs(to - from);
  // three's cylinder: radiusTop at +Y/2, radiusBottom at -Y/2.
  const lo = Math.min(from, to), hi = Math.max(from, to);
  const rLo = from <= to ? r0 : r1, rHi = from <= to ? r1 : r0;
  const g = new THREE.CylinderGeometry(rHi, rLo, len, segments, 1, open);
  const mid = (lo + hi) / 2;
  const at: Vec3 = axis === 'x' ? [mid, center[0], center[1]] : axis === 'y' ? [center[0], mid, center[1]] : [center[0], center[1], mid];
  return part.add(g, material, alongAxis(axis, at));
}

/** Cylinder between two arbitrary points. */
export function rod(part: Part, material: string, a: Vec3, b: Vec3, radius: number, segments: number): Part {
  const { matrix, length } = between(a, b);
  return part.add(new THREE.CylinderGeometry(radius, radius, length, segments, 1, false), material, matrix);
}

/** Body of revolution about `axis`: profile points are [radius, position along the axis]. */
export function lathe(part: Part, material: string, axis: 'x' | 'y' | 'z', profile: [number, number][], segments: number, at: Vec3 = [0, 0, 0]): Part {
  const pts = profile.map(([r, h]) => new THREE.Vector2(Math.max(r, 0), h));
  const g = new THREE.LatheGeometry(pts, segments);
  g.deleteAttribute('normal');
  g.deleteAttribute('uv');
  g.computeVertexNormals();
  return part.add(g, material, alongAxis(axis, at));
}

/**
 * A flat outline (in the plane's local x, y) extruded along the plane normal by `depth`, centred on
 * the plane, with an optional rounded bevel. `plane`: 'xy' extrudes along z, 'zy' along x, 'xz' along y.
 */
export function extrude(
  part: Part,
  material: string,
  outline: [number, number][],
  depth: number,
  plane: 'xy' | 'zy' | 'xz',
  offset: number,
  opts: { bevel?: number; bevelSegments?: number; holes?: [number, number][][]; curveSegments?: number } = {},
): Part {
  const shape = new THREE.Shape(outline.map(([x, y]) => new THREE.Vector2(x, y)));
  for (const h of opts.holes ?? []) shape.holes.push(new THREE.Path(h.map(([x, y]) => new THREE.Vector2(x, y))));
  const bevel = opts.bevel ?? 0;
  const g = new THREE.ExtrudeGeometry(shape, {
    depth: Math.max(depth - 2 * bevel, 1e-4),
    bevelEnabled: bevel > 0,
    bevelThickness: bevel,
    bevelSize: bevel,
    bevelOffset: -bevel,
    bevelSegments: opts.bevelSegments ?? 2,
    curveSegments: opts.curveSegments ?? 8,
  });
  g.deleteAttribute('uv');
  g.deleteAttribute('normal');
  // Shared normals for smooth bevels, hard edges where the angle is large.
  const merged = toCreased(g, 40);
  // Extrusion runs along +z from 0 (bevel starts at -bevel); centre it.
  const m = new THREE.Matrix4().makeTranslation(0, 0, -(depth - 2 * bevel) / 2);
  let orient: THREE.Matrix4;
  if (plane === 'xy') orient = new THREE.Matrix4().makeTranslation(0, 0, offset);
  else if (plane === 'zy') orient = new THREE.Matrix4().makeBasis(new THREE.Vector3(0, 0, 1), new THREE.Vector3(0, 1, 0), new THREE.Vector3(-1, 0, 0)).setPosition(offset, 0, 0);
  else orient = new THREE.Matrix4().makeBasis(new THREE.Vector3(1, 0, 0), new THREE.Vector3(0, 0, -1), new THREE.Vector3(0, 1, 0)).setPosition(0, offset, 0);
  // 'zy': local x → world z, local y → world y, extrusion (local z) → world -x ... keep handedness: det must be +1.
  return part.add(merged, material, orient.multiply(m));
}

/**
 * Converts a non-indexed geometry to an indexed one with normals averaged across faces that meet at
 * less than `creaseDeg` degrees (hard edges elsewhere).
 */
export function toCreased(g: THREE.BufferGeometry, creaseDeg: number): THREE.BufferGeometry {
  const src = g.index ? g.toNonIndexed() : g;
  const pos = src.getAttribute('position');
  const triCount = pos.count / 3;
  const faceN: THREE.Vector3[] = [];
  const a = new THREE.Vector3(), b = new THREE.Vector3(), c = new THREE.Vector3();
  for (let t = 0; t < triCount; t++) {
    a.fromBufferAttribute(pos, 3 * t);
    b.fromBufferAttribute(pos, 3 * t + 1);
    c.fromBufferAttribute(pos, 3 * t + 2);
    const n = new THREE.Vector3().subVectors(c, b).cross(new THREE.Vector3().subVectors(a, b));
    faceN.push(n); // area-weighted
  }
  // Group corners by position.
  const key = (i: number): string => `${Math.round(pos.getX(i) * 1e5)},${Math.round(pos.getY(i) * 1e5)},${Math.round(pos.getZ(i) * 1e5)}`;
  const groups = new Map<string, number[]>();
  for (let i = 0; i < pos.count; i++) {
    const k = key(i);
    const list = groups.get(k);
    if (list) list.push(i);
    else groups.set(k, [i]);
  }
  const cosLimit = Math.cos((creaseDeg * Math.PI) / 180);
  const normals = new Float32Array(pos.count * 3);
  for (const list of groups.values()) {
    for (const i of list) {
      const ni = faceN[Math.floor(i / 3)].clone().normalize();
      const sum = new THREE.Vector3();
      for (const j of list) {
        const fj = faceN[Math.floor(j / 3)];
        if (fj.lengthSq() === 0) continue;
        if (fj.clone().normalize().dot(ni) >= cosLimit) sum.add(fj);
      }
      if (sum.lengthSq() === 0) sum.copy(ni);
      sum.normalize();
      normals[3 * i] = sum.x;
      normals[3 * i + 1] = sum.y;
      normals[3 * i + 2] = sum.z;
    }
  }
  const out = new THREE.BufferGeometry();
  out.setAttribute('position', pos.clone());
  out.setAttribute('normal', new THREE.BufferAttribute(normals, 3));
  return out;
}

/** Points on a circular arc (angles in radians), counter-clockwise from a0 to a1, `n` segments. */
export function arc(cx: number, cy: number, r: number, a0: number, a1: number, n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i <= n; i++) {
    const a = a0 + ((a1 - a0) * i) / n;
    out.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return out;
}

/** A rounded rectangle outline centred at (cx, cy). */
export function roundedRect(cx: number, cy: number, w: number, h: number, r: number, n = 3): [number, number][] {
  const x0 = cx - w / 2 + r, x1 = cx + w / 2 - r, y0 = cy - h / 2 + r, y1 = cy + h / 2 - r;
  const h2 = Math.PI / 2;
  return [
    ...arc(x1, y0, r, -h2, 0, n),
    ...arc(x1, y1, r, 0, h2, n),
    ...arc(x0, y1, r, h2, 2 * h2, n),
    ...arc(x0, y0, r, 2 * h2, 3 * h2, n),
  ];
}

/** Convex hull (counter-clockwise) of 2D points; used for cast-looking link outlines. */
export function hull(points: [number, number][]): [number, number][] {
  const pts = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  upper.pop();
  lower.pop();
  return [...lower, ...upper];
}

/** Circle sample points (for hulls). */
export function circlePts(cx: number, cy: number, r: number, n: number): [number, number][] {
  return arc(cx, cy, r, 0, 2 * Math.PI * (1 - 1 / n), n - 1);
}
