/**
 * Plant-scale scenes for benchmarks (`npm run scene:generate -- --scale K [--out FILE]`).
 *
 * K copies of the demo plant laid out on a grid, each copy its own serial line (its last station
 * ends the line), with every id suffixed by the copy (`BS-010` → `BS-010-L03`) so ids stay unique
 * and a copy's entities are easy to tell apart. Pure and deterministic: the same K gives the same
 * bytes. Default output scenes/demo-plant-x<K>/scene.json (generated, not committed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseScene } from '../protocol/scene.ts';
import type { SceneInput } from '../protocol/scene-schema.ts';
import { buildDemoPlant, formatJson } from './make-demo-plant.ts';

type Vec3 = [number, number, number];

/** Floor between two copies, metres: wide enough for an aisle, so copies never touch. */
const AISLE = 24;
/** Scales above this are a typo, not a benchmark (25 is already ~2,000 robots). */
export const MAX_SCALE = 400;

/** Floor rectangle [minX, minZ, maxX, maxZ] covering the scene's areas. */
function floorBounds(scene: SceneInput): [number, number, number, number] {
  let minX = Infinity;
  let minZ = Infinity;
  let maxX = -Infinity;
  let maxZ = -Infinity;
  for (const a of scene.areas) {
    minX = Math.min(minX, a.center[0] - a.size[0] / 2);
    maxX = Math.max(maxX, a.center[0] + a.size[0] / 2);
    minZ = Math.min(minZ, a.center[1] - a.size[1] / 2);
    maxZ = Math.max(maxZ, a.center[1] + a.size[1] / 2);
  }
  return [minX, minZ, maxX, maxZ];
}

const round = (v: number): number => {
  const r = Math.round(v * 100) / 100;
  return r === 0 ? 0 : r;
};

/**
 * `scene` tiled k times. Copies fill a grid of ⌈√k⌉ columns (a 25-copy plant is a square, not a
 * seven-kilometre strip), and the grid is centred on the origin so default cameras still look at it.
 * Copy 1's area cameras are kept (renamed) next to a whole-site overview; a camera per copy would
 * bury the camera buttons.
 */
