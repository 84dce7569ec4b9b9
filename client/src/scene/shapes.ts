/**
 * Procedural shapes for the instanced meshes: a few boxes and cylinders merged into one geometry per kind,
 * with vertex colours for the tones inside a shape (the per-instance colour multiplies them). Built in code
 * so nothing is downloaded.
 */
import { BoxGeometry, BufferGeometry, ConeGeometry, CylinderGeometry, Float32BufferAttribute, SphereGeometry } from 'three';
import { mergeGeometries } from 'three/addons/utils/BufferGeometryUtils.js';
import type { StationKind, ToolKind } from '../../../protocol/scene-schema.ts';

type Axis = 'x' | 'y' | 'z';

/** Collects parts, then merges them. Coordinates are whatever space the caller scales from. */
export class ShapeBuilder {
  private parts: BufferGeometry[] = [];

  box(cx: number, cy: number, cz: number, sx: number, sy: number, sz: number, tone: number | [number, number, number] = 1): this {
    return this.add(new BoxGeometry(sx, sy, sz).translate(cx, cy, cz), tone);
  }

  /** A box given by its min and max corners. */
  span(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, tone: number | [number, number, number] = 1): this {
    return this.box((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2, Math.abs(x1 - x0), Math.abs(y1 - y0), Math.abs(z1 - z0), tone);
  }

  cylinder(cx: number, cy: number, cz: number, radius: number, length: number, axis: Axis, tone: number | [number, number, number] = 1, segments = 12, radiusEnd = radius): this {
    const g = new CylinderGeometry(radiusEnd, radius, length, segments);
    if (axis === 'x') g.rotateZ(-Math.PI / 2);
    else if (axis === 'z') g.rotateX(Math.PI / 2);
    return this.add(g.translate(cx, cy, cz), tone);
  }

  cone(cx: number, cy: number, cz: number, radius: number, length: number, axis: Axis, tone: number | [number, number, number] = 1): this {
    const g = new ConeGeometry(radius, length, 14);
    if (axis === 'x') g.rotateZ(-Math.PI / 2);
    else if (axis === 'z') g.rotateX(Math.PI / 2);
    return this.add(g.translate(cx, cy, cz), tone);
  }

  sphere(cx: number, cy: number, cz: number, radius: number, tone: number | [number, number, number] = 1, segments = 10): this {
    return this.add(new SphereGeometry(radius, segments, Math.max(4, Math.round(segments * 0.6))).translate(cx, cy, cz), tone);
  }

  get empty(): boolean {
    return this.parts.length === 0;
  }

  build(): BufferGeometry {
    // All parts are indexed (three's primitives are): shared vertices are shaded once.
    const merged = mergeGeometries(this.parts, false);
    for (const p of this.parts) p.dispose();
    this.parts = [];
    if (!merged) throw new Error('shape parts do not merge');
    merged.computeBoundingSphere();
    merged.computeBoundingBox();
    return merged;
  }

  private add(g: BufferGeometry, tone: number | [number, number, number]): this {
    const [r, gr, b] = typeof tone === 'number' ? [tone, tone, tone] : tone;
    const n = g.getAttribute('position').count;
    const c = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      c[i * 3] = r;
      c[i * 3 + 1] = gr;
      c[i * 3 + 2] = b;
    }
    g.setAttribute('color', new Float32BufferAttribute(c, 3));
    this.parts.push(g);
    return this;
  }
}

/** Linear-space tones for machinery, from a hex sRGB colour (vertex colours are linear). */
function tone(hex: number): [number, number, number] {
  const f = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  return [f((hex >> 16) & 255), f((hex >> 8) & 255), f(hex & 255)];
}

const STEEL = tone(0x9aa3ad);
const DARK = tone(0x4a525c);
const FRAME = tone(0x6f7d8c);
const GUARD = tone(0xc9a227);
const PANEL = tone(0xdfe4ea);
const LIGHT = tone(0xf4f7fb);
const GLASS = tone(0xb8c7d6);

