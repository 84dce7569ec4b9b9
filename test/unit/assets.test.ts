/**
 * Generated plant models (scripts/make-assets.ts → assets/models/).
 *
 * AST1 deterministic output · AST2 committed files are current · AST3 every model loads (meshopt) with
 * its named nodes, size budget · AST4 robot node hierarchy reproduces forwardKinematics · AST5 levels
 * of detail · AST6 body and equipment proportions.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeIO, type Document, type Node as GltfNode } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRMeshQuantization } from '@gltf-transform/extensions';
import { getBounds } from '@gltf-transform/functions';
import { MeshoptDecoder } from 'meshoptimizer';
import * as THREE from 'three';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deg, forwardKinematics, jointChain, robotModels } from '../../protocol/kinematics.ts';
import { robotModelIds, toolKinds } from '../../protocol/scene-schema.ts';
import { bodyModels } from '../../protocol/state.ts';
import { makeAssets, type Manifest } from '../../scripts/make-assets.ts';

const COMMITTED = join(import.meta.dirname, '../../assets/models');
const JOINTS = ['shoulder', 'upper_arm', 'elbow', 'wrist_1', 'wrist_2', 'wrist_3'] as const;
const AXES = ['y', 'z', 'z', 'x', 'z', 'x'] as const;
const ROBOT_NODES = ['base', ...JOINTS, 'flange'];
/** Joint limits of the demo plant's robots (degrees). */
const LIMITS: [number, number][] = [[-185, 185], [-80, 60], [-110, 70], [-200, 200], [-125, 125], [-350, 350]];

let dirA: string;
let dirB: string;
let manifest: Manifest;
let io: NodeIO;
const docs = new Map<string, Document>();

beforeAll(async () => {
  dirA = await mkdtemp(join(tmpdir(), 'linetwin-assets-a-'));
  dirB = await mkdtemp(join(tmpdir(), 'linetwin-assets-b-'));
  manifest = await makeAssets(dirA);
  await makeAssets(dirB);
  await MeshoptDecoder.ready;
  io = new NodeIO().registerExtensions([EXTMeshoptCompression, KHRMeshQuantization]).registerDependencies({ 'meshopt.decoder': MeshoptDecoder });
  for (const f of manifest.files) docs.set(f.file, await io.read(join(dirA, f.file)));
}, 60_000);

afterAll(async () => {
  for (const d of [dirA, dirB]) if (d) await rm(d, { recursive: true, force: true });
});

const nodeNames = (doc: Document): string[] => doc.getRoot().listNodes().map((n) => n.getName());
const findNode = (doc: Document, name: string): GltfNode => {
  const n = doc.getRoot().listNodes().find((x) => x.getName() === name);
  if (!n) throw new Error(`node ${name} missing`);
  return n;
};
const triangles = (doc: Document): number => {
  let t = 0;
  // Every mesh is used by exactly one node.
  for (const mesh of doc.getRoot().listMeshes()) for (const p of mesh.listPrimitives()) t += (p.getIndices()?.getCount() ?? 0) / 3;
  return t;
};

