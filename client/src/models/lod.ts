/**
 * Levels of detail by distance: each frame that matters, the things within a radius of the camera, at
 * most `cap` of them and the nearest first, are drawn with the detailed kit, the rest with the simple one.
 * The cap is what bounds the triangles: however many robots stand near the camera (a plant of 1,000 seen
 * from above), at most `cap` of them cost full detail. Typed arrays only: nothing is allocated per frame.
 */
export class NearSet {
  /** 1 for items drawn in detail after select(). */
  near = new Uint8Array(0);
  /** Squared distance to the camera per item, written by the caller; Infinity for items not drawn. */
  d2 = new Float32Array(0);
  private tmp = new Float32Array(0);

  ensure(n: number): void {
    if (n <= this.d2.length) return;
    const cap = Math.max(16, n * 2);
    this.near = new Uint8Array(cap);
    this.d2 = new Float32Array(cap);
    this.tmp = new Float32Array(cap);
  }

  /** Marks items 0..n-1; returns how many are near. */
  select(n: number, radius: number, cap: number): number {
    const r2 = radius * radius;
    const { d2, near, tmp } = this;
    let m = 0;
    for (let i = 0; i < n; i++) if (d2[i] <= r2) tmp[m++] = d2[i];
    let limit = r2;
    if (m > cap) limit = cap > 0 ? kthSmallest(tmp, m, cap - 1) : -1;
    let taken = 0;
    for (let i = 0; i < n; i++) {
      // Ties at the limit could exceed the cap; the cap wins.
      const ok = d2[i] <= limit && taken < cap;
      near[i] = ok ? 1 : 0;
      if (ok) taken++;
    }
    return taken;
  }
}

/** The k-th smallest of a[0..n) (0-based), reordering a in place (Hoare's selection). */
export function kthSmallest(a: Float32Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Distances and caps per kind; the software renderer gets fewer detailed things (it pays per triangle). */
export type LodLimits = { radius: number; cap: number };

export function lodLimits(cheap: boolean) {
  return {
    robots: cheap ? { radius: 60, cap: 16 } : { radius: 140, cap: 96 },
    bodies: cheap ? { radius: 60, cap: 16 } : { radius: 140, cap: 96 },
    equipment: cheap ? { radius: 600, cap: 48 } : { radius: 800, cap: 160 },
    // Wire-mesh panels read as a dark wall from afar: only close fences get them, the rest posts and rails.
    fences: cheap ? { radius: 35, cap: 40 } : { radius: 60, cap: 160 },
    // A metre of roller conveyor is ~900 triangles: detail only right under the camera.
    conveyors: cheap ? { radius: 30, cap: 8 } : { radius: 70, cap: 60 },
  } satisfies Record<string, LodLimits>;
}
