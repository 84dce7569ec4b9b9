/**
 * Checks the glTF files a scene points at (`model3d` of robots and stations, `bodyModels`) the way the
 * browser will use them: the file exists under assets/, is glTF, reads with glTF-Transform (meshopt and
 * quantisation included), and follows the rules of protocol/model-rules.ts (robot joint nodes, scale).
 * `npm run check-scene` prints the result; the browser applies the same rules and says the same things.
 */
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { getBounds, Logger, NodeIO, type Document } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { MeshoptDecoder } from 'meshoptimizer';
import { checkModel, MODEL_PATH, modelReferences, roleKey, sanitizeNodeName, type ModelFacts, type ModelNodeInfo, type ModelProblem } from '../protocol/model-rules.ts';
import type { Scene } from '../protocol/scene-schema.ts';

/**
 * A file that could not be checked at all (the browser meets these as failed downloads and words them itself):
 * a code and its values, like the rules' problems, besides the English words.
 */
export type FileProblem = {
  severity: 'error';
  code: 'bad-path' | 'outside-assets' | 'not-found' | 'not-a-file' | 'not-gltf' | 'unreadable';
  params: Record<string, string>;
  message: string;
};

export type ModelIssue = (ModelProblem | FileProblem) & {
  /** The file as the scene names it (relative to the repository root). */
  file: string;
  /** Where the scene names it, e.g. `$.robots[3].model3d`. */
  where: string;
};

type SceneModels = Pick<Scene, 'stations' | 'robots'> & { bodyModels?: Scene['bodyModels'] };

let io: Promise<NodeIO> | null = null;

/** A reader for any glTF the browser can draw: every extension glTF-Transform knows, meshopt decoding. */
function reader(): Promise<NodeIO> {
  io ??= (async () => {
    await MeshoptDecoder.ready;
    return new NodeIO()
      .setLogger(new Logger(Logger.Verbosity.SILENT))
      .registerExtensions(ALL_EXTENSIONS)
      .registerDependencies({ 'meshopt.decoder': MeshoptDecoder });
  })();
  return io;
}

export function factsOf(doc: Document): ModelFacts {
  const nodes: ModelNodeInfo[] = doc
    .getRoot()
    .listNodes()
    .map((n) => {
      const parent = n.getParentNode();
      return {
        name: sanitizeNodeName(n.getName()),
        parent: parent ? sanitizeNodeName(parent.getName()) : null,
        translation: n.getTranslation(),
        rotation: n.getRotation(),
        scale: n.getScale(),
      };
    });
  const scene = doc.getRoot().getDefaultScene() ?? doc.getRoot().listScenes()[0];
  if (!scene) return { nodes, size: [0, 0, 0] };
  const { min, max } = getBounds(scene);
  const size: [number, number, number] = [max[0] - min[0], max[1] - min[1], max[2] - min[2]];
  return { nodes, size: size.every(Number.isFinite) ? size : [0, 0, 0] };
}

async function firstBytes(file: string, n: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

type Loaded = { doc: Document | null; problems: (ModelProblem | FileProblem)[] };

async function load(file: string, root: string): Promise<Loaded> {
  const fail = (code: FileProblem['code'], message: string, params: Record<string, string> = {}): Loaded => ({ doc: null, problems: [{ severity: 'error', code, params, message }] });
  if (!MODEL_PATH.test(file)) return fail('bad-path', 'is not a path to a .glb or .gltf file under assets/ (relative to the repository root, no "..")');
  const abs = path.resolve(root, file);
  if (!abs.startsWith(path.resolve(root, 'assets') + path.sep)) return fail('outside-assets', 'is outside the assets folder');
  if (!existsSync(abs)) return fail('not-found', `was not found (looked for ${abs})`, { path: abs });
  if (!(await stat(abs)).isFile()) return fail('not-a-file', 'is not a file');
  const head = await firstBytes(abs, 64);
  const isGlb = head.length >= 4 && head.toString('latin1', 0, 4) === 'glTF';
  const text = head.toString('utf8').trimStart();
  if (!isGlb && !text.startsWith('{')) {
    const start = head.toString('utf8', 0, 24).replace(/[^\x20-\x7e]/g, '.').trim();
    return fail('not-gltf', `is not a glTF file (${start ? `it starts with "${start}"` : 'it is empty'})`, { start });
  }
  try {
    return { doc: await (await reader()).read(abs), problems: [] };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return fail('unreadable', `could not be read as glTF: ${error}`, { error });
  }
}

/**
 * Every problem with the models `scene` points at, files resolved against `root` (the repository root,
 * which holds assets/). Each file is read once and checked once per way it is used.
 */
export async function checkSceneModels(scene: SceneModels, root: string): Promise<ModelIssue[]> {
  const refs = modelReferences(scene);
  const loaded = new Map<string, Promise<Loaded>>();
  const checked = new Map<string, (ModelProblem | FileProblem)[]>();
  const issues: ModelIssue[] = [];
  for (const ref of refs) {
    if (!loaded.has(ref.file)) loaded.set(ref.file, load(ref.file, root));
    const { doc, problems } = await loaded.get(ref.file)!;
    let found = problems;
    if (doc) {
      const key = `${ref.file}\n${roleKey(ref.role)}`;
      found = checked.get(key) ?? checkModel(ref.role, factsOf(doc));
      checked.set(key, found);
    }
    for (const p of found) issues.push({ file: ref.file, where: ref.where, ...p });
  }
  return issues;
}
