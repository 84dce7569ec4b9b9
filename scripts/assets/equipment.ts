/**
 * Line equipment. Each model stands on the floor (y = 0), +X along the flow of bodies, centred on
 * its footprint unless said otherwise.
 */
import type { SceneNode } from './gltf.ts';
import { Part, arc, box, boxMinMax, cylinder, extrude, roundedRect } from './mesh.ts';

export type Equipment = { name: string; root: SceneNode; extras: Record<string, unknown> };

/** Height of the skid runners' underside on a conveyor (top of the rollers). */
export const TRANSPORT_HEIGHT = 0.5;
/** Top of the skid's body supports above the skid's origin (underside of its runners). */
export const SKID_BODY_HEIGHT = 0.45;

function skid(): Equipment {
  const p = new Part();
  const L = 4.4;
  for (const z of [-0.45, 0.45]) boxMinMax(p, 'steel_dark', [-L / 2, 0, z - 0.05], [L / 2, 0.1, z + 0.05]);
  for (const x of [-1.9, -1.0, 0, 1.0, 1.9]) boxMinMax(p, 'steel_dark', [x - 0.04, 0.1, -0.8], [x + 0.04, 0.18, 0.8]);
  // body supports under the sills, with rubber pads
  for (const x of [-1.0, 1.0]) {
    for (const z of [-0.72, 0.72]) {
      boxMinMax(p, 'safety_yellow', [x - 0.04, 0.18, z - 0.04], [x + 0.04, SKID_BODY_HEIGHT - 0.03, z + 0.04]);
      boxMinMax(p, 'rubber', [x - 0.06, SKID_BODY_HEIGHT - 0.03, z - 0.05], [x + 0.06, SKID_BODY_HEIGHT, z + 0.05]);
    }
  }
  // locating pins at the front
  for (const z of [-0.55, 0.55]) cylinder(p, 'steel', 'y', 0.18, SKID_BODY_HEIGHT + 0.04, 0.015, 0.01, [1.4, z], 10);
  return {
    name: 'skid',
    root: { name: 'skid', part: p },
    extras: { length: L, runnerGauge: 0.9, bodyHeight: SKID_BODY_HEIGHT, note: 'body origin at skid origin + bodyHeight − body rockerHeight' },
  };
}

function conveyorSection(): Equipment {
  const p = new Part();
  const r = 0.05;
  for (const zc of [-0.45, 0.45]) {
    // frame rail (C-profile look: web + flanges)
    boxMinMax(p, 'machine_blue', [-0.5, TRANSPORT_HEIGHT - 0.22, zc + Math.sign(zc) * 0.07 - 0.008], [0.5, TRANSPORT_HEIGHT - 0.06, zc + Math.sign(zc) * 0.07 + 0.008]);
    boxMinMax(p, 'machine_blue', [-0.5, TRANSPORT_HEIGHT - 0.24, zc - 0.07], [0.5, TRANSPORT_HEIGHT - 0.2, zc + 0.07]);
    // side guide for the skid runners
    boxMinMax(p, 'steel_dark', [-0.5, TRANSPORT_HEIGHT - 0.06, zc + Math.sign(zc) * 0.085 - 0.006], [0.5, TRANSPORT_HEIGHT + 0.035, zc + Math.sign(zc) * 0.085 + 0.006]);
    for (const x of [-0.375, -0.125, 0.125, 0.375]) {
      cylinder(p, 'steel', 'z', zc - 0.06, zc + 0.06, r, r, [x, TRANSPORT_HEIGHT - r], 16);
      cylinder(p, 'dark_grey', 'z', zc - 0.065, zc - 0.06, 0.02, 0.02, [x, TRANSPORT_HEIGHT - r], 8);
    }
    // leg and foot
    boxMinMax(p, 'dark_grey', [-0.04, 0.01, zc - 0.04], [0.04, TRANSPORT_HEIGHT - 0.24, zc + 0.04]);
    boxMinMax(p, 'dark_grey', [-0.09, 0, zc - 0.09], [0.09, 0.012, zc + 0.09]);
  }
  // cross tie and drive shaft
  boxMinMax(p, 'dark_grey', [-0.03, 0.12, -0.45], [0.03, 0.18, 0.45]);
  cylinder(p, 'steel', 'z', -0.4, 0.4, 0.015, 0.015, [0.125, TRANSPORT_HEIGHT - r], 8);
  return {
    name: 'conveyor-section',
    root: { name: 'conveyor-section', part: p },
    extras: { length: 1, transportHeight: TRANSPORT_HEIGHT, gauge: 0.9, note: '1 m of roller conveyor, x from -0.5 to 0.5; repeat along the path' },
  };
}

