/**
 * Models of a scene's own (docs/models.md, "Bring your own model"): `checkSceneModels` reads each file the
 * scene names with glTF-Transform and the meshopt decoder, and says what is wrong with it in words a scene
 * author can act on. Good files are copies of the generated ones; bad ones are made here in a temp dir.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRMeshQuantization } from '@gltf-transform/extensions';
import { MeshoptDecoder } from 'meshoptimizer';
import { parseScene, SceneError } from '../../protocol/scene.ts';
import type { SceneInput } from '../../protocol/scene-schema.ts';
import { checkSceneModels } from '../../server/check-models.ts';
import { checkScene } from '../../scripts/check-scene.ts';
import { kthSmallest, NearSet } from '../../client/src/models/lod.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const models = path.join(repo, 'assets/models');
const demo = JSON.parse(readFileSync(path.join(repo, 'scenes/demo-plant/scene.json'), 'utf8')) as SceneInput;
let root: string;

/** Reads a generated model, lets `edit` change it, writes it uncompressed (no encoder needed) to assets/custom/. */
async function variant(source: string, out: string, edit: (doc: Awaited<ReturnType<NodeIO['read']>>) => void) {
  await MeshoptDecoder.ready;
  const io = new NodeIO().registerExtensions([EXTMeshoptCompression, KHRMeshQuantization]).registerDependencies({ 'meshopt.decoder': MeshoptDecoder });
  const doc = await io.read(path.join(models, source));
  for (const ext of doc.getRoot().listExtensionsUsed()) if (ext.extensionName === EXTMeshoptCompression.EXTENSION_NAME) ext.dispose();
  edit(doc);
  writeFileSync(path.join(root, 'assets/custom', out), await io.writeBinary(doc));
}

/** Hangs the scene's root nodes under one node scaled by k (their own transforms kept). */
function scaleAll(doc: Awaited<ReturnType<NodeIO['read']>>, k: number) {
  const scene = doc.getRoot().getDefaultScene()!;
  const wrap = doc.createNode('units').setScale([k, k, k]);
  for (const n of scene.listChildren()) {
    scene.removeChild(n);
    wrap.addChild(n);
  }
  scene.addChild(wrap);
}

/** The demo plant with some robots, stations and body styles pointing at files. */
function sceneWith(edit: (s: SceneInput) => void) {
  const s = structuredClone(demo);
  delete s.$schema;
  edit(s);
  return parseScene(s);
}

