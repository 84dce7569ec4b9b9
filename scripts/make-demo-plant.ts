/**
 * Generates the demo plant, scenes/demo-plant/scene.json (`npm run scene:demo`).
 *
 * A car plant in one serial flow: press shop → body shop → paint shop → general assembly →
 * end-of-line test. Everything is derived from the tables below by fixed rules (no randomness), so
 * running the script twice writes the same bytes; test/unit/scene.test.ts checks that the committed
 * file is up to date.
 *
 * Plan view (x east, z south, metres; Y is up):
 *
 *   z=-76 ┌ press ┐ ┌──── body shop ────┐ ┌───── paint shop ─────┐
 *         │  ↓    │ │ → → → → ⎤         │ │ → → → ⎤              │
 *         │  ↓    │ │ ⎡← ← ← ←⎦         │ │ ⎡← ← ←⎦              │
 *         │  ↓    │ │ ⎣→ → → → ─────────┼─┼─⎣→ → → ┐            │
 *   z=-8  └───────┘ └───────────────────┘ └────────┼─────────────┘
 *   z=2              ┌──── end of line ─┐ ┌──── general assembly ─┐
 *                    │     ⎡→ →  ⎤      │ │ ⎡← ← ← ← ⎦            │
 *                    │     ⎣← ← ←┼ ─ ─ ─┼─┼─← ← ← ←⎤ (3 rows)     │
 *   z=76             └──────────────────┘ └───────────────────────┘
 *
 * Inside a shop the line runs in serpentine rows joined by U-turn floor conveyors (y = 0.5); the
 * stores between shops are overhead conveyors (y = 4) with a lift at each end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AreaKind, RobotModelId, SceneInput, StationKind, ToolKind } from '../protocol/scene-schema.ts';
import { demoTours } from './demo-tours.ts';

type XZ = [number, number];
type Vec3 = [number, number, number];
type Dir = '+x' | '-x' | '+z' | '-z';

const FLOOR_Y = 0.5;
const OVERHEAD_Y = 4;
/** A body on a store conveyor needs about this much belt, metres. */
const BODY_PITCH = 5;

// ---------------------------------------------------------------------------------------------
// Tables

type AreaSpec = { id: string; name: string; kind: AreaKind; center: XZ; size: XZ };

const areas: AreaSpec[] = [
  { id: 'press', name: 'Press shop', kind: 'press', center: [-110, -42], size: [36, 68] },
  { id: 'body', name: 'Body shop', kind: 'body', center: [-35, -42], size: [98, 68] },
  { id: 'paint', name: 'Paint shop', kind: 'paint', center: [75, -42], size: [106, 68] },
  { id: 'assembly', name: 'General assembly', kind: 'assembly', center: [68, 39], size: [120, 74] },
  { id: 'eol', name: 'End of line', kind: 'eol', center: [-38, 51], size: [76, 50] },
];