describe('generated models', () => {
  it('[AST1] the generator is deterministic: two runs give byte-identical files', async () => {
    const a = (await readdir(dirA)).sort();
    const b = (await readdir(dirB)).sort();
    expect(b).toEqual(a);
    for (const f of a) {
      const [x, y] = await Promise.all([readFile(join(dirA, f)), readFile(join(dirB, f))]);
      expect(x.equals(y), `${f} differs between two runs`).toBe(true);
    }
  });

  it('[AST2] the committed files in assets/models are current (run npm run assets)', async () => {
    const committed = new Set(await readdir(COMMITTED));
    for (const f of [...manifest.files.map((e) => e.file), 'manifest.json']) {
      expect(committed.has(f), `assets/models/${f} missing: run npm run assets`).toBe(true);
      const [x, y] = await Promise.all([readFile(join(dirA, f)), readFile(join(COMMITTED, f))]);
      expect(x.equals(y), `assets/models/${f} is out of date: run npm run assets`).toBe(true);
    }
    const stale = [...committed].filter((f) => f.endsWith('.glb') && !manifest.files.some((e) => e.file === f));
    expect(stale, 'models no longer generated: delete them or run npm run assets').toEqual([]);
  });

  it('[AST3] every model loads with NodeIO (meshopt) and has its named nodes; the manifest is right; < 5 MB in all', async () => {
    const expected = [
      ...robotModelIds.flatMap((m) => [`robot-${m}.glb`, `robot-${m}-lod1.glb`]),
      ...toolKinds.map((k) => `tool-${k}.glb`),
      ...bodyModels.flatMap((m) => [`body-${m}.glb`, `body-${m}-lod1.glb`, `body-${m}-biw.glb`, `body-${m}-biw-lod1.glb`]),
      ...['skid', 'conveyor-section', 'safety-fence', 'welding-fixture', 'paint-booth', 'inspection-tunnel', 'agv', 'press'].map((e) => `${e}.glb`),
    ];
    expect(manifest.files.map((f) => f.file).sort()).toEqual(expected.sort());
    let total = 0;
    for (const entry of manifest.files) {
      const doc = docs.get(entry.file)!;
      const names = nodeNames(doc);
      const required =
        entry.kind === 'robot'
          ? ROBOT_NODES
          : entry.kind === 'tool'
            ? ['tool', 'tcp']
            : entry.kind === 'body'
              ? entry.id.endsWith('-biw')
                ? ['car', 'body']
                : ['car', 'body', 'glass', 'trim', 'wheels']
              : [entry.id];
      for (const n of required) expect(names, `${entry.file} lacks node ${n}`).toContain(n);
      expect(new Set(names).size, `${entry.file}: node names are unique`).toBe(names.length);
      expect(doc.getRoot().listExtensionsUsed().map((e) => e.extensionName)).toContain('EXT_meshopt_compression');
      expect(triangles(doc), `${entry.file} triangle count in the manifest`).toBe(entry.triangles);
      const bytes = (await readFile(join(dirA, entry.file))).byteLength;
      expect(entry.bytes).toBe(bytes);
      total += bytes;
    }
    expect(total).toBeLessThan(5 * 1024 * 1024);
    // The body shell is one mesh with one material, the one a client recolours.
    for (const m of bodyModels) {
      const body = findNode(docs.get(`body-${m}.glb`)!, 'body');
      expect(body.getMesh()!.listPrimitives().map((p) => p.getMaterial()!.getName())).toEqual(['body_paint']);
      const bare = findNode(docs.get(`body-${m}-biw.glb`)!, 'body');
      expect(bare.getMesh()!.listPrimitives().map((p) => p.getMaterial()!.getName())).toEqual(['body_bare']);
    }
  });

  it('[AST4] composing the glTF joint nodes reproduces forwardKinematics (200 random poses per model, < 1 mm)', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const fk = new Float64Array(7 * 16);
    for (const model of robotModelIds) {
      const chain = jointChain(robotModels[model]);
      for (const file of [`robot-${model}.glb`, `robot-${model}-lod1.glb`]) {
        const doc = docs.get(file)!;
        // The path base → … → flange is a strict parent → child chain with identity rest rotations.
        const path = ROBOT_NODES.map((n) => findNode(doc, n));
        for (let i = 1; i < path.length; i++) expect(path[i].getParentNode(), `${file}: parent of ${ROBOT_NODES[i]}`).toBe(path[i - 1]);
        for (const n of path) {
          expect(n.getRotation()).toEqual([0, 0, 0, 1]);
          expect(n.getScale()).toEqual([1, 1, 1]);
        }
        for (let j = 0; j < 6; j++) expect(path[j + 1].getTranslation(), `${file} ${JOINTS[j]} offset`).toEqual(chain[j].offset);
        expect(path[0].getTranslation()).toEqual([0, 0, 0]);
        expect(path[7].getTranslation()).toEqual([0, 0, 0]);
        for (let trial = 0; trial < 200; trial++) {
          const q = LIMITS.map(([lo, hi]) => deg(lo + (hi - lo) * rand()));
          forwardKinematics(chain, q, fk);
          const m = new THREE.Matrix4();
          path.forEach((node, i) => {
            const local = new THREE.Matrix4().compose(
              new THREE.Vector3(...node.getTranslation()),
              new THREE.Quaternion(...node.getRotation()),
              new THREE.Vector3(...node.getScale()),
            );
            m.multiply(local);
            if (i >= 1 && i <= 6) {
              const axis = AXES[i - 1];
              m.multiply(axis === 'x' ? new THREE.Matrix4().makeRotationX(q[i - 1]) : axis === 'y' ? new THREE.Matrix4().makeRotationY(q[i - 1]) : new THREE.Matrix4().makeRotationZ(q[i - 1]));
            }
          });
          const e = m.elements;
          const dist = Math.hypot(e[12] - fk[96 + 12], e[13] - fk[96 + 13], e[14] - fk[96 + 14]);
          expect(dist, `${file} pose ${q.map((v) => v.toFixed(3)).join(',')}`).toBeLessThan(0.001);
          // and the flange orientation
          for (const k of [0, 1, 2, 4, 5, 6, 8, 9, 10]) expect(Math.abs(e[k] - fk[96 + k])).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('[AST5] LOD1 files have fewer triangles than the full ones and the same named nodes', () => {
    for (const full of manifest.files.filter((f) => f.lod === 0 && manifest.files.some((g) => g.lod === 1 && g.id === f.id))) {
      const low = manifest.files.find((g) => g.lod === 1 && g.id === full.id)!;
      expect(low.triangles, `${low.file} vs ${full.file}`).toBeLessThan(full.triangles);
      const named = (file: string): string[] => nodeNames(docs.get(file)!).filter((n) => n !== '' && !n.endsWith('_geom')).sort();
      expect(named(low.file)).toEqual(named(full.file));
    }
    for (const m of robotModelIds) expect(manifest.files.some((f) => f.file === `robot-${m}-lod1.glb`)).toBe(true);
    for (const f of manifest.files.filter((e) => e.kind === 'body')) expect(f.triangles).toBeLessThanOrEqual(f.lod === 0 ? 3000 : 600);
  });

  it('[AST6] bodies and equipment have their real-world sizes (+X forward, on the ground)', () => {
    const size = (file: string): { min: number[]; max: number[] } => getBounds(docs.get(file)!.getRoot().getDefaultScene()!);
    const lengths: Record<string, number> = { sedan: 4.7, suv: 4.8 };
    const heights: Record<string, [number, number]> = { sedan: [1.35, 1.55], suv: [1.6, 1.85] };
    for (const m of bodyModels) {
      for (const suffix of ['', '-lod1', '-biw', '-biw-lod1']) {
        const { min, max } = size(`body-${m}${suffix}.glb`);
        expect(max[0] - min[0], `body-${m}${suffix} length`).toBeCloseTo(lengths[m], 1);
        expect(Math.abs(max[0] + min[0]), 'centred in x').toBeLessThan(0.02);
        if (!suffix.includes('biw')) {
          expect(max[1], `body-${m}${suffix} height`).toBeGreaterThan(heights[m][0]);
          expect(max[1], `body-${m}${suffix} height`).toBeLessThan(heights[m][1]);
        }
        expect(max[2] - min[2], "width with mirrors").toBeLessThan(2.2);
        expect(min[1]).toBeGreaterThanOrEqual(-0.001);
      }
    }
    const booth = size('paint-booth.glb');
    expect(booth.max[1] - booth.min[1]).toBeCloseTo(4, 1);
    expect(booth.max[0] - booth.min[0]).toBeGreaterThan(5.9);
    const section = size('conveyor-section.glb');
    expect(section.max[0] - section.min[0]).toBeCloseTo(1, 2);
    const fence = size('safety-fence.glb');
    expect(fence.max[0] - fence.min[0]).toBeGreaterThan(1.99);
    for (const e of manifest.files.filter((f) => f.kind !== 'tool')) expect(size(e.file).min[1], `${e.file} stands on y = 0 or above`).toBeGreaterThanOrEqual(-0.001);
  });
});
