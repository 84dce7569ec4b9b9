/**
 * Robot tools. Each tool's mount face is at the origin and the tool points along +X (the flange
 * axis); a `tcp` child node marks the tool centre point (where it welds, grips, sprays…).
 */
import type { ToolKind } from '../../protocol/scene-schema.ts';
import type { SceneNode } from './gltf.ts';
import { Part, arc, box, boxMinMax, cylinder, extrude, lathe, type Vec3 } from './mesh.ts';

const SEG = 24;

/** Tool changer / adapter plate common to all tools: x from 0 to 0.05. */
function adapter(p: Part, r = 0.075): void {
  cylinder(p, 'steel', 'x', 0, 0.018, r, r, [0, 0], SEG);
  cylinder(p, 'dark_grey', 'x', 0.018, 0.05, r * 0.92, r * 0.92, [0, 0], SEG);
}

function spotWeld(): { part: Part; tcp: Vec3 } {
  const p = new Part();
  adapter(p, 0.09);
  // bracket and transformer
  boxMinMax(p, 'dark_grey', [0.05, -0.1, -0.08], [0.1, 0.12, 0.08]);
  boxMinMax(p, 'dark_grey', [0.1, -0.15, -0.1], [0.37, 0.1, 0.1]);
  for (let i = 0; i < 5; i++) boxMinMax(p, 'steel_dark', [0.13 + i * 0.05, -0.155, -0.105], [0.15 + i * 0.05, 0.105, 0.105]);
  // servo actuator on top, driving the upper electrode
  cylinder(p, 'dark_grey', 'x', 0.12, 0.5, 0.05, 0.05, [0.16, 0], SEG);
  cylinder(p, 'robot_orange', 'x', 0.06, 0.12, 0.045, 0.045, [0.16, 0], SEG);
  // C-frame: the throat opens towards +X; electrodes meet at y = -0.09
  const h = Math.PI / 2;
  const outline: [number, number][] = [
    [0.3, -0.34],
    ...arc(0.74, -0.3, 0.04, -h, 0, 3),
    [0.78, -0.22],
    [0.55, -0.22],
    ...arc(0.55, -0.09, 0.13, -h, -3 * h, 10),
    [0.73, 0.04],
    [0.73, 0.14],
    [0.34, 0.14],
    ...arc(0.34, 0.1, 0.04, h, 2 * h, 3),
  ];
  extrude(p, 'steel_dark', outline, 0.05, 'xy', 0, { bevel: 0.006, bevelSegments: 1 });
  // electrode shanks and caps (copper)
  cylinder(p, 'copper', 'y', 0.04, -0.05, 0.018, 0.018, [0.7, 0], 16);
  cylinder(p, 'copper', 'y', -0.05, -0.078, 0.018, 0.007, [0.7, 0], 16);
  cylinder(p, 'copper', 'y', -0.22, -0.13, 0.018, 0.018, [0.7, 0], 16);
  cylinder(p, 'copper', 'y', -0.13, -0.102, 0.018, 0.007, [0.7, 0], 16);
  // cooling water and power connections
  cylinder(p, 'rubber', 'z', 0.1, 0.16, 0.018, 0.018, [0.2, -0.08], 12);
  cylinder(p, 'rubber', 'z', 0.1, 0.16, 0.018, 0.018, [0.28, -0.08], 12);
  return { part: p, tcp: [0.7, -0.09, 0] };
}

function gripper(): { part: Part; tcp: Vec3 } {
  const p = new Part();
  adapter(p);
  boxMinMax(p, 'aluminium', [0.05, -0.07, -0.13], [0.17, 0.07, 0.13]);
  boxMinMax(p, 'dark_grey', [0.17, -0.05, -0.12], [0.2, 0.05, 0.12]);
  for (const s of [-1, 1]) {
    // finger: base slides in the guide, blade reaches forward
    boxMinMax(p, 'steel_dark', [0.2, -0.045, s > 0 ? 0.04 : -0.1], [0.24, 0.045, s > 0 ? 0.1 : -0.04]);
    boxMinMax(p, 'steel_dark', [0.24, -0.035, s > 0 ? 0.04 : -0.065], [0.36, 0.035, s > 0 ? 0.065 : -0.04]);
    boxMinMax(p, 'rubber', [0.28, -0.03, s > 0 ? 0.032 : -0.04], [0.355, 0.03, s > 0 ? 0.04 : -0.032]);
  }
  // pneumatic fittings
  cylinder(p, 'steel', 'y', 0.07, 0.095, 0.01, 0.01, [0.09, 0.06], 10);
  cylinder(p, 'steel', 'y', 0.07, 0.095, 0.01, 0.01, [0.13, 0.06], 10);
  return { part: p, tcp: [0.32, 0, 0] };
}