function safetyFence(): Equipment {
  const p = new Part();
  const H = 2.0;
  for (const x of [-0.97, 0.97]) {
    boxMinMax(p, 'safety_yellow', [x - 0.03, 0, -0.03], [x + 0.03, H + 0.1, 0.03]);
    boxMinMax(p, 'safety_yellow', [x - 0.07, 0, -0.07], [x + 0.07, 0.01, 0.07]);
  }
  // panel frame
  for (const y of [0.15, H]) boxMinMax(p, 'safety_yellow', [-0.94, y - 0.02, -0.012], [0.94, y + 0.02, 0.012]);
  for (const x of [-0.93, 0.93]) boxMinMax(p, 'safety_yellow', [x - 0.01, 0.15, -0.012], [x + 0.01, H, 0.012]);
  // wire mesh: see-through panel and a coarse grid of wires
  boxMinMax(p, 'fence_mesh', [-0.92, 0.17, -0.002], [0.92, H - 0.02, 0.002]);
  for (let i = 1; i < 12; i++) {
    const x = -0.92 + (1.84 * i) / 12;
    boxMinMax(p, 'dark_grey', [x - 0.003, 0.17, -0.004], [x + 0.003, H - 0.02, 0.004]);
  }
  for (let i = 1; i < 12; i++) {
    const y = 0.17 + ((H - 0.19) * i) / 12;
    boxMinMax(p, 'dark_grey', [-0.92, y - 0.003, -0.005], [0.92, y + 0.003, 0.005]);
  }
  return { name: 'safety-fence', root: { name: 'safety-fence', part: p }, extras: { length: 2, height: H, note: 'panel along x from -1 to 1' } };
}

function weldingFixture(): Equipment {
  const p = new Part();
  const top = 0.7;
  boxMinMax(p, 'steel_dark', [-2.1, top - 0.15, -0.8], [2.1, top, 0.8]);
  for (const x of [-1.9, 0, 1.9]) for (const z of [-0.65, 0.65]) boxMinMax(p, 'steel_dark', [x - 0.07, 0, z - 0.07], [x + 0.07, top - 0.15, z + 0.07]);
  for (const x of [-1.9, 0, 1.9]) for (const z of [-0.65, 0.65]) boxMinMax(p, 'steel_dark', [x - 0.14, 0, z - 0.14], [x + 0.14, 0.015, z + 0.14]);
  // locating and clamping units along both sides
  for (const x of [-1.7, -0.6, 0.6, 1.7]) {
    for (const s of [-1, 1]) {
      const z = s * 0.92;
      boxMinMax(p, 'machine_blue', [x - 0.08, top, z - 0.08], [x + 0.08, top + 0.05, z + 0.08]);
      boxMinMax(p, 'machine_blue', [x - 0.05, top + 0.05, z - 0.05], [x + 0.05, top + 0.42, z + 0.05]);
      cylinder(p, 'steel', 'y', top + 0.42, top + 0.5, 0.012, 0.006, [x + 0.02, z - s * 0.03], 8); // locating pin
      boxMinMax(p, 'clamp_red', [x - 0.03, top + 0.44, z - s * 0.2 - 0.03], [x + 0.03, top + 0.49, z + 0.03 * s]);
      cylinder(p, 'steel', 'y', top + 0.1, top + 0.34, 0.025, 0.025, [x, z + s * 0.08], 12); // clamp cylinder
      cylinder(p, 'steel', 'y', top + 0.34, top + 0.46, 0.008, 0.008, [x, z + s * 0.08], 8);
    }
  }
  // underbody support blocks in the middle
  for (const x of [-1.1, 1.1]) boxMinMax(p, 'machine_blue', [x - 0.1, top, -0.3], [x + 0.1, top + 0.25, 0.3]);
  // valve terminal and cable tray
  boxMinMax(p, 'dark_grey', [-0.3, top - 0.35, 0.8], [0.3, top - 0.15, 0.9]);
  return { name: 'welding-fixture', root: { name: 'welding-fixture', part: p }, extras: { size: [4.2, 1.2, 2.0], tableHeight: top } };
}

