/**
 * Car bodies, lofted from a few profile curves: cross-sections along the car (x) whose shape follows
 * the centreline roof line, the beltline, the sill line and the plan-view width, with wheel arches
 * cut into the lower side and the greenhouse drawn in with tumblehome. Window quads go to a separate
 * glass mesh, leaving openings in the body shell.
 *
 * Body frame: origin on the ground under the middle of the car (half length, half width), +X forward,
 * Y up, metres. Nodes: `car` → `body` (the paint shell, one material), `glass`, `trim`, `wheels`.
 */
import * as THREE from 'three';
import type { BodyModel } from '../../protocol/state.ts';
import type { SceneNode } from './gltf.ts';
import { Part, between, box, boxMinMax, cylinder, lathe, place, toCreased } from './mesh.ts';

type Key = [number, number];

type CarSpec = {
  length: number;
  width: number;
  axles: [number, number]; // rear, front (x)
  wheelR: number;
  archR: number;
  tyreW: number;
  top: Key[]; // centreline top (x, y), rear to front
  belt: Key[];
  bottom: Key[];
  tumble: number;
  crown: number;
  sideWindows: [number, number][];
  windshield: [number, number];
  rearWindow: [number, number];
  /** Black plastic on the arch lips and sills (SUV). */
  cladding?: boolean;
  roofRails?: boolean;
};

const specs: Record<BodyModel, CarSpec> = {
  sedan: {
    length: 4.7,
    width: 1.84,
    axles: [-1.4, 1.4],
    wheelR: 0.33,
    archR: 0.375,
    tyreW: 0.225,
    top: [
      [-2.35, 0.66],
      [-2.33, 0.84],
      [-2.27, 0.95],
      [-2.12, 1.0],
      [-1.75, 1.03],
      [-1.45, 1.05],
      [-1.1, 1.24],
      [-0.75, 1.37],
      [-0.35, 1.435],
      [0.1, 1.44],
      [0.42, 1.4],
      [0.8, 1.22],
      [1.15, 1.02],
      [1.5, 0.96],
      [1.95, 0.9],
      [2.2, 0.84],
      [2.31, 0.76],
      [2.35, 0.64],
    ],
    belt: [
      [-2.35, 1.0],
      [-1.5, 1.04],
      [0, 1.0],
      [1.2, 0.97],
      [2.35, 0.9],
    ],
    bottom: [
      [-2.35, 0.36],
      [-2.22, 0.27],
      [-1.95, 0.21],
      [-1.1, 0.17],
      [1.1, 0.17],
      [1.95, 0.2],
      [2.22, 0.25],
      [2.35, 0.33],
    ],
    tumble: 0.32,
    crown: 0.04,
    sideWindows: [
      [-1.13, -0.05],
      [0.05, 0.98],
    ],
    windshield: [0.42, 1.15],
    rearWindow: [-1.45, -0.75],
  },
  suv: {
    length: 4.8,
    width: 1.92,
    axles: [-1.42, 1.43],
    wheelR: 0.37,
    archR: 0.43,
    tyreW: 0.235,
    top: [
      [-2.4, 0.98],
      [-2.38, 1.2],
      [-2.3, 1.5],
      [-2.12, 1.66],
      [-1.6, 1.7],
      [-0.4, 1.725],
      [0.3, 1.715],
      [0.6, 1.66],
      [0.95, 1.45],
      [1.3, 1.2],
      [1.6, 1.15],
      [2.05, 1.09],
      [2.28, 1.02],
      [2.37, 0.92],
      [2.4, 0.78],
    ],
    belt: [
      [-2.4, 1.2],
      [-1.6, 1.2],
      [0, 1.17],
      [1.3, 1.14],
      [2.4, 1.05],
    ],
    bottom: [
      [-2.4, 0.46],
      [-2.25, 0.37],
      [-1.95, 0.29],
      [-1.1, 0.27],
      [1.1, 0.27],
      [1.95, 0.29],
      [2.25, 0.36],
      [2.4, 0.44],
    ],
    tumble: 0.22,
    crown: 0.035,
    sideWindows: [
      [-2.0, -1.5],
      [-1.4, -0.06],
      [0.06, 1.22],
    ],
    windshield: [0.62, 1.3],
    rearWindow: [-2.38, -2.12],
    cladding: true,
    roofRails: true,
  },
};

