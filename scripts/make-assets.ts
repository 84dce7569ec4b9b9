/**
 * Generates the plant models (glTF binary, meshopt-compressed) into assets/models/:
 * robots per kinematic model (+ LOD1), tools, car bodies (+ body in white, + LOD1), line equipment,
 * and assets/models/manifest.json. Geometry is built in code; the output is byte-for-byte the same
 * on every run (no randomness, no timestamps).
 *
 *   npm run assets        (tsx scripts/make-assets.ts [outDir])
 *
 * Conventions: docs/models.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { robotModelIds, toolKinds } from '../protocol/scene-schema.ts';
import { bodyModels } from '../protocol/state.ts';
import { carNodes, carInfo } from './assets/car.ts';
import { equipment } from './assets/equipment.ts';
import { countTriangles, createIO, toGlb, type SceneNode } from './assets/gltf.ts';
import { robotNodes } from './assets/robot.ts';
import { toolNodes } from './assets/tools.ts';

export type AssetKind = 'robot' | 'tool' | 'body' | 'equipment';

export type ManifestEntry = {
  file: string;
  kind: AssetKind;
  /** Robot model id, tool kind, body model or equipment name. */
  id: string;
  /** Level of detail: 0 full, 1 low. */
  lod: 0 | 1;
  triangles: number;
  bytes: number;
  /** Placement data (heights, mount points), also in the glTF scene's extras. */
  extras?: Record<string, unknown>;
};

export type Manifest = { generator: string; units: string; up: string; forward: string; files: ManifestEntry[] };

type Asset = { file: string; kind: AssetKind; id: string; lod: 0 | 1; root: SceneNode; extras?: Record<string, unknown> };

/** Every model the script writes, in a fixed order. */
export function assetList(): Asset[] {
  const list: Asset[] = [];
  for (const model of robotModelIds) {
    for (const lod of [0, 1] as const) {
      list.push({ file: `robot-${model}${lod ? '-lod1' : ''}.glb`, kind: 'robot', id: model, lod, root: robotNodes(model, lod) });
    }
  }
  for (const kind of toolKinds) {
    const { root, extras } = toolNodes(kind);
    list.push({ file: `tool-${kind}.glb`, kind: 'tool', id: kind, lod: 0, root, extras });
  }
  for (const model of bodyModels) {
    for (const bare of [false, true]) {
      for (const lod of [0, 1] as const) {
        const name = `body-${model}${bare ? '-biw' : ''}${lod ? '-lod1' : ''}.glb`;
        list.push({ file: name, kind: 'body', id: bare ? `${model}-biw` : model, lod, root: carNodes(model, { lod, bare }), extras: carInfo(model) });
      }
    }
  }
  for (const e of equipment()) list.push({ file: `${e.name}.glb`, kind: 'equipment', id: e.name, lod: 0, root: e.root, extras: e.extras });
  return list;
}

/** Writes all models and the manifest into `outDir`; returns the manifest. */
export async function makeAssets(outDir: string): Promise<Manifest> {
  await mkdir(outDir, { recursive: true });
  const io = await createIO();
  const files: ManifestEntry[] = [];
  for (const a of assetList()) {
    const bytes = await toGlb(io, a.root, { extras: { kind: a.kind, id: a.id, lod: a.lod, ...(a.extras ?? {}) } });
    await writeFile(join(outDir, a.file), bytes);
    files.push({ file: a.file, kind: a.kind, id: a.id, lod: a.lod, triangles: countTriangles(a.root), bytes: bytes.byteLength, ...(a.extras ? { extras: a.extras } : {}) });
  }
  const manifest: Manifest = {
    generator: 'scripts/make-assets.ts (npm run assets)',
    units: 'metres',
    up: '+Y',
    forward: '+X',
    files,
  };
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = resolve(process.argv[2] ?? 'assets/models');
  const t0 = performance.now();
  const m = await makeAssets(outDir);
  const total = m.files.reduce((s, f) => s + f.bytes, 0);
  for (const f of m.files) console.log(`${f.file.padEnd(28)} ${String(f.triangles).padStart(6)} tris ${String(f.bytes).padStart(8)} B`);
  console.log(`${m.files.length} files, ${(total / 1024).toFixed(0)} KiB, ${((performance.now() - t0) / 1000).toFixed(1)} s → ${outDir}`);
}
