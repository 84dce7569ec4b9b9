/**
 * Helpers for instanced meshes managed outside React: created once per scene, updated in useFrame,
 * shown through <primitive>. Scratch objects live at module scope so per-frame code allocates nothing.
 */
import { Color, DynamicDrawUsage, InstancedBufferAttribute, InstancedMesh, Matrix4, Object3D, Vector3, type BufferGeometry, type Material } from 'three';
import type { Selection } from '../store/store.ts';

export const scratchObject = new Object3D();
export const scratchMatrix = new Matrix4();
export const scratchMatrix2 = new Matrix4();
export const scratchColor = new Color();
export const scratchColor2 = new Color();
export const scratchVec = new Vector3();

/** What a click on instance `instanceId` of a mesh selects (stored in mesh.userData.pick). */
export type PickFn = (instanceId: number) => Selection;

export function makeInstanced(geometry: BufferGeometry, material: Material, capacity: number, opts: { dynamic?: boolean; name: string; shadows?: boolean; receive?: boolean }): InstancedMesh {
  const mesh = new InstancedMesh(geometry, material, Math.max(1, capacity));
  mesh.name = opts.name;
  mesh.count = capacity;
  mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(Math.max(1, capacity) * 3).fill(1), 3);
  if (opts.dynamic) {
    mesh.instanceMatrix.setUsage(DynamicDrawUsage);
    mesh.instanceColor.setUsage(DynamicDrawUsage);
    // Instances move all over the plant: a bounding sphere would be recomputed every frame for culling.
    mesh.frustumCulled = false;
  }
  mesh.castShadow = opts.shadows ?? false;
  mesh.receiveShadow = opts.receive ?? false;
  return mesh;
}

/** Call after changing instance matrices: the raycaster must not test against an outdated bounding sphere. */
export function matricesChanged(mesh: InstancedMesh): void {
  mesh.instanceMatrix.needsUpdate = true;
  mesh.boundingSphere = null;
  mesh.boundingBox = null;
}

export function setPick(mesh: InstancedMesh, pick: PickFn): void {
  mesh.userData.pick = pick;
}

/** Mixes `c` toward grey for data that is stale or bad: still hints the state, clearly not live. */
export function fade(c: Color, amount = 0.7): Color {
  return c.lerp(scratchColor2.set(0x6f7782), amount);
}
