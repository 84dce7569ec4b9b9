/**
 * Models of the scene's own (`model3d`, `bodyModels`): fetched and parsed here rather than through
 * useGLTF, so that a bad file becomes a message about that file (and the built-in model is drawn) instead
 * of an error that takes down every model. Checked with the same rules as `npm run check-scene`.
 */
import { Box3, Vector3, type Object3D } from 'three';
import { GLTFLoader, type GLTF } from 'three-stdlib';
import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';
import { checkModel, modelReferences, roleKey, sanitizeNodeName, type ModelFacts, type ModelNodeInfo, type ModelProblem, type ModelReference } from '../../../protocol/model-rules.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { NoticeText } from './model-status.ts';

/** A problem with a file: one the shared rules found (worded from its code), or ours from the dictionaries. */
export type FileProblem = { severity: ModelProblem['severity']; message: NoticeText };
export type LoadedFile = { gltf: GLTF | null; problems: FileProblem[] };
export type CustomModel = ModelReference & { gltf: GLTF | null; problems: FileProblem[]; usable: boolean };

/** The GLTFLoader setup shared with useGLTF: meshopt from three's own decoder, no Draco (it would come from a CDN). */
export function withMeshopt(loader: GLTFLoader): void {
  loader.setMeshoptDecoder(MeshoptDecoder);
}

const GLB_MAGIC = 0x46546c67; // "glTF", little-endian

function describeStart(bytes: Uint8Array): NoticeText {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 24)).replace(/[^\x20-\x7e]/g, '.');
  return text.trim() ? { key: 'models.startsWith', values: { text: text.trim() } } : { key: 'models.empty' };
}

async function loadFile(file: string): Promise<LoadedFile> {
  let res: Response;
  try {
    res = await fetch(file, { cache: 'no-cache' });
  } catch {
    return { gltf: null, problems: [{ severity: 'error', message: { key: 'models.noAnswer' } }] };
  }
  if (!res.ok) return { gltf: null, problems: [{ severity: 'error', message: res.status === 404 ? { key: 'models.notFound' } : { key: 'models.downloadFailed', values: { status: res.status } } }] };
  const buffer = await res.arrayBuffer();
  const bytes = new Uint8Array(buffer);
  const isGlb = bytes.length >= 12 && new DataView(buffer).getUint32(0, true) === GLB_MAGIC;
  const firstChar = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart()[0];
  // A server that answers unknown paths with its page (an SPA fallback) sends HTML, not a 404.
  if (!isGlb && firstChar !== '{') return { gltf: null, problems: [{ severity: 'error', message: { key: 'models.notGltf', values: { start: describeStart(bytes) } } }] };
  const loader = new GLTFLoader();
  withMeshopt(loader);
  try {
    const gltf = await loader.parseAsync(isGlb ? buffer : new TextDecoder().decode(bytes), file.slice(0, file.lastIndexOf('/') + 1));
    return { gltf, problems: [] };
  } catch (e) {
    return { gltf: null, problems: [{ severity: 'error', message: { key: 'models.unreadable', values: { error: e instanceof Error ? e.message : String(e) } } }] };
  }
}

/**
 * The glTF nodes of a loaded model by their names in the file. three.js makes names unique across a file
 * (a scene named "base" turns the node "base" into "base_1"), so the loader's own record of which object
 * is which node, and the name it kept in userData, are used instead of Object3D names.
 */
export function gltfNodes(gltf: GLTF): Map<string, Object3D> {
  const nodes = new Map<string, Object3D>();
  gltf.scene.traverse((o) => {
    if (gltf.parser.associations.get(o)?.nodes === undefined) return;
    const name = sanitizeNodeName(typeof o.userData.name === 'string' ? o.userData.name : o.name);
    if (!nodes.has(name)) nodes.set(name, o);
  });
  return nodes;
}

/** Nodes and size of a loaded model as the shared rules see them (model at rest, as loaded). */
export function factsOf(gltf: GLTF): ModelFacts {
  const names = new Map<Object3D, string>();
  for (const [name, o] of gltfNodes(gltf)) names.set(o, name);
  const nodes: ModelNodeInfo[] = [];
  gltf.scene.traverse((o) => {
    const name = names.get(o);
    if (name === undefined) return;
    // The nearest ancestor that is a glTF node (three may put groups of its own in between).
    let parent = o.parent;
    while (parent && !names.has(parent)) parent = parent.parent;
    nodes.push({
      name,
      parent: parent ? names.get(parent)! : null,
      translation: [o.position.x, o.position.y, o.position.z],
      rotation: [o.quaternion.x, o.quaternion.y, o.quaternion.z, o.quaternion.w],
      scale: [o.scale.x, o.scale.y, o.scale.z],
    });
  });
  gltf.scene.updateWorldMatrix(true, true);
  const size = new Box3().setFromObject(gltf.scene).getSize(new Vector3());
  return { nodes, size: [size.x, size.y, size.z] };
}

const cache = new Map<string, Promise<CustomModel[]>>();

/**
 * Loads and checks every model file the scene names (each file once), resolving to one entry per
 * reference. Cached per set of references so React's Suspense can read it again; never rejects.
 */
export function loadCustomModels(scene: ResolvedScene): Promise<CustomModel[]> {
  const refs = modelReferences(scene);
  const key = refs.map((r) => `${r.where}=${r.file}`).join('|');
  let promise = cache.get(key);
  if (!promise) {
    promise = (async () => {
      const files = new Map<string, Promise<LoadedFile>>();
      for (const r of refs) if (!files.has(r.file)) files.set(r.file, loadFile(r.file));
      const checked = new Map<string, FileProblem[]>();
      const out: CustomModel[] = [];
      for (const r of refs) {
        const loaded = await files.get(r.file)!;
        let problems = loaded.problems;
        if (loaded.gltf) {
          const k = `${r.file}\n${roleKey(r.role)}`;
          problems = checked.get(k) ?? checkModel(r.role, factsOf(loaded.gltf)).map((p) => ({ severity: p.severity, message: p }));
          checked.set(k, problems);
        }
        out.push({ ...r, gltf: loaded.gltf, problems, usable: loaded.gltf !== null && !problems.some((p) => p.severity === 'error') });
      }
      return out;
    })();
    cache.set(key, promise);
  }
  return promise;
}