function paintBell(): { part: Part; tcp: Vec3 } {
  const p = new Part();
  adapter(p, 0.07);
  // atomizer housing (turbine) and shaping-air ring
  lathe(
    p,
    'booth_white',
    'x',
    [
      [0, 0.05],
      [0.07, 0.05],
      [0.085, 0.08],
      [0.088, 0.22],
      [0.078, 0.27],
      [0.06, 0.3],
      [0, 0.3],
    ].map(([r, x]) => [r, x] as [number, number]),
    SEG,
  );
  cylinder(p, 'dark_grey', 'x', 0.3, 0.32, 0.058, 0.05, [0, 0], SEG);
  // rotating bell cup
  lathe(
    p,
    'aluminium',
    'x',
    [
      [0, 0.318],
      [0.012, 0.318],
      [0.016, 0.33],
      [0.026, 0.348],
      [0.034, 0.36],
      [0.029, 0.36],
      [0.021, 0.348],
      [0, 0.345],
    ],
    SEG,
  );
  // paint and air hoses into the back of the housing
  cylinder(p, 'rubber', 'y', 0.06, 0.12, 0.014, 0.014, [0.1, 0.03], 10);
  cylinder(p, 'rubber', 'y', 0.06, 0.12, 0.014, 0.014, [0.14, -0.03], 10);
  return { part: p, tcp: [0.36, 0, 0] };
}

function glueNozzle(): { part: Part; tcp: Vec3 } {
  const p = new Part();
  adapter(p);
  boxMinMax(p, 'dark_grey', [0.05, -0.06, -0.05], [0.17, 0.06, 0.05]);
  cylinder(p, 'steel', 'x', 0.06, 0.2, 0.03, 0.03, [0.09, 0], SEG); // metering cylinder
  cylinder(p, 'aluminium', 'x', 0.17, 0.22, 0.03, 0.022, [0, 0], SEG); // valve
  cylinder(p, 'steel', 'x', 0.22, 0.36, 0.009, 0.009, [0, 0], 12); // nozzle tube
  cylinder(p, 'copper', 'x', 0.36, 0.385, 0.009, 0.003, [0, 0], 12); // brass tip
  cylinder(p, 'rubber', 'y', 0.06, 0.14, 0.012, 0.012, [0.12, 0], 10); // material hose
  return { part: p, tcp: [0.385, 0, 0] };
}

function screwdriver(): { part: Part; tcp: Vec3 } {
  const p = new Part();
  adapter(p);
  boxMinMax(p, 'dark_grey', [0.05, -0.05, -0.05], [0.09, 0.09, 0.05]);
  cylinder(p, 'dark_grey', 'x', 0.09, 0.24, 0.038, 0.038, [0, 0], SEG); // motor
  cylinder(p, 'robot_orange', 'x', 0.09, 0.11, 0.04, 0.04, [0, 0], SEG);
  cylinder(p, 'steel', 'x', 0.24, 0.33, 0.034, 0.026, [0, 0], SEG); // gearbox
  cylinder(p, 'steel_dark', 'x', 0.33, 0.37, 0.012, 0.012, [0, 0], 12); // spindle
  cylinder(p, 'steel_dark', 'x', 0.37, 0.41, 0.017, 0.017, [0, 0], 12); // socket
  box(p, 'dark_grey', [0.08, 0.03, 0.05], [0.16, 0.05, 0]); // controller box on top
  return { part: p, tcp: [0.41, 0, 0] };
}

const builders: Record<ToolKind, () => { part: Part; tcp: Vec3 }> = {
  'spot-weld': spotWeld,
  gripper,
  'paint-bell': paintBell,
  'glue-nozzle': glueNozzle,
  screwdriver,
};

export function toolNodes(kind: ToolKind): { root: SceneNode; extras: Record<string, unknown> } {
  const { part, tcp } = builders[kind]();
  return {
    root: { name: 'tool', part, extras: { toolKind: kind }, children: [{ name: 'tcp', translation: tcp, extras: { role: 'tool centre point' } }] },
    extras: { tcp },
  };
}