export function scaleScene(scene: SceneInput, k: number): SceneInput {
  if (!Number.isInteger(k) || k < 1 || k > MAX_SCALE) throw new RangeError(`scale must be an integer from 1 to ${MAX_SCALE}, got ${k}`);
  const [minX, minZ, maxX, maxZ] = floorBounds(scene);
  const pitchX = maxX - minX + AISLE;
  const pitchZ = maxZ - minZ + AISLE;
  const cols = Math.ceil(Math.sqrt(k));
  const rows = Math.ceil(k / cols);
  const digits = Math.max(2, String(k).length);

  const copies = Array.from({ length: k }, (_, c) => {
    const col = c % cols;
    const row = Math.floor(c / cols);
    const dx = round((col - (cols - 1) / 2) * pitchX);
    const dz = round((row - (rows - 1) / 2) * pitchZ);
    const tag = `L${String(c + 1).padStart(digits, '0')}`;
    const id = (v: string) => `${v}-${tag}`;
    const at = (p: readonly number[]): Vec3 => [round(p[0] + dx), p[1], round(p[2] + dz)];
    return { c, dx, dz, tag, id, at };
  });

  const label = (name: string, c: number) => (k === 1 ? name : `${name} (line ${c + 1})`);
  type Names = { 'zh-CN'?: string } | undefined;
  // The names in other languages get the same line number, in their own words.
  const labelNames = (names: Names, c: number): Names => (k === 1 || !names?.['zh-CN'] ? names : { 'zh-CN': `${names['zh-CN']}（${c + 1} 线）` });

  const areas = copies.flatMap(({ c, dx, dz, id }) =>
    scene.areas.map((a) => ({ ...a, id: id(a.id), name: label(a.name, c), names: labelNames(a.names, c), center: [round(a.center[0] + dx), round(a.center[1] + dz)] as [number, number], size: [...a.size] as [number, number] })),
  );
  const stations = copies.flatMap(({ c, id, at }) =>
    scene.stations.map((s, i) => {
      // Make each copy's flow explicit at its ends: the last station of a copy must not feed the first of the next.
      const next = s.next === undefined ? (i === scene.stations.length - 1 ? null : undefined) : s.next === null ? null : id(s.next);
      return {
        ...s,
        id: id(s.id),
        name: label(s.name, c),
        names: labelNames(s.names, c),
        area: id(s.area),
        position: at(s.position),
        ...(next === undefined ? {} : { next }),
        ...(s.setup ? { setup: { ...s.setup } } : {}),
        footprint: [...s.footprint] as [number, number],
      };
    }),
  );
  const robots = copies.flatMap(({ id, at }) =>
    (scene.robots ?? []).map((r) => ({
      ...r,
      id: id(r.id),
      station: id(r.station),
      base: { ...r.base, position: at(r.base.position) },
      jointLimits: r.jointLimits.map(([lo, hi]) => [lo, hi]) as typeof r.jointLimits,
      home: [...r.home] as typeof r.home,
    })),
  );
  const conveyors = copies.flatMap(({ id, at }) =>
    (scene.conveyors ?? []).map((cv) => ({ ...cv, id: id(cv.id), from: id(cv.from), to: id(cv.to), path: cv.path.map(at) })),
  );

  const siteW = cols * pitchX - AISLE;
  const siteD = rows * pitchZ - AISLE;
  const reach = Math.max(siteW, siteD);
  const first = copies[0];
  const cameras: NonNullable<SceneInput['cameras']> = [
    // Same viewing angle as the demo's overview, pulled back to fit the whole site.
    { id: 'overview', name: k === 1 ? 'Whole plant' : `Whole site (${k} lines)`, names: { 'zh-CN': k === 1 ? '全厂' : `全厂区（${k} 条线）` }, position: [0, round(0.58 * reach), round(0.66 * reach)], target: [0, 0, 0] },
    ...(scene.cameras ?? [])
      .filter((cam) => cam.id !== 'overview')
      .map((cam) => ({ ...cam, id: first.id(cam.id), name: label(cam.name, 0), names: labelNames(cam.names, 0), position: first.at(cam.position), target: first.at(cam.target) })),
  ];

  const out: SceneInput = {
    ...(scene.$schema !== undefined ? { $schema: scene.$schema } : {}),
    specVersion: scene.specVersion,
    id: `${scene.id}-x${k}`,
    name: `${scene.name} ×${k} (${k} independent line${k === 1 ? '' : 's'})`,
    ...(scene.names?.['zh-CN'] ? { names: { 'zh-CN': `${scene.names['zh-CN']} ×${k}（${k} 条独立产线）` } } : {}),
    taktTime: scene.taktTime,
    areas,
    stations,
    robots,
    conveyors,
    cameras,
    ...(scene.mix ? { mix: structuredClone(scene.mix) } : {}),
  };
  return out;
}

/** The demo plant at scale k, validated. */
export function demoPlantAtScale(k: number): SceneInput {
  return scaleScene(buildDemoPlant(), k);
}

const root = fileURLToPath(new URL('..', import.meta.url));

export function defaultSceneFile(k: number): string {
  return path.join(root, 'scenes', `demo-plant-x${k}`, 'scene.json');
}

/** Writes the demo plant at scale k; returns the file and entity counts. */
export function writeScaledDemo(k: number, file = defaultSceneFile(k)) {
  const scene = demoPlantAtScale(k);
  // The editor hint must point at the schema from wherever the file lands.
  const schema = path.relative(path.dirname(path.resolve(file)), path.join(root, 'scenes', 'scene.schema.json')).split(path.sep).join('/');
  const withSchema: SceneInput = { ...scene, $schema: schema };
  const parsed = parseScene(withSchema, file);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, formatJson(withSchema) + '\n');
  return { file, stations: parsed.stations.length, robots: parsed.robots.length, conveyors: parsed.conveyors.length, areas: parsed.areas.length };
}

const USAGE = `usage: npm run scene:generate -- --scale K [--out FILE]
  K copies of the demo plant, each its own line, for benchmarks (K = 1, 5, 10, 25 …).
  Default FILE: scenes/demo-plant-x<K>/scene.json`;

function main(argv: string[]): number {
  let scale: number | null = null;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    }
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--scale') {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > MAX_SCALE) throw new UsageError(`--scale must be an integer from 1 to ${MAX_SCALE}, got "${v}"`);
      scale = n;
    } else if (flag === '--out') out = value();
    else throw new UsageError(`unknown option "${a}"`);
  }
  if (scale === null) throw new UsageError('--scale K is required');
  const r = writeScaledDemo(scale, out);
  console.log(`wrote ${path.relative(process.cwd(), r.file)}: ${r.areas} areas, ${r.stations} stations, ${r.robots} robots, ${r.conveyors} conveyors`);
  return 0;
}

class UsageError extends Error {}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`scene:generate: ${e.message}\n${USAGE}`);
    process.exitCode = 2;
  }
}