/** Placement data for the manifest and the glTF scene extras. */
export function carInfo(model: BodyModel): Record<string, unknown> {
  const s = specs[model];
  const roof = Math.max(...s.top.map((k) => k[1])) + s.crown;
  const rocker = Math.min(...s.bottom.map((k) => k[1]));
  return {
    length: s.length,
    width: s.width,
    height: round3(roof),
    wheelbase: round3(s.axles[1] - s.axles[0]),
    axles: s.axles,
    wheelRadius: s.wheelR,
    /** Lowest point of the body shell (sill) above the body origin: rest it on a skid at this height. */
    rockerHeight: rocker,
  };
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Monotone cubic (Fritsch–Carlson) interpolation through keys sorted by x. */
function interp(keys: Key[], x: number): number {
  const n = keys.length;
  if (x <= keys[0][0]) return keys[0][1];
  if (x >= keys[n - 1][0]) return keys[n - 1][1];
  const d: number[] = [];
  for (let i = 0; i < n - 1; i++) d.push((keys[i + 1][1] - keys[i][1]) / (keys[i + 1][0] - keys[i][0]));
  const m: number[] = [d[0]];
  for (let i = 1; i < n - 1; i++) m.push(d[i - 1] * d[i] <= 0 ? 0 : (d[i - 1] + d[i]) / 2);
  m.push(d[n - 2]);
  for (let i = 0; i < n - 1; i++) {
    if (d[i] === 0) {
      m[i] = 0;
      m[i + 1] = 0;
      continue;
    }
    const a = m[i] / d[i], b = m[i + 1] / d[i], s = a * a + b * b;
    if (s > 9) {
      const t = 3 / Math.sqrt(s);
      m[i] = t * a * d[i];
      m[i + 1] = t * b * d[i];
    }
  }
  let i = 0;
  while (x > keys[i + 1][0]) i++;
  const [x0, y0] = keys[i], [x1, y1] = keys[i + 1];
  const h = x1 - x0, t = (x - x0) / h;
  const h00 = 2 * t ** 3 - 3 * t ** 2 + 1, h10 = t ** 3 - 2 * t ** 2 + t, h01 = -2 * t ** 3 + 3 * t ** 2, h11 = t ** 3 - t ** 2;
  return h00 * y0 + h10 * h * m[i] + h01 * y1 + h11 * h * m[i + 1];
}

/** Contour points of a half section (right side, z ≥ 0), from the floor centre to the roof centre. */
type Tag = 'floor' | 'wellIn0' | 'wellIn1' | 'sill' | 'sideLow' | 'sideMid' | 'sideTop' | 'belt' | 'rail' | 'roofEdge' | 'roofMid' | 'centre';
const contourTags: Record<0 | 1, Tag[]> = {
  0: ['floor', 'wellIn0', 'wellIn1', 'sill', 'sideLow', 'sideMid', 'sideTop', 'belt', 'rail', 'roofEdge', 'roofMid', 'centre'],
  1: ['floor', 'sill', 'sideMid', 'belt', 'rail', 'roofMid', 'centre'],
};

function stations(s: CarSpec, lod: 0 | 1): number[] {
  const L2 = s.length / 2;
  const xs = new Set<number>();
  const add = (x: number): void => {
    xs.add(Math.round(Math.min(L2, Math.max(-L2, x)) * 1e4) / 1e4);
  };
  for (const r of [...(lod === 0 ? s.sideWindows : []), s.windshield, s.rearWindow]) {
    add(r[0]);
    add(r[1]);
  }
  if (lod === 0) {
    for (const [x] of s.top) add(x);
    // Arches: the cut edges (two stations 5 mm apart) and samples around the circle.
    for (const ax of s.axles) {
      const R = s.archR;
      add(ax - R - 0.005);
      add(ax + R + 0.005);
      for (let i = 0; i <= 7; i++) add(ax - R * Math.cos((Math.PI * i) / 7));
    }
    const sorted = [...xs].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length - 1; i++) {
      const gap = sorted[i + 1] - sorted[i];
      const k = Math.ceil(gap / 0.32);
      for (let j = 1; j < k; j++) add(sorted[i] + (gap * j) / k);
    }
  } else {
    for (const x of [-L2, -L2 + 0.1, L2 - 0.1, L2]) add(x);
    for (const ax of s.axles) for (const dx of [-s.archR, 0, s.archR]) add(ax + dx);
  }
  return [...xs].sort((a, b) => a - b);
}