/**
 * Equipment per station kind, in footprint units: x and z in [-0.5, 0.5] (scaled per instance by the
 * footprint), y in metres. The middle is left open where bodies rest (about y 0.5..2.1, |x| < 0.33, |z| < 0.2
 * of a 7 × 4.5 m station) except where the real machine encloses the body (ovens).
 */
export function stationShape(kind: StationKind): BufferGeometry {
  const s = new ShapeBuilder();
  const posts = (xs: number[], zs: number[], h: number, w = 0.03, t = FRAME) => {
    for (const x of xs) for (const z of zs) s.span(x - w / 2, 0, z - w / 2, x + w / 2, h, z + w / 2, t);
  };
  switch (kind) {
    case 'press':
      s.span(-0.45, 0, -0.32, 0.45, 0.42, 0.32, DARK); // bed
      s.span(-0.47, 0, -0.46, 0.47, 6.6, -0.34, FRAME); // uprights
      s.span(-0.47, 0, 0.34, 0.47, 6.6, 0.46, FRAME);
      s.span(-0.5, 5.2, -0.5, 0.5, 7.4, 0.5, STEEL); // crown
      s.span(-0.4, 3.4, -0.3, 0.4, 4.6, 0.3, DARK); // slide
      s.span(-0.08, 4.6, -0.08, 0.08, 5.2, 0.08, STEEL);
      s.span(-0.5, 7.4, -0.1, -0.3, 7.9, 0.1, GUARD);
      break;
    case 'weld':
      posts([-0.47, 0.47], [-0.47, 0.47], 2.4);
      s.span(-0.48, 2.4, -0.49, 0.48, 2.55, -0.45, FRAME).span(-0.48, 2.4, 0.45, 0.48, 2.55, 0.49, FRAME);
      s.span(-0.4, 0, -0.3, 0.4, 0.42, -0.24, DARK).span(-0.4, 0, 0.24, 0.4, 0.42, 0.3, DARK); // fixture rails
      for (const x of [-0.3, -0.1, 0.1, 0.3]) s.span(x - 0.012, 0.42, -0.28, x + 0.012, 0.75, -0.25, GUARD).span(x - 0.012, 0.42, 0.25, x + 0.012, 0.75, 0.28, GUARD);
      break;
    case 'framing':
      s.span(-0.32, 0, -0.42, 0.32, 4.2, -0.32, FRAME).span(-0.32, 0, 0.32, 0.32, 4.2, 0.42, FRAME); // gates
      s.span(-0.34, 4.2, -0.45, 0.34, 4.6, 0.45, STEEL); // header
      s.span(-0.45, 0, -0.25, 0.45, 0.42, 0.25, DARK);
      for (const x of [-0.25, 0, 0.25]) s.span(x - 0.02, 1.0, -0.32, x + 0.02, 3.4, -0.27, GUARD).span(x - 0.02, 1.0, 0.27, x + 0.02, 3.4, 0.32, GUARD);
      posts([-0.48, 0.48], [-0.48, 0.48], 1.8, 0.025, STEEL);
      break;
    case 'sealer':
      posts([-0.05, 0.05], [-0.46, 0.46], 3.4);
      s.span(-0.07, 3.2, -0.48, 0.07, 3.5, 0.48, STEEL); // gantry beam
      s.span(-0.04, 2.4, -0.05, 0.04, 3.2, 0.05, DARK); // nozzle carriage
      s.span(-0.45, 0, -0.3, 0.45, 0.42, -0.25, DARK).span(-0.45, 0, 0.25, 0.45, 0.42, 0.3, DARK);
      s.span(0.3, 0, 0.36, 0.46, 1.6, 0.48, GUARD); // pump cabinet
      break;
    case 'paint-booth':
      s.span(-0.5, 0, -0.5, 0.5, 3.6, -0.46, PANEL).span(-0.5, 0, 0.46, 0.5, 3.6, 0.5, PANEL); // side walls
      for (let x = -0.45; x <= 0.46; x += 0.15) s.span(x - 0.01, 3.5, -0.5, x + 0.01, 3.7, 0.5, LIGHT); // roof ribs
      s.span(-0.5, 3.6, -0.5, 0.5, 3.75, -0.3, LIGHT).span(-0.5, 3.6, 0.3, 0.5, 3.75, 0.5, LIGHT);
      s.span(-0.48, 0, -0.3, 0.48, 0.42, 0.3, DARK); // grating
      break;
    case 'oven':
      s.span(-0.5, 0, -0.5, 0.5, 3.2, -0.42, STEEL).span(-0.5, 0, 0.42, 0.5, 3.2, 0.5, STEEL);
      s.span(-0.5, 3.0, -0.5, 0.5, 3.5, 0.5, PANEL); // roof: an oven hides its bodies
      for (let x = -0.4; x <= 0.41; x += 0.2) s.span(x - 0.01, 3.5, -0.3, x + 0.01, 3.9, 0.3, DARK); // ducts
      s.cylinder(0.3, 4.4, 0, 0.035, 1.4, 'y', DARK);
      break;
    case 'inspection':
      for (const x of [-0.3, 0, 0.3]) {
        s.span(x - 0.02, 0, -0.45, x + 0.02, 3.0, -0.41, LIGHT).span(x - 0.02, 0, 0.41, x + 0.02, 3.0, 0.45, LIGHT);
        s.span(x - 0.02, 2.9, -0.45, x + 0.02, 3.1, 0.45, LIGHT);
      }
      s.span(-0.45, 0, -0.25, 0.45, 0.3, 0.25, DARK);
      s.span(0.36, 0, 0.46, 0.48, 1.3, 0.5, FRAME); // desk
      break;
    case 'assembly':
      s.span(-0.5, 0, -0.46, 0.5, 0.25, -0.3, STEEL).span(-0.5, 0, 0.3, 0.5, 0.25, 0.46, STEEL); // walkways
      s.span(-0.45, 0, -0.18, 0.45, 0.4, 0.18, DARK); // skillet
      posts([-0.45, 0.45], [0.48], 3.4, 0.025);
      s.span(-0.47, 3.3, 0.46, 0.47, 3.45, 0.5, FRAME); // overhead rail
      s.span(-0.12, 2.6, 0.2, 0.12, 3.3, 0.48, GUARD); // balancer arm
      s.span(-0.42, 0.25, -0.5, -0.18, 1.4, -0.46, GUARD); // parts rack
      s.span(0.18, 0.25, -0.5, 0.42, 1.4, -0.46, GUARD);
      break;
    case 'marriage':
      s.span(-0.45, 0, -0.3, 0.45, 0.3, 0.3, DARK); // AGV
      posts([-0.38, 0.38], [-0.32, 0.32], 2.6, 0.035, GUARD);
      s.span(-0.4, 2.5, -0.34, 0.4, 2.7, -0.3, FRAME).span(-0.4, 2.5, 0.3, 0.4, 2.7, 0.34, FRAME);
      s.span(-0.3, 0.3, -0.18, 0.3, 0.5, 0.18, STEEL); // powertrain pallet
      break;
    case 'glazing':
      posts([-0.42, 0.42], [-0.46, 0.46], 3.6);
      s.span(-0.44, 3.5, -0.48, 0.44, 3.7, -0.44, STEEL).span(-0.44, 3.5, 0.44, 0.44, 3.7, 0.48, STEEL);
      s.span(-0.04, 3.5, -0.48, 0.04, 3.7, 0.48, STEEL); // bridge
      s.span(-0.05, 2.6, 0.05, 0.05, 3.5, 0.15, DARK); // manipulator
      s.span(-0.3, 0, 0.36, -0.1, 1.2, 0.48, GLASS); // glass rack
      s.span(-0.45, 0, -0.25, 0.45, 0.4, 0.25, DARK);
      break;
    case 'wheel':
      s.span(-0.45, 0, -0.2, 0.45, 0.4, 0.2, DARK);
      for (const z of [-0.4, 0.4]) {
        s.span(-0.12, 0, z - 0.05, 0.12, 1.5, z + 0.05, FRAME);
        s.span(-0.1, 0.7, z - (z > 0 ? 0.12 : -0.12) - 0.03, 0.1, 0.95, z - (z > 0 ? 0.12 : -0.12) + 0.03, GUARD); // nutrunner heads
      }
      s.span(0.3, 0, 0.42, 0.46, 1.0, 0.5, STEEL).span(-0.46, 0, -0.5, -0.3, 1.0, -0.42, STEEL);
      break;
    case 'test':
      for (const x of [-0.2, 0.2]) for (const dx of [-0.03, 0.03]) s.cylinder(x + dx, 0.32, 0, 0.12, 2.6 / 4.5, 'z', DARK); // dyno rollers
      s.span(-0.45, 0, -0.3, 0.45, 0.2, 0.3, STEEL);
      posts([-0.47, 0.47], [-0.47, 0.47], 3.2, 0.03);
      s.span(-0.49, 3.1, -0.49, 0.49, 3.3, -0.43, FRAME).span(-0.49, 3.1, 0.43, 0.49, 3.3, 0.49, FRAME);
      s.span(-0.49, 3.1, -0.49, -0.43, 3.3, 0.49, FRAME).span(0.43, 3.1, -0.49, 0.49, 3.3, 0.49, FRAME);
      s.span(0.35, 0, 0.44, 0.49, 1.5, 0.5, PANEL); // control desk
      break;
  }
  // A kind added to the schema later still draws, as a generic cell, until it gets its own shape.
  if (s.empty) {
    posts([-0.47, 0.47], [-0.47, 0.47], 2.5);
    s.span(-0.48, 2.4, -0.48, 0.48, 2.55, 0.48, FRAME);
  }
  return s.build();
}