/** The demo plant's names in Chinese (the page's other language), by id; colours by their English name. */
const zhNames: Record<string, string> = {
  plant: '演示汽车工厂：冲压、焊装、涂装、总装与下线检测',
  overview: '全厂',
  press: '冲压车间',
  body: '焊装车间',
  paint: '涂装车间',
  assembly: '总装车间',
  eol: '下线检测',
  'PR-010': '串联压力机 1：拉延（2500 吨）',
  'PR-020': '串联压力机 2：修边',
  'PR-030': '串联压力机 3：翻边',
  'PR-040': '串联压力机 4：冲孔与整形',
  'BS-010': '下车体 1：前地板与发动机舱',
  'BS-020': '下车体 2：后地板',
  'BS-030': '下车体补焊',
  'BS-040': '左右侧围上件',
  'BS-050': '主拼工位（开放式夹具）',
  'BS-060': '顶盖上件与激光钎焊',
  'BS-070': '补焊线 1',
  'BS-080': '补焊线 2',
  'BS-090': '补焊线 3 与螺柱焊',
  'BS-100': '四门两盖：车门安装',
  'BS-110': '四门两盖：发动机盖与尾门',
  'BS-120': '包边胶涂布与滚边',
  'BS-130': '翼子板安装与间隙调整',
  'BS-140': '钣金修整',
  'BS-150': '白车身评审与测量',
  'PS-010': '前处理与电泳',
  'PS-020': '电泳烘炉',
  'PS-030': '焊缝密封与底部 PVC 喷涂',
  'PS-040': '密封胶预烘炉',
  'PS-050': '中涂喷漆室',
  'PS-060': '色漆喷漆室',
  'PS-070': '清漆喷漆室',
  'PS-080': '面漆烘炉',
  'PS-090': '漆面检查与点修补',
  'GA-010': '内饰 1：拆门与线束',
  'GA-020': '内饰 2：顶棚与天窗',
  'GA-030': '玻璃安装：前后挡风玻璃',
  'GA-040': '仪表板模块安装',
  'GA-050': '内饰 3：地毯、踏板总成与制动管路',
  'GA-060': '合装：动力总成与底盘合装',
  'GA-070': '底盘 2：排气、隔热板与车身底部',
  'GA-080': '车轮安装与螺母拧紧',
  'GA-090': '车门回装',
  'GA-100': '座椅安装',
  'GA-110': '最终装配 1：保险杠、车灯与雨刮',
  'GA-120': '加注：制动液、冷却液、制冷剂与燃油',
  'EOL-010': '四轮定位与大灯调校',
  'EOL-020': '转鼓与制动测试',
  'EOL-030': '淋雨测试间',
  'EOL-040': '终检',
  'EOL-050': '整车评审与放行',
  'Glacier white': '冰川白',
  'Obsidian black': '曜石黑',
  'Moonstone silver': '月光银',
  'Graphite grey': '石墨灰',
  'Deep ocean blue': '深海蓝',
  'Flame red': '火焰红',
  'Forest green': '森林绿',
};

/** `names` for the entity `key`: every name of the demo plant has its Chinese one. */
function names(key: string): { 'zh-CN': string } {
  const zh = zhNames[key];
  if (!zh) throw new Error(`demo plant: no Chinese name for "${key}"`);
  return { 'zh-CN': zh };
}

type RobotGroup = { model: RobotModelId; tool: ToolKind; count: number };

type StationSpec = {
  id: string;
  name: string;
  kind: StationKind;
  /** Footprint: length along the flow, width across it. */
  length: number;
  width: number;
  cycleTime: number;
  bufferCapacity: number;
  /** [mtbf, mttr] in seconds, or omitted: the station does not fail. */
  failure?: [number, number];
  setup?: { every: number; duration: number };
  paintsBody?: true;
  robots?: RobotGroup[];
};

const weld = (count: number, extra?: RobotGroup): RobotGroup[] =>
  extra ? [{ model: 'ir-210', tool: 'spot-weld', count }, extra] : [{ model: 'ir-210', tool: 'spot-weld', count }];
const bell = (count: number): RobotGroup[] => [{ model: 'ir-paint', tool: 'paint-bell', count }];

/** One row of stations: they sit `pitch` metres apart (centre to centre) from `start` along `dir`. */
type RowSpec = { area: string; start: XZ; dir: Dir; pitch?: number; gap?: number; stations: StationSpec[] };