const firstOf = (model: string) => demo.robots!.findIndex((r) => r.model === model);

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'linetwin-models-'));
  mkdirSync(path.join(root, 'assets/custom'), { recursive: true });
  mkdirSync(path.join(root, 'scenes'), { recursive: true });
  for (const f of ['robot-ir-210.glb', 'robot-ir-20.glb', 'body-suv.glb', 'press.glb']) copyFileSync(path.join(models, f), path.join(root, 'assets/custom', f));
  writeFileSync(path.join(root, 'assets/custom/notes.glb'), 'These are my notes, not a model.\n');
  await variant('robot-ir-210.glb', 'renamed-joint.glb', (doc) => {
    doc.getRoot().listNodes().find((n) => n.getName() === 'elbow')!.setName('Elbow Joint');
  });
  await variant('robot-ir-210.glb', 'flat-robot.glb', (doc) => {
    // wrist_1 moved up to hang from the base: the chain is broken.
    const nodes = doc.getRoot().listNodes();
    nodes.find((n) => n.getName() === 'base')!.addChild(nodes.find((n) => n.getName() === 'wrist_1')!);
  });
  // Exported in millimetres: the whole model 1000× too large. And a body at 1/100.
  await variant('press.glb', 'press-in-mm.glb', (doc) => scaleAll(doc, 1000));
  await variant('body-sedan.glb', 'tiny-sedan.glb', (doc) => scaleAll(doc, 0.01));
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('checkSceneModels', () => {
  it('[MOD1] accepts good files: generated robots, a body style and a station model of the scene\'s own', async () => {
    const scene = sceneWith((s) => {
      s.robots![firstOf('ir-210')].model3d = 'assets/custom/robot-ir-210.glb';
      s.robots![firstOf('ir-20')].model3d = 'assets/custom/robot-ir-20.glb';
      s.stations[0].model3d = 'assets/custom/press.glb';
      s.bodyModels = { suv: 'assets/custom/body-suv.glb' };
    });
    expect(await checkSceneModels(scene, root)).toEqual([]);
  });

  it('[MOD2] a robot with a joint node renamed: names the file, the field and the missing joint', async () => {
    const i = firstOf('ir-210');
    const issues = await checkSceneModels(sceneWith((s) => (s.robots![i].model3d = 'assets/custom/renamed-joint.glb')), root);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', file: 'assets/custom/renamed-joint.glb', where: `$.robots[${i}].model3d` });
    expect(issues[0].message).toMatch(/^has no joint node "elbow" \(a robot needs base → shoulder → upper_arm → elbow → wrist_1 → wrist_2 → wrist_3 → flange\)$/);
  });

  it('[MOD3] a robot whose joints are not chained', async () => {
    const issues = await checkSceneModels(sceneWith((s) => (s.robots![0].model3d = 'assets/custom/flat-robot.glb')), root);
    expect(issues.map((i) => i.message)).toEqual(['node "wrist_1" must be a direct child of "elbow", but its parent is "base"']);
  });

  it('[MOD4] a text file named .glb', async () => {
    const issues = await checkSceneModels(sceneWith((s) => (s.stations[3].model3d = 'assets/custom/notes.glb')), root);
    expect(issues).toEqual([
      { severity: 'error', code: 'not-gltf', params: { start: 'These are my notes, not' }, file: 'assets/custom/notes.glb', where: '$.stations[3].model3d', message: 'is not a glTF file (it starts with "These are my notes, not")' },
    ]);
  });

  it('[MOD5] a model 1000× too large, and a body 100× too small: wrong scale, with the likely unit', async () => {
    const issues = await checkSceneModels(
      sceneWith((s) => {
        s.stations[0].model3d = 'assets/custom/press-in-mm.glb';
        s.bodyModels = { sedan: 'assets/custom/tiny-sedan.glb' };
      }),
      root,
    );
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ severity: 'error', file: 'assets/custom/press-in-mm.glb', where: '$.stations[0].model3d' });
    expect(issues[0].message).toBe('is 7,200 m across, this station (footprint 6 × 8 m) is about 8 m: wrong scale (millimetres?); glTF models are in metres');
    expect(issues[1]).toMatchObject({ severity: 'error', file: 'assets/custom/tiny-sedan.glb', where: '$.bodyModels.sedan' });
    expect(issues[1].message).toBe('is 0.0471 m across, a car body is about 4.7 m: wrong scale; glTF models are in metres');
  });

  it('[MOD6] a missing file; a robot file of another kinematic model is used but warned about', async () => {
    const i = firstOf('ir-20');
    const issues = await checkSceneModels(
      sceneWith((s) => {
        s.robots![0].model3d = 'assets/custom/nothing-here.glb';
        s.robots![i].model3d = 'assets/custom/robot-ir-210.glb';
      }),
      root,
    );
    expect(issues[0]).toMatchObject({ severity: 'error', file: 'assets/custom/nothing-here.glb', where: '$.robots[0].model3d' });
    expect(issues[0].message).toMatch(/^was not found \(looked for .*nothing-here\.glb\)$/);
    const rest = issues.slice(1);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((r) => r.severity === 'warning' && r.where === `$.robots[${i}].model3d`)).toBe(true);
    expect(rest[0].message).toBe('node "upper_arm" is at [0.35, 0.675, 0] from its parent, the ir-20 kinematic model puts it at [0.16, 0.45, 0]: the drawn arm will not match the reported pose');
  });

  it('[MOD7] the scene format only takes paths under assets/, without ".."', () => {
    for (const bad of ['/etc/passwd.glb', 'assets/../secret.glb', 'models/robot.glb', 'assets/custom/robot.obj']) {
      const s = structuredClone(demo);
      delete s.$schema;
      s.robots![0].model3d = bad;
      expect(() => parseScene(s), bad).toThrow(SceneError);
    }
  });

  it('[MOD8] npm run check-scene: every problem with file and reason, exit 2 on errors, 0 when fine', async () => {
    const write = (id: string, edit: (s: SceneInput) => void) => {
      const s = structuredClone(demo);
      delete s.$schema;
      edit(s);
      mkdirSync(path.join(root, 'scenes', id), { recursive: true });
      writeFileSync(path.join(root, 'scenes', id, 'scene.json'), JSON.stringify(s));
    };
    write('bad', (s) => {
      s.robots![0].model3d = 'assets/custom/renamed-joint.glb';
      s.stations[1].model3d = 'assets/custom/notes.glb';
    });
    write('good', (s) => (s.bodyModels = { suv: 'assets/custom/body-suv.glb' }));
    let out = '';
    let err = '';
    expect(await checkScene(['--root', root, '--scene', 'bad'], (s) => (out += s), (s) => (err += s))).toBe(2);
    expect(err).toContain('2 errors in its 3D models');
    expect(err).toContain('error   assets/custom/renamed-joint.glb has no joint node "elbow"');
    expect(err).toContain('($.robots[0].model3d)');
    expect(err).toContain('error   assets/custom/notes.glb is not a glTF file');
    out = err = '';
    expect(await checkScene(['--root', root, '--scene', 'good'], (s) => (out += s), (s) => (err += s))).toBe(0);
    expect(out).toMatch(/valid scene "demo-plant"; its 1 model reference \(1 file\) are fine/);
    expect(err).toBe('');
  });
});

describe('level-of-detail selection (client/src/models/lod.ts)', () => {
  it('[MOD9] picks the nearest items within the radius, never more than the cap', () => {
    const set = new NearSet();
    set.ensure(1000);
    // Distances 0..999 in a scrambled order.
    for (let i = 0; i < 1000; i++) set.d2[i] = ((i * 7919) % 1000) ** 2;
    expect(set.select(1000, 30.5, 100)).toBe(31);
    expect(set.select(1000, 2000, 50)).toBe(50);
    for (let i = 0; i < 1000; i++) expect(set.near[i] === 1, `item ${i}`).toBe((i * 7919) % 1000 < 50);
    expect(set.select(1000, 2000, 0)).toBe(0);
    const a = new Float32Array([5, 3, 9, 1, 1, 7, 3]);
    expect([0, 1, 2, 3, 4, 5, 6].map((k) => kthSmallest(a.slice(), 7, k))).toEqual([1, 1, 3, 3, 5, 7, 9]);
  });
});