/** Station floor slab: unit footprint, 0.12 m thick; coloured by state. */
export const SLAB_HEIGHT = 0.12;
export function slabShape(): BufferGeometry {
  return new ShapeBuilder().span(-0.5, 0, -0.5, 0.5, SLAB_HEIGHT, 0.5, 1).build();
}

/** Stack light: the lamp, and its pole (metres). */
export const BEACON_HEIGHT = 4.2;
export function beaconLampShape(): BufferGeometry {
  return new ShapeBuilder().cylinder(0, BEACON_HEIGHT, 0, 0.26, 0.7, 'y', 1, 10).sphere(0, BEACON_HEIGHT + 0.35, 0, 0.26, 1, 10).build();
}
export function beaconPoleShape(): BufferGeometry {
  return new ShapeBuilder().cylinder(0, BEACON_HEIGHT / 2, 0, 0.05, BEACON_HEIGHT - 0.3, 'y', DARK, 8).cylinder(0, 0.05, 0, 0.25, 0.1, 'y', DARK, 8).build();
}

const GLASS_TONE: [number, number, number] = [0.16, 0.19, 0.23];
const TYRE: [number, number, number] = [0.03, 0.03, 0.035];

/** Car bodies along +X, bottom at y = 0 (the skid), metres. Wheels so a style reads from afar. */
export function bodyShape(model: 'sedan' | 'suv'): BufferGeometry {
  const s = new ShapeBuilder();
  if (model === 'sedan') {
    s.span(-2.35, 0.28, -0.9, 2.35, 0.86, 0.9, 1); // lower body
    s.span(1.3, 0.86, -0.86, 2.3, 0.96, 0.86, 1); // hood top
    s.span(-1.25, 0.86, -0.8, 1.05, 1.38, 0.8, GLASS_TONE); // cabin glass
    s.span(-1.05, 1.38, -0.76, 0.8, 1.45, 0.76, 1); // roof
    s.span(-2.35, 0.86, -0.86, -1.5, 0.98, 0.86, 1); // trunk lid
  } else {
    s.span(-2.4, 0.36, -0.95, 2.4, 1.05, 0.95, 1);
    s.span(1.45, 1.05, -0.9, 2.35, 1.15, 0.9, 1);
    s.span(-2.3, 1.05, -0.86, 1.35, 1.68, 0.86, GLASS_TONE);
    s.span(-2.25, 1.68, -0.82, 1.1, 1.76, 0.82, 1);
  }
  const r = model === 'suv' ? 0.38 : 0.33;
  const wx = model === 'suv' ? 1.5 : 1.45;
  const wz = model === 'suv' ? 0.86 : 0.82;
  for (const x of [-wx, wx]) for (const z of [-wz, wz]) s.cylinder(x, r, z, r, 0.26, 'z', TYRE, 10);
  return s.build();
}

