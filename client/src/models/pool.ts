/**
 * An instance pool: one kit drawn as instanced meshes (one per kit part, sharing one matrix and one
 * colour buffer), refilled from the front each time what it shows changes. Slot j shows entity owner[j].
 *
 * An empty pool still draws: one collapsed instance of one triangle, far below the floor. The draw-call
 * count then depends only on which kinds of thing the scene has, never on how many there are or where the
 * camera is, so frame cost is predictable and a larger plant costs no extra draw calls.
 */
import { BufferGeometry, DynamicDrawUsage, Group, InstancedBufferAttribute, InstancedMesh, Matrix4, type Color } from 'three';
import type { Selection } from '../store/store.ts';
import type { Kit } from './kit.ts';

const PARKED = new Matrix4().makeScale(1e-6, 1e-6, 1e-6).setPosition(0, -1e4, 0);

export type PoolOptions = {
  name: string;
  /** Instances move every frame (robots, bodies) rather than only when the camera moves. */
  dynamic?: boolean;
  shadows?: boolean;
  receive?: boolean;
  /** What a click on this pool's entity `e` selects. */
  pick?: (entity: number) => Selection;
};

export class InstancePool {
  readonly group = new Group();
  owner = new Int32Array(0);
  count = 0;
  private capacity = 0;
  private meshes: InstancedMesh[] = [];
  /** Per part: a geometry of its own over the kit's buffers, so its draw range is this pool's alone. */
  private readonly views: BufferGeometry[];
  private matrices!: InstancedBufferAttribute;
  private colors!: InstancedBufferAttribute;

  constructor(
    readonly kit: Kit,
    capacity: number,
    private readonly opts: PoolOptions,
  ) {
    this.group.name = opts.name;
    this.views = kit.parts.map(({ geometry }) => {
      const view = new BufferGeometry();
      view.setIndex(geometry.getIndex());
      for (const [name, attr] of Object.entries(geometry.attributes)) view.setAttribute(name, attr);
      view.boundingBox = geometry.boundingBox;
      view.boundingSphere = geometry.boundingSphere;
      return view;
    });
    this.ensure(capacity);
  }

  get triangles(): number {
    return this.kit.triangles;
  }

  /** Grows the pool to hold `capacity` instances (rare: rebuilds its meshes). Contents are lost. */
  ensure(capacity: number): void {
    if (capacity <= this.capacity && this.meshes.length > 0) return;
    const cap = Math.max(1, Math.ceil(capacity));
    for (const m of this.meshes) {
      this.group.remove(m);
      m.dispose();
    }
    this.capacity = cap;
    this.owner = new Int32Array(cap).fill(-1);
    this.matrices = new InstancedBufferAttribute(new Float32Array(cap * 16), 16);
    this.colors = new InstancedBufferAttribute(new Float32Array(cap * 3).fill(1), 3);
    if (this.opts.dynamic) {
      this.matrices.setUsage(DynamicDrawUsage);
      this.colors.setUsage(DynamicDrawUsage);
    }
    const owner = () => this.owner;
    this.meshes = this.kit.parts.map((part, k) => {
      const mesh = new InstancedMesh(this.views[k], part.material, cap);
      mesh.name = `${this.opts.name}${k ? `-${k}` : ''}`;
      mesh.instanceMatrix = this.matrices;
      mesh.instanceColor = this.colors;
      // Instances spread over the whole plant: culling the pool as one sphere would rarely skip it, and
      // the bounding sphere would have to be recomputed whenever instances move.
      mesh.frustumCulled = false;
      mesh.castShadow = this.opts.shadows ?? false;
      mesh.receiveShadow = this.opts.receive ?? false;
      const pick = this.opts.pick;
      if (pick)
        mesh.userData.pick = (j: number) => {
          const e = owner()[j];
          return e >= 0 ? pick(e) : null;
        };
      this.group.add(mesh);
      return mesh;
    });
    this.count = 0;
    this.finish(true);
  }

  reset(): void {
    this.count = 0;
  }

  /** Appends an instance for entity `entity` with this matrix; returns its slot. */
  add(entity: number, matrix: Matrix4): number {
    const j = this.count++;
    matrix.toArray(this.matrices.array as Float32Array, j * 16);
    this.owner[j] = entity;
    return j;
  }

  /** Appends an instance whose matrix is 16 floats of `source` from `offset`. */
  addFrom(entity: number, source: Float32Array, offset: number): number {
    const j = this.count++;
    const dst = this.matrices.array as Float32Array;
    // A plain loop: subarray() would allocate a view per instance per frame.
    for (let k = 0, o = j * 16; k < 16; k++) dst[o + k] = source[offset + k];
    this.owner[j] = entity;
    return j;
  }

  setColor(slot: number, color: Color): void {
    color.toArray(this.colors.array as Float32Array, slot * 3);
  }

  /** Publishes what was added since reset(). */
  finish(colorsChanged: boolean): void {
    let n = this.count;
    if (n === 0) {
      PARKED.toArray(this.matrices.array as Float32Array, 0);
      this.owner[0] = -1;
      n = 1;
    }
    if (n === 1 && this.count === 0) for (const v of this.views) v.setDrawRange(0, 3);
    else for (const v of this.views) v.setDrawRange(0, Infinity);
    // Upload only the slots in use: pools are sized for the worst case.
    this.matrices.clearUpdateRanges();
    this.matrices.addUpdateRange(0, n * 16);
    this.matrices.needsUpdate = true;
    if (colorsChanged) {
      this.colors.clearUpdateRanges();
      this.colors.addUpdateRange(0, n * 3);
      this.colors.needsUpdate = true;
    }
    for (const m of this.meshes) {
      m.count = n;
      // The raycaster tests against these: they must follow the instances.
      m.boundingSphere = null;
      m.boundingBox = null;
    }
  }

  dispose(): void {
    for (const m of this.meshes) m.dispose();
    // Only the views' own state: the kit's buffers belong to the kit.
    for (const v of this.views) v.dispose();
  }
}