const rows: RowSpec[] = [
  // Press shop: one tandem press line (four presses, one transfer system), north to south.
  {
    area: 'press',
    start: [-110, -62],
    dir: '+z',
    pitch: 14,
    stations: [
      { id: 'PR-010', name: 'Tandem line press 1: draw (2,500 t)', kind: 'press', length: 6, width: 8, cycleTime: 40, bufferCapacity: 1, failure: [5400, 360], setup: { every: 150, duration: 420 } },
      { id: 'PR-020', name: 'Tandem line press 2: trim', kind: 'press', length: 6, width: 8, cycleTime: 40, bufferCapacity: 1, failure: [7200, 240] },
      { id: 'PR-030', name: 'Tandem line press 3: flange', kind: 'press', length: 6, width: 8, cycleTime: 40, bufferCapacity: 1, failure: [7200, 240] },
      { id: 'PR-040', name: 'Tandem line press 4: pierce and restrike', kind: 'press', length: 6, width: 8, cycleTime: 41, bufferCapacity: 20, failure: [6300, 300] },
    ],
  },
  // Body shop: three rows, dense with spot-welding cells.
  {
    area: 'body',
    start: [-72, -64],
    dir: '+x',
    pitch: 16,
    stations: [
      { id: 'BS-010', name: 'Underbody 1: front floor and engine bay', kind: 'weld', length: 7, width: 4.5, cycleTime: 52, bufferCapacity: 2, failure: [7200, 180], robots: weld(4, { model: 'ir-210', tool: 'glue-nozzle', count: 1 }) },
      { id: 'BS-020', name: 'Underbody 2: rear floor', kind: 'weld', length: 7, width: 4.5, cycleTime: 51, bufferCapacity: 2, failure: [7200, 180], robots: weld(4, { model: 'ir-210', tool: 'gripper', count: 1 }) },
      { id: 'BS-030', name: 'Underbody respot', kind: 'weld', length: 7, width: 4.5, cycleTime: 54, bufferCapacity: 2, failure: [5400, 150], robots: weld(6) },
      { id: 'BS-040', name: 'Side frame load, left and right', kind: 'weld', length: 7, width: 4.5, cycleTime: 50, bufferCapacity: 2, failure: [9000, 200], robots: [{ model: 'ir-210', tool: 'gripper', count: 2 }, ...weld(2)] },
      { id: 'BS-050', name: 'Framing station (open gate)', kind: 'framing', length: 8, width: 6, cycleTime: 58, bufferCapacity: 3, failure: [10800, 300], robots: weld(6) },
    ],
  },
  {
    area: 'body',
    start: [-8, -42],
    dir: '-x',
    pitch: 16,
    stations: [
      { id: 'BS-060', name: 'Roof load and laser braze', kind: 'weld', length: 7, width: 4.5, cycleTime: 53, bufferCapacity: 2, failure: [6000, 240], robots: [{ model: 'ir-210', tool: 'gripper', count: 1 }, ...weld(3)] },
      { id: 'BS-070', name: 'Respot line 1', kind: 'weld', length: 7, width: 4.5, cycleTime: 52, bufferCapacity: 1, failure: [4800, 150], robots: weld(6) },
      { id: 'BS-080', name: 'Respot line 2', kind: 'weld', length: 7, width: 4.5, cycleTime: 52, bufferCapacity: 2, failure: [4800, 150], robots: weld(6) },
      { id: 'BS-090', name: 'Respot line 3 and studs', kind: 'weld', length: 7, width: 4.5, cycleTime: 49, bufferCapacity: 2, failure: [7200, 120], robots: weld(4) },
      { id: 'BS-100', name: 'Closures: door hanging', kind: 'assembly', length: 7, width: 4.5, cycleTime: 54, bufferCapacity: 3, failure: [9000, 180], robots: [{ model: 'ir-210', tool: 'gripper', count: 2 }, { model: 'ir-210', tool: 'screwdriver', count: 1 }] },
    ],
  },
  {
    area: 'body',
    start: [-72, -20],
    dir: '+x',
    pitch: 16,
    stations: [
      { id: 'BS-110', name: 'Closures: hood and tailgate', kind: 'assembly', length: 7, width: 4.5, cycleTime: 50, bufferCapacity: 2, failure: [9000, 180], robots: [{ model: 'ir-210', tool: 'gripper', count: 2 }, { model: 'ir-210', tool: 'screwdriver', count: 1 }] },
      { id: 'BS-120', name: 'Hem flange adhesive and roller hemming', kind: 'weld', length: 7, width: 4.5, cycleTime: 48, bufferCapacity: 2, failure: [7200, 150], robots: [{ model: 'ir-210', tool: 'glue-nozzle', count: 2 }, { model: 'ir-210', tool: 'gripper', count: 2 }] },
      { id: 'BS-130', name: 'Fender fit and gap setting', kind: 'assembly', length: 7, width: 4.5, cycleTime: 47, bufferCapacity: 2, failure: [10800, 120], robots: [{ model: 'ir-210', tool: 'gripper', count: 1 }, { model: 'ir-210', tool: 'screwdriver', count: 1 }] },
      { id: 'BS-140', name: 'Metal finish', kind: 'inspection', length: 7, width: 4.5, cycleTime: 55, bufferCapacity: 2 },
      { id: 'BS-150', name: 'Body-in-white audit and measuring', kind: 'inspection', length: 7, width: 4.5, cycleTime: 45, bufferCapacity: 10, failure: [10800, 120] },
    ],
  },
  // Paint shop: three rows; ovens and the dip tank are long.
  {
    area: 'paint',
    start: [50, -64],
    dir: '+x',
    gap: 8,
    stations: [
      { id: 'PS-010', name: 'Pretreatment and e-coat dip', kind: 'paint-booth', length: 18, width: 5, cycleTime: 48, bufferCapacity: 2, failure: [10800, 600] },
      { id: 'PS-020', name: 'E-coat oven', kind: 'oven', length: 16, width: 5, cycleTime: 50, bufferCapacity: 2 },
      { id: 'PS-030', name: 'Seam sealing and underbody PVC', kind: 'sealer', length: 7, width: 5, cycleTime: 55, bufferCapacity: 3, failure: [6000, 200], robots: [{ model: 'ir-20', tool: 'glue-nozzle', count: 4 }] },
    ],
  },
  {
    area: 'paint',
    start: [90, -42],
    dir: '-x',
    gap: 8,
    stations: [
      { id: 'PS-040', name: 'Sealer gel oven', kind: 'oven', length: 16, width: 5, cycleTime: 50, bufferCapacity: 2 },
      { id: 'PS-050', name: 'Primer booth', kind: 'paint-booth', length: 8, width: 5.5, cycleTime: 52, bufferCapacity: 1, failure: [7200, 240], robots: bell(4) },
      { id: 'PS-060', name: 'Basecoat booth (colour)', kind: 'paint-booth', length: 10, width: 5.5, cycleTime: 54, bufferCapacity: 2, failure: [6000, 300], paintsBody: true, robots: bell(6) },
    ],
  },
  {
    area: 'paint',
    start: [53, -20],
    dir: '+x',
    gap: 8,
    stations: [
      { id: 'PS-070', name: 'Clearcoat booth', kind: 'paint-booth', length: 8, width: 5.5, cycleTime: 53, bufferCapacity: 1, failure: [7200, 240], robots: bell(4) },
      { id: 'PS-080', name: 'Topcoat oven', kind: 'oven', length: 16, width: 5, cycleTime: 50, bufferCapacity: 2 },
      { id: 'PS-090', name: 'Paint inspection and spot repair', kind: 'inspection', length: 7, width: 5, cycleTime: 56, bufferCapacity: 12, failure: [9000, 150] },
    ],
  },
  // General assembly: trim, chassis and final lines in three rows.
  {
    area: 'assembly',
    start: [104, 14],
    dir: '-x',
    pitch: 24,
    stations: [
      { id: 'GA-010', name: 'Trim 1: door removal and wiring harness', kind: 'assembly', length: 8, width: 5, cycleTime: 54, bufferCapacity: 2, failure: [10800, 90] },
      { id: 'GA-020', name: 'Trim 2: headliner and sunroof', kind: 'assembly', length: 8, width: 5, cycleTime: 53, bufferCapacity: 2, failure: [10800, 90] },
      { id: 'GA-030', name: 'Glazing: windscreen and backlight', kind: 'glazing', length: 8, width: 5, cycleTime: 50, bufferCapacity: 2, failure: [6000, 240], robots: [{ model: 'ir-20', tool: 'glue-nozzle', count: 1 }, { model: 'ir-20', tool: 'gripper', count: 2 }] },
      { id: 'GA-040', name: 'Cockpit module install', kind: 'assembly', length: 8, width: 5, cycleTime: 55, bufferCapacity: 3, failure: [9000, 180], robots: [{ model: 'ir-20', tool: 'gripper', count: 1 }] },
    ],
  },
  {
    area: 'assembly',
    start: [32, 38],
    dir: '+x',
    pitch: 24,
    stations: [
      { id: 'GA-050', name: 'Trim 3: carpet, pedal box and brake lines', kind: 'assembly', length: 8, width: 5, cycleTime: 52, bufferCapacity: 2, failure: [10800, 90] },
      { id: 'GA-060', name: 'Marriage: powertrain and chassis decking', kind: 'marriage', length: 10, width: 6, cycleTime: 59, bufferCapacity: 2, failure: [10800, 420] },
      { id: 'GA-070', name: 'Chassis 2: exhaust, heat shields and underbody', kind: 'assembly', length: 8, width: 5, cycleTime: 51, bufferCapacity: 2, failure: [10800, 120] },
      { id: 'GA-080', name: 'Wheel mounting and nutrunning', kind: 'wheel', length: 8, width: 5, cycleTime: 48, bufferCapacity: 3, failure: [4800, 150], robots: [{ model: 'ir-20', tool: 'gripper', count: 2 }, { model: 'ir-20', tool: 'screwdriver', count: 2 }] },
    ],
  },
  {
    area: 'assembly',
    start: [104, 62],
    dir: '-x',
    pitch: 24,
    stations: [
      { id: 'GA-090', name: 'Door refit', kind: 'assembly', length: 8, width: 5, cycleTime: 53, bufferCapacity: 2, failure: [10800, 90] },
      { id: 'GA-100', name: 'Seat install', kind: 'assembly', length: 8, width: 5, cycleTime: 52, bufferCapacity: 2, failure: [9000, 120], robots: [{ model: 'ir-20', tool: 'gripper', count: 1 }] },
      { id: 'GA-110', name: 'Final 1: bumpers, lamps and wipers', kind: 'assembly', length: 8, width: 5, cycleTime: 54, bufferCapacity: 2, failure: [10800, 90] },
      { id: 'GA-120', name: 'Fluid fill: brake, coolant, refrigerant and fuel', kind: 'assembly', length: 8, width: 5, cycleTime: 50, bufferCapacity: 4, failure: [5400, 240] },
    ],
  },
  // End of line: test and audit.
  {
    area: 'eol',
    start: [-14, 62],
    dir: '-x',
    pitch: 22,
    stations: [
      { id: 'EOL-010', name: 'Wheel alignment and headlamp aim', kind: 'test', length: 7, width: 5, cycleTime: 52, bufferCapacity: 2, failure: [7200, 180] },
      { id: 'EOL-020', name: 'Roll and brake test (dyno)', kind: 'test', length: 8, width: 5, cycleTime: 57, bufferCapacity: 2, failure: [9000, 300] },
      { id: 'EOL-030', name: 'Water test booth', kind: 'test', length: 12, width: 6, cycleTime: 50, bufferCapacity: 2, failure: [10800, 240] },
    ],
  },
  {
    area: 'eol',
    start: [-58, 40],
    dir: '+x',
    pitch: 22,
    stations: [
      { id: 'EOL-040', name: 'Final inspection', kind: 'inspection', length: 8, width: 5, cycleTime: 54, bufferCapacity: 1 },
      { id: 'EOL-050', name: 'Customer audit and release', kind: 'inspection', length: 8, width: 5, cycleTime: 42, bufferCapacity: 0 },
    ],
  },
];

