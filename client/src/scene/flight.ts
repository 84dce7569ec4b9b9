/**
 * How far along a camera flight is (0..1) at time fraction `t` (0..1). A flight of its own (a tour step, a
 * preset, a snap back) eases in and out. A glide (a short move a follow-me room sends several times a second,
 * each one retargeting the last) eases out only: it starts at speed, so a chain of glides follows the
 * presenter's camera in one continuous motion instead of stopping and starting at every update.
 */
export function flightProgress(t: number, glide: boolean): number {
  const u = Math.min(1, Math.max(0, t));
  if (glide) return 1 - Math.pow(1 - u, 3);
  return u < 0.5 ? 4 * u * u * u : 1 - Math.pow(-2 * u + 2, 3) / 2;
}

/** Flights shorter than this (seconds) are glides. */
export const GLIDE_MAX_S = 1;
