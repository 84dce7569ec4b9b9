/**
 * Buffer fill: how many bodies each conveyor holds now. The live state has no buffer level of its own, so
 * it is counted from the bodies located on conveyors (LocationKind.conveyor). Pure: typed arrays in and out.
 */
import { LocationKind } from '../../../protocol/codec.ts';

/** Writes the number of alive bodies on each conveyor into `out` (length: the conveyor count). */
export function countOnConveyors(alive: Uint8Array, locKind: Uint8Array, locIndex: Int32Array, slotsUsed: number, out: Uint16Array | Int32Array | Float32Array): void {
  out.fill(0);
  for (let s = 0; s < slotsUsed; s++) {
    if (alive[s] !== 1 || locKind[s] !== LocationKind.conveyor) continue;
    const c = locIndex[s];
    if (c >= 0 && c < out.length) out[c]++;
  }
}

/** Fill ratio 0..1 (a conveyor reported over its capacity still draws full). */
export function fillRatio(count: number, capacity: number): number {
  return capacity > 0 ? Math.min(1, count / capacity) : 0;
}