type Section = { x: number; pts: [number, number][] };

function section(s: CarSpec, x: number, lod: 0 | 1 = 0): Section {
  const L2 = s.length / 2;
  const e = L2 - Math.abs(x); // distance to the nearer end
  const fw = 1 - 0.11 * (1 - Math.min(1, e / 0.6)) ** 2;
  const w = (s.width / 2) * fw;
  const yb = interp(s.bottom, x);
  const ytop = interp(s.top, x);
  const ybelt = interp(s.belt, x);
  const ysh = Math.min(ybelt, ytop);
  const g = ytop - ysh;
  // wheel arch: the cut-out rises to a circle around the wheel centre
  let ya = yb;
  for (const ax of s.axles) {
    const dx = Math.abs(x - ax);
    if (dx <= s.archR + 1e-6) ya = Math.max(ya, s.wheelR + 0.02 + Math.sqrt(Math.max(0, s.archR ** 2 - dx ** 2)));
  }
  const zin = w - (s.tyreW + 0.1);
  const r1 = lod === 0 ? (s.cladding ? 0.13 : 0.05) : 0;
  const wl = w - 0.03; // sills tuck in
  const r2 = Math.min(0.06, Math.max(0.0, (ysh - ya) * 0.3));
  const yMid = Math.max(ya + r1 + 0.55 * (ysh - r2 - ya - r1), ya + r1);
  const wsh = w - 0.015 - r2 * 0.5;
  const wr = wsh - 0.02 - s.tumble * g;
  const rr = Math.min(0.07, g * 0.3);
  const crown = s.crown;
  const at: Record<Tag, [number, number]> = {
    floor: [0, yb],
    wellIn0: [zin, yb],
    wellIn1: [zin, ya],
    sill: [wl - r1, ya],
    sideLow: [wl, ya + r1],
    sideMid: [w, yMid],
    sideTop: [w - 0.008, Math.max(ysh - r2, ya + r1)],
    belt: [wsh, ysh],
    rail: [wr, ytop - rr],
    roofEdge: [wr - rr * 0.8, ytop],
    roofMid: [(wr - rr) * 0.5, ytop + crown * 0.75],
    centre: [0, ytop + crown],
  };
  return { x, pts: contourTags[lod].map((t) => at[t]) };
}