function paintBooth(): Equipment {
  const p = new Part();
  const X = 3, Z = 2.5, H = 4;
  boxMinMax(p, 'grating', [-X, 0, -Z], [X, 0.05, Z]);
  // back wall (z = -Z) with vertical light panels
  boxMinMax(p, 'booth_white', [-X, 0.05, -Z - 0.05], [X, H, -Z]);
  for (const x of [-2.2, -0.75, 0.75, 2.2]) boxMinMax(p, 'light_panel', [x - 0.25, 1.0, -Z], [x + 0.25, 3.4, -Z + 0.04]);
  // end walls with the openings for the conveyor (2.8 m wide, 2.4 m high)
  for (const x of [-X, X]) {
    const x0 = x < 0 ? x - 0.05 : x, x1 = x < 0 ? x : x + 0.05;
    boxMinMax(p, 'booth_white', [x0, 0.05, -Z], [x1, H, -1.4]);
    boxMinMax(p, 'booth_white', [x0, 0.05, 1.4], [x1, H, Z]);
    boxMinMax(p, 'booth_white', [x0, 2.4, -1.4], [x1, H, 1.4]);
  }
  // front: glass wall in a frame (open to view)
  boxMinMax(p, 'booth_glass', [-X, 0.6, Z - 0.01], [X, H - 0.1, Z + 0.01]);
  for (const x of [-X, -1, 1, X]) boxMinMax(p, 'steel_dark', [x - 0.05, 0.05, Z - 0.05], [x + 0.05, H, Z + 0.05]);
  boxMinMax(p, 'steel_dark', [-X, 0.05, Z - 0.04], [X, 0.6, Z + 0.04]);
  // roof frame: edge beams and cross beams only; light boxes along the top edges (no ceiling, to see in)
  for (const z of [-Z, Z]) boxMinMax(p, 'steel_dark', [-X - 0.05, H - 0.12, z - 0.06], [X + 0.05, H, z + 0.06]);
  for (const x of [-X, -1, 1, X]) boxMinMax(p, 'steel_dark', [x - 0.05, H - 0.1, -Z], [x + 0.05, H, Z]);
  for (const z of [-1, 1]) box(p, 'light_panel', [5.6, 0.06, 0.4], [0, H - 0.3, z * (Z - 0.35)], [z * 0.5, 0, 0]);
  // robot rails along both sides (paint robots stand raised)
  for (const z of [-1, 1]) boxMinMax(p, 'dark_grey', [-X + 0.1, 1.3, z * (Z - 0.45) - 0.15], [X - 0.1, 1.5, z * (Z - 0.45) + 0.15]);
  return { name: 'paint-booth', root: { name: 'paint-booth', part: p }, extras: { size: [6, 4, 5], opening: [2.8, 2.4], railHeight: 1.5 } };
}

function inspectionTunnel(): Equipment {
  const p = new Part();
  const len = 3.0, wi = 1.6, hi = 2.6, t = 0.15, ri = 0.45;
  const h = Math.PI / 2;
  // arch outline in the (z, y) plane: outer path up, over and down, inner path back
  const outer = [[-(wi + t), 0] as [number, number], ...arc(-(wi - ri), hi - ri, ri + t, 2 * h, h, 6), ...arc(wi - ri, hi - ri, ri + t, h, 0, 6), [wi + t, 0] as [number, number]];
  const inner = [[wi, 0] as [number, number], ...arc(wi - ri, hi - ri, ri, 0, h, 6), ...arc(-(wi - ri), hi - ri, ri, h, 2 * h, 6), [-wi, 0] as [number, number]];
  extrude(p, 'dark_grey', [...outer, ...inner], len, 'zy', 0, { bevel: 0.01, bevelSegments: 1 });
  // light bars along the tunnel on the inside of the arch
  const bars: [number, number, number][] = [];
  for (const y of [0.5, 0.9, 1.3, 1.7]) for (const s of [-1, 1]) bars.push([s * (wi - 0.03), y, 0]);
  for (let i = 1; i < 6; i++) {
    const a = h * (i / 6);
    for (const s of [-1, 1]) bars.push([s * (wi - ri + (ri - 0.03) * Math.cos(a)), hi - ri + (ri - 0.03) * Math.sin(a), s * (h - a)]);
  }
  for (const z of [-0.5, 0, 0.5]) bars.push([z, hi - 0.03, 0]);
  for (const [z, y, rot] of bars) box(p, 'light_panel', [len - 0.1, 0.03, 0.07], [0, y, z], [rot, 0, 0]);
  // end frames
  for (const x of [-len / 2, len / 2]) for (const s of [-1, 1]) boxMinMax(p, 'steel_dark', [x - 0.06, 0, s * (wi + t / 2) - 0.1], [x + 0.06, 0.02, s * (wi + t / 2) + 0.1]);
  return { name: 'inspection-tunnel', root: { name: 'inspection-tunnel', part: p }, extras: { size: [len, hi + t, 2 * (wi + t)], clearWidth: 2 * wi } };
}

