/**
 * The benchmark's rasterizer floor: every triangle the view draws now, baked in world space into one static
 * mesh with one material, shown instead of the plant. Its frame time is what the GPU (or SwiftShader) needs
 * for these triangles at this resolution with no per-frame work and a single draw call; the live view's
 * frame time is judged against it. Loaded on demand, never part of normal use.
 */
import { BufferAttribute, BufferGeometry, InstancedMesh, Matrix4, Mesh, MeshStandardMaterial, Vector3, type Object3D, type Scene } from 'three';

type Floor = { mesh: Mesh; hidden: Object3D[]; triangles: number };
const floors = new WeakMap<Scene, Floor>();

function visibleInScene(o: Object3D): boolean {
  for (let x: Object3D | null = o; x; x = x.parent) if (!x.visible) return false;
  return true;
}

function bake(scene: Scene): Floor {
  scene.updateMatrixWorld(true);
  const parts: Array<{ geometry: BufferGeometry; matrices: Matrix4[] }> = [];
  let vertices = 0;
  scene.traverse((o) => {
    if (!(o instanceof Mesh) || !visibleInScene(o)) return;
    const g = o.geometry as BufferGeometry;
    const pos = g.getAttribute('position');
    if (!pos) return;
    const perCopy = g.index ? g.index.count : pos.count;
    const matrices: Matrix4[] = [];
    if (o instanceof InstancedMesh) {
      const m = new Matrix4();
      for (let i = 0; i < o.count; i++) {
        o.getMatrixAt(i, m);
        matrices.push(new Matrix4().multiplyMatrices(o.matrixWorld, m));
      }
    } else matrices.push(o.matrixWorld.clone());
    parts.push({ geometry: g, matrices });
    vertices += perCopy * matrices.length;
  });
  const positions = new Float32Array(vertices * 3);
  const v = new Vector3();
  let at = 0;
  for (const { geometry, matrices } of parts) {
    const pos = geometry.getAttribute('position');
    const index = geometry.index;
    const n = index ? index.count : pos.count;
    for (const m of matrices) {
      for (let k = 0; k < n; k++) {
        v.fromBufferAttribute(pos, index ? index.getX(k) : k).applyMatrix4(m);
        positions[at++] = v.x;
        positions[at++] = v.y;
        positions[at++] = v.z;
      }
    }
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  geometry.computeVertexNormals();
  const mesh = new Mesh(geometry, new MeshStandardMaterial({ color: '#8a949e', roughness: 0.8 }));
  mesh.matrixAutoUpdate = false;
  mesh.frustumCulled = false;
  mesh.visible = false;
  mesh.name = 'raster-floor';
  const hidden = scene.children.filter((c) => c.visible && !(c as { isLight?: boolean }).isLight);
  scene.add(mesh);
  return { mesh, hidden, triangles: vertices / 3 };
}

/** Shows (true) or removes (false) the floor mesh in place of the plant; returns its triangle count. */
export function showRasterFloor(scene: Scene, on: boolean): number {
  let floor = floors.get(scene);
  if (!floor && !on) return 0;
  if (!floor) {
    floor = bake(scene);
    floors.set(scene, floor);
  }
  for (const o of floor.hidden) o.visible = !on;
  floor.mesh.visible = on;
  if (!on) {
    scene.remove(floor.mesh);
    floor.mesh.geometry.dispose();
    floors.delete(scene);
  }
  return floor.triangles;
}