/** Press shop: a stack of blanks/panels on a pallet, along +X, bottom at y = 0. */
export function panelStackShape(): BufferGeometry {
  const s = new ShapeBuilder();
  s.span(-1.6, 0, -0.95, 1.6, 0.14, 0.95, DARK);
  for (let i = 0; i < 6; i++) s.span(-1.5, 0.16 + i * 0.07, -0.85, 1.5, 0.2 + i * 0.07, 0.85, 1);
  return s.build();
}

/** Unit shapes for robot links; each instance is scaled to its model's link lengths (see robot-rig.ts). */
export function unitBox(): BufferGeometry {
  return new ShapeBuilder().box(0, 0, 0, 1, 1, 1, 1).build();
}
export function unitCylinder(axis: Axis, segments = 14): BufferGeometry {
  return new ShapeBuilder().cylinder(0, 0, 0, 0.5, 1, axis, 1, segments).build();
}

/** Tools at the flange, along the flange's +X, metres. */
export function toolShape(kind: ToolKind): BufferGeometry {
  const s = new ShapeBuilder();
  switch (kind) {
    case 'spot-weld':
      s.span(0, -0.12, -0.09, 0.3, 0.16, 0.09, 1); // transformer body
      s.span(0.3, 0.1, -0.04, 0.62, 0.16, 0.04, 1); // upper arm
      s.span(0.3, -0.34, -0.04, 0.6, -0.28, 0.04, 1); // lower arm
      s.span(0.56, -0.34, -0.04, 0.62, 0.16, 0.04, 1);
      s.cylinder(0.6, 0.05, 0, 0.02, 0.1, 'y', 1, 8);
      break;
    case 'gripper':
      s.span(0, -0.22, -0.22, 0.06, 0.22, 0.22, 1);
      s.span(0.06, 0.12, -0.04, 0.36, 0.18, 0.04, 1).span(0.06, -0.18, -0.04, 0.36, -0.12, 0.04, 1);
      break;
    case 'paint-bell':
      s.cylinder(0.13, 0, 0, 0.07, 0.26, 'x', 1, 12);
      s.cone(0.3, 0, 0, 0.1, 0.1, 'x', 1);
      break;
    case 'glue-nozzle':
      s.cylinder(0.09, 0, 0, 0.055, 0.18, 'x', 1, 10);
      s.cylinder(0.26, 0, 0, 0.015, 0.18, 'x', 1, 6);
      break;
    case 'screwdriver':
      s.box(0.08, 0, 0, 0.16, 0.16, 0.16, 1);
      s.cylinder(0.3, 0, 0, 0.025, 0.28, 'x', 1, 8);
      break;
  }
  return s.build();
}

/** Glow at a working tool: a ball of radius 0.3 m, scaled per instance (0 hides it). */
export function glowShape(): BufferGeometry {
  return new ShapeBuilder().sphere(0, 0, 0, 0.3, 1, 8).build();
}

/** Where each tool works, along the flange's +X (the glow sits there while the tool is active). */
export const toolTip: Record<ToolKind, [number, number, number]> = {
  'spot-weld': [0.6, -0.05, 0],
  gripper: [0.3, 0, 0],
  'paint-bell': [0.4, 0, 0],
  'glue-nozzle': [0.36, 0, 0],
  screwdriver: [0.45, 0, 0],
};

export const toolGlowColor: Record<ToolKind, string> = {
  'spot-weld': '#fff3b0',
  gripper: '#9fffcf',
  'paint-bell': '#bfe3ff',
  'glue-nozzle': '#ffd27a',
  screwdriver: '#a6f0ff',
};
