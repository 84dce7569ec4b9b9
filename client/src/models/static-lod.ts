/**
 * Things that stand still (equipment, fences, conveyor sections): each item has its position, its
 * detailed instances (one or more matrices) and its simple instance. When the camera has moved, the
 * nearest items within the radius (at most `cap`) are drawn in detail, the others simply.
 */
import { Color, Matrix4 } from 'three';
import { NearSet, type LodLimits } from './lod.ts';
import { InstancePool, type PoolOptions } from './pool.ts';
import type { Kit } from './kit.ts';

export type StaticItem = {
  /** The entity it belongs to (a station index), -1 for none. */
  entity: number;
  x: number;
  y: number;
  z: number;
  near: Matrix4[];
  /** Matrix of the simple instance; null: nothing is drawn when far. */
  far: Matrix4 | null;
};

const white = new Color(1, 1, 1);

export class StaticLodSet {
  readonly nearPool: InstancePool;
  readonly farPool: InstancePool | null;
  private readonly n: number;
  private readonly pos: Float32Array;
  private readonly entity: Int32Array;
  private readonly nearStart: Int32Array;
  private readonly nearMatrices: Float32Array;
  private readonly farMatrices: Float32Array;
  private readonly hasFar: Uint8Array;
  private readonly set = new NearSet();

  /** `limits` null: every item is drawn in detail (models of the scene's own have one level). */
  constructor(
    items: StaticItem[],
    nearKit: Kit,
    farKit: Kit | null,
    private readonly limits: LodLimits | null,
    opts: PoolOptions,
  ) {
    const n = items.length;
    this.n = n;
    this.pos = new Float32Array(n * 3);
    this.entity = new Int32Array(n);
    this.nearStart = new Int32Array(n + 1);
    this.farMatrices = new Float32Array(n * 16);
    this.hasFar = new Uint8Array(n);
    let total = 0;
    items.forEach((it, i) => {
      this.nearStart[i] = total;
      total += it.near.length;
    });
    this.nearStart[n] = total;
    this.nearMatrices = new Float32Array(total * 16);
    items.forEach((it, i) => {
      this.pos.set([it.x, it.y, it.z], i * 3);
      this.entity[i] = it.entity;
      it.near.forEach((m, k) => m.toArray(this.nearMatrices, (this.nearStart[i] + k) * 16));
      if (it.far) {
        it.far.toArray(this.farMatrices, i * 16);
        this.hasFar[i] = 1;
      }
    });
    this.set.ensure(n);
    this.farPool = farKit && limits ? new InstancePool(farKit, Math.max(1, n), { ...opts, name: `${opts.name}-far` }) : null;
    this.nearPool = new InstancePool(nearKit, Math.max(1, this.farPool && limits ? Math.min(total, this.maxNear(limits.cap)) : total), opts);
  }

  /** Most detailed instances `cap` items can have. */
  private maxNear(cap: number): number {
    const counts: number[] = [];
    for (let i = 0; i < this.n; i++) counts.push(this.nearStart[i + 1] - this.nearStart[i]);
    counts.sort((a, b) => b - a);
    return counts.slice(0, cap).reduce((s, c) => s + c, 0);
  }

  get pools(): InstancePool[] {
    return this.farPool ? [this.nearPool, this.farPool] : [this.nearPool];
  }

  /** Re-assigns levels for a camera at (cx, cy, cz); colorOf gives an entity's colour (white when null). */
  update(cx: number, cy: number, cz: number, colorOf: ((entity: number) => Color) | null): void {
    const { n, pos, set } = this;
    if (this.limits) {
      for (let i = 0; i < n; i++) {
        const dx = pos[i * 3] - cx, dy = pos[i * 3 + 1] - cy, dz = pos[i * 3 + 2] - cz;
        set.d2[i] = dx * dx + dy * dy + dz * dz;
      }
      set.select(n, this.limits.radius, this.limits.cap);
    } else set.near.fill(1, 0, n);
    const near = this.nearPool;
    const far = this.farPool;
    near.reset();
    far?.reset();
    for (let i = 0; i < n; i++) {
      const e = this.entity[i];
      const color = colorOf && e >= 0 ? colorOf(e) : white;
      if (set.near[i] === 1 || !far) {
        for (let k = this.nearStart[i]; k < this.nearStart[i + 1]; k++) near.setColor(near.addFrom(e, this.nearMatrices, k * 16), color);
      } else if (this.hasFar[i] === 1) far.setColor(far.addFrom(e, this.farMatrices, i * 16), color);
    }
    near.finish(true);
    far?.finish(true);
  }

  dispose(): void {
    for (const p of this.pools) p.dispose();
  }
}