export function carNodes(model: BodyModel, opts: { lod: 0 | 1; bare: boolean }): SceneNode {
  const s = specs[model];
  const lod = opts.lod;
  const tags = contourTags[lod];
  const N = tags.length;
  const secs = stations(s, lod).map((x) => section(s, x, lod));
  const ring = 2 * N - 2;
  // ring index → (contour index, side)
  const ringPoint = (sec: Section, k: number): [number, number, number] => {
    if (k < N) {
      const [z, y] = sec.pts[k];
      return [sec.x, y, z];
    }
    const [z, y] = sec.pts[2 * N - 2 - k];
    return [sec.x, y, -z];
  };
  // ring edge k → k+1 covers the contour band starting at this tag (mirrored on the left side)
  const bandOf = (k: number): Tag => tags[k < N - 1 ? k : 2 * N - 3 - k];
  const within = (x: number, r: [number, number]): boolean => x > r[0] && x < r[1];
  // side glass between the beltline and the roof rail; windshield and rear window across the roof
  // (the roof edge band stays paint in full detail: A- and C-pillars, roof rails)
  const roofGlass: Tag[] = lod === 0 ? ['roofEdge', 'roofMid'] : ['rail', 'roofMid'];
  const isGlass = (band: Tag, xm: number): boolean =>
    (band === 'belt' && s.sideWindows.some((r) => within(xm, r))) ||
    (roofGlass.includes(band) && (within(xm, s.windshield) || within(xm, s.rearWindow)));
  const L2 = s.length / 2;
  /** Material of a shell quad other than paint: glass, lamps, black wheel-house liners and cladding. */
  const special = (band: Tag, xm: number): string | null => {
    if (isGlass(band, xm)) return 'glass';
    if (lod === 1) return null;
    if (band === 'sideMid' || band === 'sideTop') {
      if (xm > L2 - 0.28) return 'head_light';
      if (xm < -L2 + 0.22) return 'tail_light';
    }
    if (band === 'wellIn0' || band === 'wellIn1') return 'plastic_black';
    if (s.cladding && band === 'sill') return 'plastic_black';
    return null;
  };

  const shell: number[] = [];
  const other = new Map<string, number[]>();
  for (let i = 0; i < secs.length - 1; i++) {
    const s0 = secs[i], s1 = secs[i + 1];
    const xm = (s0.x + s1.x) / 2;
    for (let k = 0; k < ring; k++) {
      const k1 = (k + 1) % ring;
      const a = ringPoint(s0, k), b = ringPoint(s0, k1), c = ringPoint(s1, k1), d = ringPoint(s1, k);
      const mat = special(bandOf(k), xm);
      let target = shell;
      if (mat === 'glass' || (mat && !opts.bare)) {
        target = other.get(mat) ?? [];
        other.set(mat, target);
      }
      // the ring runs bottom → right side (+z) → roof → left side: this winding faces outwards
      target.push(...a, ...d, ...c, ...a, ...c, ...b);
    }
  }
  // end caps: fans around the section centroid
  for (const [sec, front] of [
    [secs[0], false],
    [secs[secs.length - 1], true],
  ] as const) {
    let cy = 0;
    for (const [, y] of sec.pts) cy += y;
    const centre = [sec.x, cy / N, 0];
    for (let k = 0; k < ring; k++) {
      const a = ringPoint(sec, k), b = ringPoint(sec, (k + 1) % ring);
      if (front) shell.push(...centre, ...b, ...a);
      else shell.push(...centre, ...a, ...b);
    }
  }

  const body = new Part();
  addSoup(body, opts.bare ? 'body_bare' : 'body_paint', shell);
  const children: SceneNode[] = [{ name: 'body', part: body, extras: { role: 'paint shell: override this material per body colour' } }];
  if (!opts.bare) {
    const g = new Part();
    addSoup(g, 'glass', other.get('glass') ?? []);
    children.push({ name: 'glass', part: g });
    const t = trim(s, lod);
    for (const [m, soup] of other) if (m !== 'glass') addSoup(t, m, soup);
    children.push({ name: 'trim', part: t });
    children.push({ name: 'wheels', part: wheels(s, lod) });
  }
  return { name: 'car', extras: { bodyModel: model, bodyInWhite: opts.bare }, children };
}

/** Adds a triangle soup with creased normals (hard edges above 50°). */
function addSoup(part: Part, material: string, soup: number[]): void {
  if (soup.length === 0) return;
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.Float32BufferAttribute(soup, 3));
  part.add(toCreased(g, 50), material);
}

/** A named contour point of the full-detail section at x: [z, y]. */
function point(s: CarSpec, x: number, tag: Tag): [number, number] {
  return section(s, x, 0).pts[contourTags[0].indexOf(tag)];
}

