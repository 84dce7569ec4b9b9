/**
 * Writes a node tree of parts as a binary glTF (.glb), compressed with EXT_meshopt_compression.
 *
 * Nodes that carry both geometry and children get their mesh on an extra child node named
 * `<name>_geom`, so the transform of a named node (a robot joint, a tool mount) is exactly what
 * the tree says; the compression steps (quantisation) only ever touch mesh-holding leaf nodes.
 */
import { Document, Logger, NodeIO, type Node as GltfNode, type Material } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRMeshQuantization } from '@gltf-transform/extensions';
import { prune, quantize, reorder, weld } from '@gltf-transform/functions';
import { MeshoptDecoder, MeshoptEncoder } from 'meshoptimizer';
import { linear, materials, type MaterialName } from './materials.ts';
import type { Part, Vec3 } from './mesh.ts';

export type SceneNode = {
  name: string;
  translation?: Vec3;
  /** Quaternion [x, y, z, w]. */
  rotation?: [number, number, number, number];
  extras?: Record<string, unknown>;
  part?: Part;
  children?: SceneNode[];
};

/** Triangles in a node tree. */
export function countTriangles(node: SceneNode): number {
  let n = node.part ? node.part.triangles() : 0;
  for (const c of node.children ?? []) n += countTriangles(c);
  return n;
}

/** A NodeIO that reads and writes what the generator writes (meshopt + quantisation). */
export async function createIO(): Promise<NodeIO> {
  await MeshoptEncoder.ready;
  await MeshoptDecoder.ready;
  return new NodeIO()
    .registerExtensions([EXTMeshoptCompression, KHRMeshQuantization])
    .registerDependencies({ 'meshopt.encoder': MeshoptEncoder, 'meshopt.decoder': MeshoptDecoder });
}

export type WriteOptions = {
  /** Extras on the glTF scene (anchor heights and the like). */
  extras?: Record<string, unknown>;
  /** Leave the geometry uncompressed (for debugging). */
  raw?: boolean;
};

export async function toGlb(io: NodeIO, root: SceneNode, opts: WriteOptions = {}): Promise<Uint8Array> {
  const doc = new Document().setLogger(new Logger(Logger.Verbosity.WARN));
  doc.getRoot().getAsset().generator = 'linetwin scripts/make-assets.ts (glTF-Transform)';
  const buffer = doc.createBuffer();
  const scene = doc.createScene(root.name);
  if (opts.extras) scene.setExtras(opts.extras);
  doc.getRoot().setDefaultScene(scene);
  const mats = new Map<string, Material>();

  const material = (name: string): Material => {
    let m = mats.get(name);
    if (m) return m;
    const spec = materials[name as MaterialName];
    if (!spec) throw new Error(`unknown material ${name}`);
    const [r, g, b] = linear(spec.color);
    const alpha = 'alpha' in spec ? spec.alpha : 1;
    m = doc
      .createMaterial(name)
      .setBaseColorFactor([r, g, b, alpha])
      .setMetallicFactor(spec.metallic)
      .setRoughnessFactor(spec.roughness)
      .setDoubleSided('doubleSided' in spec ? spec.doubleSided : false);
    if (alpha < 1) m.setAlphaMode('BLEND');
    if ('emissive' in spec) m.setEmissiveFactor(linear(spec.emissive));
    mats.set(name, m);
    return m;
  };

  const meshFor = (name: string, part: Part) => {
    const mesh = doc.createMesh(name);
    for (const [matName, l] of part.lists) {
      if (l.indices.length === 0) continue;
      const vertexCount = l.positions.length / 3;
      const pos = doc.createAccessor().setType('VEC3').setArray(new Float32Array(l.positions)).setBuffer(buffer);
      const nor = doc.createAccessor().setType('VEC3').setArray(new Float32Array(l.normals)).setBuffer(buffer);
      const idx = doc
        .createAccessor()
        .setType('SCALAR')
        .setArray(vertexCount > 65535 ? new Uint32Array(l.indices) : new Uint16Array(l.indices))
        .setBuffer(buffer);
      mesh.addPrimitive(doc.createPrimitive().setAttribute('POSITION', pos).setAttribute('NORMAL', nor).setIndices(idx).setMaterial(material(matName)));
    }
    return mesh;
  };

  const build = (n: SceneNode): GltfNode => {
    const node = doc.createNode(n.name);
    if (n.translation) node.setTranslation([...n.translation]);
    if (n.rotation) node.setRotation([...n.rotation]);
    if (n.extras) node.setExtras(n.extras);
    const children = n.children ?? [];
    if (n.part && !n.part.isEmpty()) {
      if (children.length === 0) node.setMesh(meshFor(n.name, n.part));
      else node.addChild(doc.createNode(`${n.name}_geom`).setMesh(meshFor(`${n.name}_geom`, n.part)));
    }
    for (const c of children) node.addChild(build(c));
    return node;
  };
  scene.addChild(build(root));

  await doc.transform(weld());
  if (!opts.raw) {
    // The steps of @gltf-transform's meshopt() at level 'high', without its clean-up, which would
    // drop the empty leaf nodes (flange, tcp) we need.
    await doc.transform(
      reorder({ encoder: MeshoptEncoder, target: 'size', cleanup: false }),
      quantize({ pattern: /^(POSITION|TEXCOORD|JOINTS|WEIGHTS|COLOR)(_\d+)?$/, quantizeNormal: 8, cleanup: false }),
    );
    doc.createExtension(EXTMeshoptCompression).setRequired(true).setEncoderOptions({ method: EXTMeshoptCompression.EncoderMethod.FILTER });
  }
  await doc.transform(prune({ keepLeaves: true }));
  return io.writeBinary(doc);
}
