/**
 * Views are authored for a landscape screen: the scene's camera presets, tour steps, a presenter's camera in a
 * follow-me room, the camera in a shared link. A narrower screen (a phone, a kiosk screen turned upright) would
 * crop their sides, so it shows them from further back along the same line of sight, by as much as keeps their
 * width in the picture: `pullBack` times the authored distance to the target. Fog, the far plane and the zoom-out
 * limit move back by as much, so the picture looks as it does on a landscape screen.
 *
 * Views leave a screen in their authored form (`toAuthored`): a presenter on an upright tablet and a trainee on a
 * phone do not add up their pull-backs.
 */
import type { Vector3 } from 'three';

/** Distances of the look at an authored view's scale: fog from near to far, the far plane, the zoom-out limit. */
export const FOG_NEAR = 420;
export const FOG_FAR = 1400;
export const VIEW_FAR = 3000;
export const MAX_DISTANCE = 600;

/** The shape views are authored for (16:10); at this aspect or wider a view is shown as authored. */
export const VIEW_ASPECT = 1.6;

/** How many times further back a screen of this aspect (width / height) shows an authored view: 1 or more. */
export function pullBack(aspect: number): number {
  return Number.isFinite(aspect) && aspect > 0 && aspect < VIEW_ASPECT ? VIEW_ASPECT / aspect : 1;
}

/** pullBack for a canvas of this size (R3F's `size`). */
export function pullBackOf(size: { width: number; height: number }): number {
  return pullBack(size.width / size.height);
}

/** Moves `position` along its line of sight to `target` to `k` times its distance (in place). */
export function scaleFromTarget(position: Vector3, target: Vector3, k: number): Vector3 {
  return k === 1 ? position : position.sub(target).multiplyScalar(k).add(target);
}

/** A shown camera position back in the authored form, for views that leave this screen (as a tuple). */
export function toAuthored(position: Vector3, target: Vector3, k: number): [number, number, number] {
  return [target.x + (position.x - target.x) / k, target.y + (position.y - target.y) / k, target.z + (position.z - target.z) / k];
}