function agv(): Equipment {
  const p = new Part();
  const L = 2.4, W = 1.1;
  extrude(p, 'agv_grey', roundedRect(0, 0, L, W, 0.12, 3), 0.24, 'xz', 0.19, { bevel: 0.02, bevelSegments: 2 });
  extrude(p, 'plastic_black', roundedRect(0, 0, L + 0.04, W + 0.04, 0.14, 3), 0.06, 'xz', 0.11);
  // top cover with the lift table
  boxMinMax(p, 'safety_yellow', [-L / 2 + 0.1, 0.31, -W / 2 + 0.1], [L / 2 - 0.1, 0.315, W / 2 - 0.1]);
  boxMinMax(p, 'steel_dark', [-0.8, 0.315, -0.4], [0.8, 0.35, 0.4]);
  for (const x of [-0.7, 0.7]) for (const z of [-0.3, 0.3]) boxMinMax(p, 'rubber', [x - 0.06, 0.35, z - 0.06], [x + 0.06, 0.37, z + 0.06]);
  // laser scanners at two corners, status lights along the sides
  for (const [x, z] of [
    [L / 2 - 0.12, W / 2 - 0.12],
    [-L / 2 + 0.12, -W / 2 + 0.12],
  ]) {
    cylinder(p, 'plastic_black', 'y', 0.31, 0.4, 0.055, 0.05, [x, z], 16);
    cylinder(p, 'safety_yellow', 'y', 0.4, 0.42, 0.05, 0.05, [x, z], 16);
  }
  for (const s of [-1, 1]) boxMinMax(p, 'light_panel', [-0.9, 0.2, s * (W / 2 + 0.001) - 0.005], [0.9, 0.23, s * (W / 2 + 0.001) + 0.005]);
  // wheels peeking out under the skirt
  for (const x of [-0.8, 0.8]) for (const s of [-1, 1]) cylinder(p, 'rubber', 'z', s * 0.36, s * 0.46, 0.07, 0.07, [x, 0.07], 12);
  return { name: 'agv', root: { name: 'agv', part: p }, extras: { size: [L, 0.37, W], deckHeight: 0.37 } };
}

function press(): Equipment {
  const p = new Part();
  const B = 'machine_blue';
  boxMinMax(p, B, [-2.3, 0, -1.5], [2.3, 1.0, 1.5]); // bed
  boxMinMax(p, 'steel', [-1.9, 1.0, -1.2], [1.9, 1.12, 1.2]); // bolster
  boxMinMax(p, 'steel_dark', [-1.4, 1.12, -0.9], [1.4, 1.45, 0.9]); // lower die
  for (const x of [-1.95, 1.95]) for (const z of [-1.1, 1.1]) boxMinMax(p, B, [x - 0.35, 1.0, z - 0.35], [x + 0.35, 4.9, z + 0.35]); // uprights
  for (const x of [-1.62, 1.62]) for (const z of [-1.1, 1.1]) boxMinMax(p, 'steel', [x - 0.03, 1.2, z - 0.15], [x + 0.03, 4.8, z + 0.15]); // gibs
  boxMinMax(p, 'steel_dark', [-1.4, 2.65, -0.9], [1.4, 2.95, 0.9]); // upper die
  boxMinMax(p, B, [-1.58, 2.95, -1.05], [1.58, 3.9, 1.05]); // slide
  for (const x of [-0.8, 0.8]) cylinder(p, 'steel', 'y', 3.9, 4.9, 0.12, 0.12, [x, 0], 16); // connections
  boxMinMax(p, B, [-2.45, 4.9, -1.55], [2.45, 6.4, 1.55]); // crown
  boxMinMax(p, B, [-2.2, 6.4, -1.3], [2.2, 6.6, 1.3]);
  // flywheel and drive motor on the crown
  cylinder(p, 'dark_grey', 'z', 1.55, 1.85, 0.75, 0.75, [1.3, 5.65], 32);
  cylinder(p, 'steel', 'z', 1.85, 1.9, 0.2, 0.2, [1.3, 5.65], 16);
  boxMinMax(p, 'dark_grey', [-1.5, 6.6, -0.5], [-0.3, 7.2, 0.5]);
  // safety: yellow edges on the bed and light-curtain posts at the front and back
  for (const z of [-1.5, 1.5]) boxMinMax(p, 'safety_yellow', [-2.3, 0.92, z - 0.01], [2.3, 1.0, z + 0.01]);
  for (const x of [-1.4, 1.4]) for (const z of [-1.75, 1.75]) boxMinMax(p, 'safety_yellow', [x - 0.04, 0, z - 0.04], [x + 0.04, 2.0, z + 0.04]);
  return { name: 'press', root: { name: 'press', part: p }, extras: { size: [4.9, 7.2, 3.5], dieHeight: 1.45 } };
}

export function equipment(): Equipment[] {
  return [skid(), conveyorSection(), safetyFence(), weldingFixture(), paintBooth(), inspectionTunnel(), agv(), press()];
}