/**
 * Routes of the conveyors between shops, keyed by the upstream station: floor-level corner points
 * [x, z]; the conveyor lifts to the overhead level at the first and drops back at the last.
 */
const stores: Record<string, XZ[]> = {
  // Press line → body shop: panel and underbody store, 20 places.
  'PR-040': [[-110, -12], [-88, -12], [-88, -64]],
  // Body shop → paint shop: body-in-white store, 10 places.
  'BS-150': [[0, -20], [18, -20], [18, -64], [28, -64]],
  // Paint shop → general assembly: painted body store, 12 places.
  'PS-090': [[118, -20], [118, 14]],
  // General assembly → end of line: 4 places, over the aisle.
  'GA-120': [[20, 62], [-2, 62]],
};

/** Robot home poses per model (degrees J1..J6), inside the joint limits below. */
const homes: Record<RobotModelId, number[]> = {
  'ir-210': [0, -20, -30, 0, -40, 0],
  'ir-paint': [0, -15, -20, 0, -50, 0],
  'ir-20': [0, -10, -35, 0, -45, 0],
};
const jointLimits: [number, number][] = [[-185, 185], [-80, 60], [-110, 70], [-200, 200], [-125, 125], [-350, 350]];
/** Distance of a robot base from the edge of its station's footprint, metres (0.5–1.5). */
const clearance: Record<RobotModelId, number> = { 'ir-210': 1.0, 'ir-paint': 0.8, 'ir-20': 0.7 };
/** Paint robots stand on a raised rail along the booth. */
const baseHeight: Record<RobotModelId, number> = { 'ir-210': 0, 'ir-paint': 1.5, 'ir-20': 0 };

