/**
 * Bakes part of a loaded glTF into plain geometry for instancing: every mesh below a node, transformed into
 * that node's frame, merged into one opaque and at most one see-through geometry, with each material's
 * colour as a vertex colour. One merged geometry is one draw call however many materials the model has;
 * what is lost (textures, per-material roughness) does not show at plant scale.
 *
 * Vertices of "paint" materials (robot orange, car paint) get a `tint` of 1 and a white vertex colour, so
 * the instance colour replaces their colour while everything else keeps its own (see kit-material.ts).
 */
import { BufferAttribute, BufferGeometry, Color, DoubleSide, Matrix3, Matrix4, Vector3, type Material, type Mesh, type Object3D } from 'three';

export type BakedPart = {
  geometry: BufferGeometry;
  transparent: boolean;
  opacity: number;
  doubleSided: boolean;
  /** Has a `tint` attribute: some vertices take the instance colour. */
  tinted: boolean;
  roughness: number;
  metalness: number;
};

export type Baked = {
  parts: BakedPart[];
  triangles: number;
  /** Colour of the first paint material met (linear), or null when the model has none. */
  paint: Color | null;
};

type Acc = {
  pos: number[];
  nor: number[];
  col: number[];
  tint: number[];
  idx: number[];
  opacity: number;
  doubleSided: boolean;
  tinted: boolean;
  rough: number;
  metal: number;
  weight: number;
};

type MaterialLike = Material & {
  color?: Color;
  emissive?: Color;
  emissiveIntensity?: number;
  roughness?: number;
  metalness?: number;
  vertexColors?: boolean;
};

const v = new Vector3();
const n = new Vector3();
const c = new Color();
const local = new Matrix4();
const inv = new Matrix4();
const normalMatrix = new Matrix3();

/** Paint materials of the generated models; a model of your own uses the same names (docs/models.md). */
export const PAINT_MATERIALS = new Set(['body_paint', 'body_bare', 'robot_orange']);

/**
 * Merges the meshes under `root` (not under any node `skip` returns true for) in `root`'s frame.
 * Without a lighting environment, fully metallic surfaces render black, so metalness is capped.
 */
export function bake(root: Object3D, skip?: (o: Object3D) => boolean, paint: ReadonlySet<string> = PAINT_MATERIALS): Baked {
  root.updateWorldMatrix(true, true);
  inv.copy(root.matrixWorld).invert();
  const accs = new Map<string, Acc>();
  let paintColor: Color | null = null;
  let triangles = 0;

  const add = (mesh: Mesh) => {
    const geo = mesh.geometry as BufferGeometry;
    const position = geo.getAttribute('position');
    if (!position) return;
    const material = (Array.isArray(mesh.material) ? mesh.material[0] : mesh.material) as MaterialLike | undefined;
    const see = !!material && (material.transparent || material.opacity < 1);
    const tinted = !!material && paint.has(material.name);
    const key = see ? 'transparent' : 'opaque';
    let acc = accs.get(key);
    if (!acc) {
      acc = { pos: [], nor: [], col: [], tint: [], idx: [], opacity: 0, doubleSided: false, tinted: false, rough: 0, metal: 0, weight: 0 };
      accs.set(key, acc);
    }
    local.multiplyMatrices(inv, mesh.matrixWorld);
    normalMatrix.getNormalMatrix(local);
    const flip = local.determinant() < 0;
    let normal = geo.getAttribute('normal');
    if (!normal) {
      const g = geo.clone();
      g.computeVertexNormals();
      normal = g.getAttribute('normal');
    }
    const vertexColor = material?.vertexColors ? geo.getAttribute('color') : undefined;
    const base = acc.pos.length / 3;
    const count = position.count;
    if (material?.color) c.copy(material.color);
    else c.setRGB(0.8, 0.8, 0.8);
    if (material?.emissive) {
      const k = material.emissiveIntensity ?? 1;
      c.r = Math.min(1, c.r + material.emissive.r * k);
      c.g = Math.min(1, c.g + material.emissive.g * k);
      c.b = Math.min(1, c.b + material.emissive.b * k);
    }
    if (tinted && !paintColor) paintColor = c.clone();
    for (let i = 0; i < count; i++) {
      v.fromBufferAttribute(position, i).applyMatrix4(local);
      n.fromBufferAttribute(normal, i).applyMatrix3(normalMatrix).normalize();
      acc.pos.push(v.x, v.y, v.z);
      acc.nor.push(n.x, n.y, n.z);
      if (tinted) acc.col.push(1, 1, 1);
      else if (vertexColor) acc.col.push(c.r * vertexColor.getX(i), c.g * vertexColor.getY(i), c.b * vertexColor.getZ(i));
      else acc.col.push(c.r, c.g, c.b);
      acc.tint.push(tinted ? 1 : 0);
    }
    const index = geo.getIndex();
    const start = acc.idx.length;
    if (index) for (let i = 0; i < index.count; i++) acc.idx.push(base + index.getX(i));
    else for (let i = 0; i < count; i++) acc.idx.push(base + i);
    if (flip)
      for (let i = start; i + 2 < acc.idx.length; i += 3) {
        const t = acc.idx[i + 1];
        acc.idx[i + 1] = acc.idx[i + 2];
        acc.idx[i + 2] = t;
      }
    triangles += (acc.idx.length - start) / 3;
    acc.tinted ||= tinted;
    acc.doubleSided ||= material?.side === DoubleSide;
    acc.weight += count;
    acc.rough += (material?.roughness ?? 0.6) * count;
    acc.metal += (material?.metalness ?? 0) * count;
    acc.opacity += (material?.opacity ?? 1) * count;
  };

  const visit = (o: Object3D) => {
    if (o !== root && skip?.(o)) return;
    const mesh = o as Mesh;
    if (mesh.isMesh && o.visible) add(mesh);
    for (const child of o.children) visit(child);
  };
  visit(root);

  const parts: BakedPart[] = [];
  for (const [key, a] of accs) {
    if (a.idx.length === 0) continue;
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(new Float32Array(a.pos), 3));
    g.setAttribute('normal', new BufferAttribute(new Float32Array(a.nor), 3));
    g.setAttribute('color', new BufferAttribute(new Float32Array(a.col), 3));
    if (a.tinted) g.setAttribute('tint', new BufferAttribute(new Float32Array(a.tint), 1));
    const vertices = a.pos.length / 3;
    g.setIndex(new BufferAttribute(vertices > 65535 ? new Uint32Array(a.idx) : new Uint16Array(a.idx), 1));
    g.computeBoundingBox();
    g.computeBoundingSphere();
    parts.push({
      geometry: g,
      transparent: key === 'transparent',
      opacity: key === 'transparent' ? Math.max(0.15, a.opacity / a.weight) : 1,
      doubleSided: a.doubleSided,
      tinted: a.tinted,
      roughness: a.rough / a.weight,
      metalness: Math.min(0.45, a.metal / a.weight),
    });
  }
  // Opaque first: see-through parts draw after what is behind them.
  parts.sort((x, y) => Number(x.transparent) - Number(y.transparent));
  return { parts, triangles, paint: paintColor };
}
