import fc from 'fast-check';
import { Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { pullBack, scaleFromTarget, toAuthored, VIEW_ASPECT } from '../../client/src/scene/aspect-fit.ts';

const coord = fc.double({ min: -500, max: 500, noNaN: true });
const point = fc.tuple(coord, coord, coord);

describe('views on screens of any shape (aspect-fit)', () => {
  it('[FIT1] a screen as wide as the authored shape or wider shows a view as authored; a narrower one from further back, in proportion', () => {
    expect(pullBack(VIEW_ASPECT)).toBe(1);
    expect(pullBack(16 / 9)).toBe(1);
    expect(pullBack(1280 / 800)).toBe(1);
    // Upright: the width seen at the target's distance grows with distance × aspect, so the distance grows by the ratio.
    expect(pullBack(0.8)).toBeCloseTo(2, 10);
    expect(pullBack(390 / 844)).toBeCloseTo((VIEW_ASPECT * 844) / 390, 10);
    // A canvas not measured yet (0 × 0) or a degenerate one: as authored, never NaN or infinite.
    for (const a of [0, -1, NaN, Infinity, 1 / 0]) expect(pullBack(a)).toBe(1);
  });

  it('[FIT2] pulled back along the line of sight: same target and direction, k times the distance; and back to the authored pose', () => {
    fc.assert(
      fc.property(point, point, fc.double({ min: 0.05, max: 4, noNaN: true }), ([px, py, pz], [tx, ty, tz], aspect) => {
        const target = new Vector3(tx, ty, tz);
        const authored = new Vector3(px, py, pz);
        const k = pullBack(aspect);
        const shown = scaleFromTarget(authored.clone(), target, k);
        expect(shown.distanceTo(target)).toBeCloseTo(authored.distanceTo(target) * k, 6);
        if (authored.distanceTo(target) > 1e-6) {
          const a = authored.clone().sub(target).normalize();
          const b = shown.clone().sub(target).normalize();
          expect(a.dot(b)).toBeCloseTo(1, 9);
        }
        const back = toAuthored(shown, target, k);
        expect(new Vector3(...back).distanceTo(authored)).toBeLessThan(1e-6 * Math.max(1, k * authored.distanceTo(target)));
      }),
      { numRuns: 300 },
    );
  });
});