function trim(s: CarSpec, lod: 0 | 1): Part {
  const p = new Part();
  const L2 = s.length / 2;
  // lamp lenses and grille on the end faces (the end sections are flat)
  const [wF, yF] = point(s, L2, 'sideTop');
  const [wR, yR] = point(s, -L2, 'sideTop');
  const yFb = interp(s.bottom, L2), yRb = interp(s.bottom, -L2);
  for (const z of [-1, 1]) {
    boxMinMax(p, 'head_light', [L2 - 0.01, yF - 0.1, z > 0 ? wF - 0.3 : -wF + 0.02], [L2 + 0.005, yF - 0.01, z > 0 ? wF - 0.02 : -wF + 0.3]);
    boxMinMax(p, 'tail_light', [-L2 - 0.005, yR - 0.09, z > 0 ? wR - 0.34 : -wR + 0.02], [-L2 + 0.01, yR - 0.01, z > 0 ? wR - 0.02 : -wR + 0.34]);
  }
  boxMinMax(p, 'plastic_black', [L2 - 0.01, yF - 0.11, -wF + 0.36], [L2 + 0.006, yF - 0.01, wF - 0.36]);
  boxMinMax(p, 'plastic_black', [L2 - 0.01, yFb + 0.03, -0.55], [L2 + 0.006, yFb + 0.11, 0.55]);
  boxMinMax(p, 'plastic_black', [-L2 - 0.006, yRb + 0.03, -0.7], [-L2 + 0.01, yRb + 0.1, 0.7]);
  if (lod === 1) return p;
  if (s.roofRails) {
    const xs = [-2.0, -1.4, -0.7, 0.0, 0.45];
    for (const side of [-1, 1]) {
      const pts = xs.map((x): [number, number, number] => {
        const [z, y] = point(s, x, 'roofEdge');
        return [x, y + 0.05, side * (z - 0.05)];
      });
      for (let i = 0; i < pts.length - 1; i++) {
        const { matrix, length } = between(pts[i], pts[i + 1]);
        p.add(new THREE.BoxGeometry(0.03, length + 0.01, 0.035), 'plastic_black', matrix);
      }
      for (const q of [pts[0], pts[pts.length - 1]]) box(p, 'plastic_black', [0.1, 0.06, 0.04], [q[0], q[1] - 0.025, q[2]]);
    }
  }
  // mirrors at the foot of the A-pillars
  const xm = s.sideWindows[s.sideWindows.length - 1][1] - 0.1;
  const [zb, yb] = point(s, xm, 'belt');
  for (const z of [-1, 1]) box(p, 'plastic_black', [0.1, 0.1, 0.18], [xm, yb + 0.07, z * (zb + 0.08)]);
  // interior seen through the glass: dashboard, seats
  const belt = interp(s.belt, 0);
  const floor = interp(s.bottom, 0) + 0.12;
  const xd = s.windshield[1] - 0.25;
  const w = s.width / 2;
  boxMinMax(p, 'interior', [xd - 0.35, belt - 0.25, -w + 0.12], [xd, belt + 0.02, w - 0.12]);
  for (const [x, z, wide] of [
    [0.1, 0.38, 0.5],
    [0.1, -0.38, 0.5],
    [-0.85, 0, 1.3],
  ] as const) {
    boxMinMax(p, 'interior', [x - 0.45, floor, z - wide / 2], [x + 0.05, floor + 0.25, z + wide / 2]);
    box(p, 'interior', [0.12, 0.6, wide], [x - 0.42, floor + 0.5, z], [0, 0, -0.2]);
  }
  return p;
}

function wheels(s: CarSpec, lod: 0 | 1): Part {
  const p = new Part();
  const R = s.wheelR, tw = s.tyreW, rim = 0.66 * R;
  const tyre = new Part();
  // tyre and rim, built around +Y then laid on the Z axis
  if (lod === 0) {
    const seg = 12;
    lathe(
      tyre,
      'rubber',
      'y',
      [
        [rim, -tw / 2 + 0.01],
        [R - 0.03, -tw / 2],
        [R, -tw / 2 + 0.035],
        [R, tw / 2 - 0.035],
        [R - 0.03, tw / 2],
        [rim, tw / 2 - 0.01],
      ],
      seg,
    );
    lathe(
      tyre,
      'aluminium',
      'y',
      [
        [0, tw / 2 - 0.005],
        [0.25 * rim, tw / 2 - 0.005],
        [rim, tw / 2 - 0.02],
      ],
      seg,
    );
  } else {
    cylinder(tyre, 'rubber', 'y', -tw / 2, tw / 2, R, R, [0, 0], 6);
  }
  for (const ax of s.axles) {
    for (const side of [-1, 1]) {
      const z = side * (s.width / 2 - tw / 2 - 0.045);
      // +Y → ±Z so that the rim faces outwards
      p.merge(tyre, place([ax, R, z], [(side * Math.PI) / 2, 0, 0]));
    }
  }
  return p;
}