const mix: NonNullable<SceneInput['mix']> = {
  models: [
    { model: 'sedan', share: 0.6 },
    { model: 'suv', share: 0.4 },
  ],
  colors: [
    { name: 'Glacier white', names: names('Glacier white'), hex: '#f2f2f0', share: 0.27 },
    { name: 'Obsidian black', names: names('Obsidian black'), hex: '#121316', share: 0.2 },
    { name: 'Moonstone silver', names: names('Moonstone silver'), hex: '#b9bdc1', share: 0.17 },
    { name: 'Graphite grey', names: names('Graphite grey'), hex: '#5d6166', share: 0.14 },
    { name: 'Deep ocean blue', names: names('Deep ocean blue'), hex: '#1d3461', share: 0.1 },
    { name: 'Flame red', names: names('Flame red'), hex: '#a8161b', share: 0.08 },
    { name: 'Forest green', names: names('Forest green'), hex: '#2e4a3b', share: 0.04 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Geometry

const round = (v: number, digits = 2): number => {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return r === 0 ? 0 : r; // no -0
};

const unit: Record<Dir, XZ> = { '+x': [1, 0], '-x': [-1, 0], '+z': [0, 1], '-z': [0, -1] };
/** Station yaw (degrees) that turns its local +X to the flow direction: three.js maps local +X to (cos θ, -sin θ) in x, z. */
const yawOf: Record<Dir, number> = { '+x': 0, '-x': 180, '+z': -90, '-z': 90 };

type Placed = StationSpec & { area: string; dir: Dir; at: XZ };

function placeRows(): Placed[] {
  const out: Placed[] = [];
  for (const row of rows) {
    const [ux, uz] = unit[row.dir];
    let along = 0;
    row.stations.forEach((s, i) => {
      if (i > 0) {
        const prev = row.stations[i - 1];
        along += row.pitch ?? prev.length / 2 + (row.gap ?? 8) + s.length / 2;
      }
      out.push({ ...s, area: row.area, dir: row.dir, at: [row.start[0] + ux * along, row.start[1] + uz * along] });
    });
  }
  return out;
}

/** World [x, z] of a point given in a station's frame (local x along the flow, local z across). */
function toWorld(s: Placed, lx: number, lz: number): XZ {
  const [ux, uz] = unit[s.dir];
  // Local +Z is the flow direction turned a quarter to the right, seen from above: (sin θ, cos θ).
  const vx = -uz;
  const vz = ux;
  return [s.at[0] + ux * lx + vx * lz, s.at[1] + uz * lx + vz * lz];
}

/** Half extents of the footprint in world x and z. */
function halfExtents(s: Placed): XZ {
  return s.dir === '+x' || s.dir === '-x' ? [s.length / 2, s.width / 2] : [s.width / 2, s.length / 2];
}

type RobotOut = SceneInput['robots'] extends (infer R)[] | undefined ? R : never;

/** Robots alternate sides of the footprint and spread evenly along it, each facing the station centre. */
function robotsOf(s: Placed): RobotOut[] {
  const list = (s.robots ?? []).flatMap((g) => Array.from({ length: g.count }, () => g));
  const perSide = [Math.ceil(list.length / 2), Math.floor(list.length / 2)];
  return list.map((g, i) => {
    const side = i % 2; // 0: left of the flow, 1: right
    const slot = Math.floor(i / 2);
    const n = perSide[side];
    const lx = -s.length / 2 + (s.length * (slot + 0.5)) / n;
    const lz = (side === 0 ? -1 : 1) * (s.width / 2 + clearance[g.model]);
    const [x, z] = toWorld(s, lx, lz);
    const dx = s.at[0] - x;
    const dz = s.at[1] - z;
    // Local +X maps to (cos θ, -sin θ): θ = atan2(-dz, dx) points it at the centre.
    const yaw = round((Math.atan2(-dz, dx) * 180) / Math.PI, 1);
    return {
      id: `${s.id}-R${i + 1}`,
      station: s.id,
      model: g.model,
      base: { position: [round(x), baseHeight[g.model], round(z)], rotation: yaw === -180 ? 180 : yaw },
      jointLimits: jointLimits.map(([lo, hi]) => [lo, hi] as [number, number]) as RobotOut['jointLimits'],
      home: [...homes[g.model]] as RobotOut['home'],
      tool: g.tool,
    };
  });
}

function pathLength(p: Vec3[]): number {
  let len = 0;
  for (let i = 1; i < p.length; i++) len += Math.hypot(p[i][0] - p[i - 1][0], p[i][1] - p[i - 1][1], p[i][2] - p[i - 1][2]);
  return len;
}

/**
 * Floor path between consecutive stations: straight within a row, a U-turn between two rows that
 * run in opposite directions, an L where the flow turns a corner.
 */
function floorPath(a: Placed, b: Placed): XZ[] {
  const [ux, uz] = unit[a.dir];
  const [vx, vz] = unit[b.dir];
  const dx = b.at[0] - a.at[0];
  const dz = b.at[1] - a.at[1];
  if (a.dir === b.dir && ux * dz - uz * dx === 0 && ux * dx + uz * dz > 0) return [a.at, b.at];
  if (vx === -ux && vz === -uz) {
    // Out past the far end of both stations, across, and back in.
    const along = (s: Placed) => s.at[0] * ux + s.at[1] * uz;
    const reach = Math.max(along(a) + a.length / 2, along(b) + b.length / 2) + 5;
    const out = (s: Placed): XZ => [s.at[0] + (reach - along(s)) * ux, s.at[1] + (reach - along(s)) * uz];
    return [a.at, out(a), out(b), b.at];
  }
  if (ux * vx + uz * vz === 0) return [a.at, ux !== 0 ? [b.at[0], a.at[1]] : [a.at[0], b.at[1]], b.at];
  throw new Error(`no floor route from ${a.id} to ${b.id}; give one in \`stores\``);
}

/** Store path: floor to the first corner, lift, overhead run, drop at the last corner, floor to the station. */
function storePath(a: Placed, b: Placed, corners: XZ[]): Vec3[] {
  const first = corners[0];
  const last = corners[corners.length - 1];
  return [
    [a.at[0], FLOOR_Y, a.at[1]],
    [first[0], FLOOR_Y, first[1]],
    ...corners.map(([x, z]): Vec3 => [x, OVERHEAD_Y, z]),
    [last[0], FLOOR_Y, last[1]],
    [b.at[0], FLOOR_Y, b.at[1]],
  ];
}

type ConveyorOut = SceneInput['conveyors'] extends (infer C)[] | undefined ? C : never;

function conveyorOf(a: Placed, b: Placed): ConveyorOut {
  const corners = stores[a.id];
  const path: Vec3[] = corners ? storePath(a, b, corners) : floorPath(a, b).map(([x, z]): Vec3 => [x, FLOOR_Y, z]);
  for (let i = 1; i < path.length; i++) {
    const changed = [0, 1, 2].filter((k) => path[i][k] !== path[i - 1][k]).length;
    if (changed !== 1) throw new Error(`conveyor after ${a.id}: segment ${i} is not a straight run along one axis`);
  }
  const length = pathLength(path);
  const capacity = Math.max(1, a.bufferCapacity);
  if (corners && length < capacity * BODY_PITCH) throw new Error(`store after ${a.id}: ${round(length, 1)} m is too short for ${capacity} bodies`);
  // Short hops are slow skids; long runs go at full speed, so a body is never long in transit.
  const speed = round(Math.min(1, Math.max(0.3, length / 20)), 2);
  return { id: `CV-${a.id}`, from: a.id, to: b.id, path: path.map(([x, y, z]): Vec3 => [round(x), y, round(z)]), speed, capacity };
}

// ---------------------------------------------------------------------------------------------
// The scene

/** The demo plant as a scene object (keys in file order, `$schema` first). */
export function buildDemoPlant(): SceneInput {
  const placed = placeRows();
  const areaOf = new Map(areas.map((a) => [a.id, a]));

  // Every station with its robots lies inside its area.
  const robots = placed.flatMap(robotsOf);
  for (const s of placed) {
    const area = areaOf.get(s.area)!;
    const [hx, hz] = halfExtents(s);
    const points: XZ[] = [
      [s.at[0] - hx, s.at[1] - hz],
      [s.at[0] + hx, s.at[1] + hz],
      ...robots.filter((r) => r.station === s.id).map((r): XZ => [r.base.position[0], r.base.position[2]]),
    ];
    for (const [x, z] of points) {
      if (Math.abs(x - area.center[0]) > area.size[0] / 2 || Math.abs(z - area.center[1]) > area.size[1] / 2)
        throw new Error(`${s.id} does not fit in area ${area.id} at [${x}, ${z}]`);
    }
  }

  const stations: SceneInput['stations'] = placed.map((s, i) => ({
    id: s.id,
    name: s.name,
    names: names(s.id),
    area: s.area,
    kind: s.kind,
    position: [round(s.at[0]), 0, round(s.at[1])],
    rotation: yawOf[s.dir],
    footprint: [s.length, s.width],
    cycleTime: s.cycleTime,
    bufferCapacity: s.bufferCapacity,
    ...(i === placed.length - 1 ? { next: null } : {}),
    ...(s.failure ? { mtbf: s.failure[0], mttr: s.failure[1] } : {}),
    ...(s.paintsBody ? { paintsBody: true } : {}),
    ...(s.setup ? { setup: { ...s.setup } } : {}),
  }));

  const conveyors = placed.slice(0, -1).map((a, i) => conveyorOf(a, placed[i + 1]));

  const cameras: NonNullable<SceneInput['cameras']> = [
    { id: 'overview', name: 'Whole plant', names: names('overview'), position: [0, 150, 170], target: [0, 0, 0] },
    ...areas.map((a) => {
      const d = Math.max(a.size[0], a.size[1]);
      return {
        id: a.id,
        name: a.name,
        names: names(a.id),
        position: [a.center[0], round(0.55 * d + 10, 0), round(a.center[1] + 0.7 * d, 0)] as Vec3,
        target: [a.center[0], 0, a.center[1]] as Vec3,
      };
    }),
  ];

  return {
    $schema: '../scene.schema.json',
    specVersion: 1,
    id: 'demo-plant',
    name: 'Demo car plant: press, body, paint, assembly and end of line',
    names: names('plant'),
    taktTime: 60,
    areas: areas.map((a) => ({ id: a.id, name: a.name, names: names(a.id), kind: a.kind, center: [...a.center], size: [...a.size] })),
    stations,
    robots,
    conveyors,
    cameras,
    tours: demoTours(),
    mix,
  };
}

/**
 * JSON with a 2-space indent where short arrays of numbers (positions, joint limits, poses) stay on
 * one line, so the file reads like a hand-written one.
 */
export function formatJson(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = value.every((v) => typeof v !== 'object' || v === null || (Array.isArray(v) && v.every((w) => typeof w !== 'object' || w === null)));
    if (flat) {
      const line = `[${value.map((v) => formatJson(v)).join(', ')}]`;
      if (line.length <= 90) return line;
    }
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The text of scenes/demo-plant/scene.json. */
export function demoPlantText(): string {
  return formatJson(buildDemoPlant()) + '\n';
}

export const demoPlantFile = fileURLToPath(new URL('../scenes/demo-plant/scene.json', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  mkdirSync(path.dirname(demoPlantFile), { recursive: true });
  writeFileSync(demoPlantFile, demoPlantText());
  const scene = buildDemoPlant();
  console.log(`wrote ${path.relative(process.cwd(), demoPlantFile)}: ${scene.stations.length} stations, ${scene.robots?.length ?? 0} robots, ${scene.conveyors?.length ?? 0} conveyors`);
}
