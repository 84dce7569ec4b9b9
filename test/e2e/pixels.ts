/** Reading screenshots in end-to-end tests. */
import type { PNG } from 'pngjs';

/**
 * How many colours the image shows, looking at every `stride`-th pixel of rows [from, to) (shares of its
 * height): a blank canvas has one or a few (the sky's gradient about forty), a drawn plant hundreds.
 */
export function distinctColours(png: PNG, opts: { stride?: number; from?: number; to?: number } = {}): number {
  const { stride = 3, from = 0, to = 1 } = opts;
  const seen = new Set<number>();
  const end = Math.floor(png.height * to) * png.width * 4;
  for (let i = Math.floor(png.height * from) * png.width * 4; i < end; i += 4 * stride) seen.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
  return seen.size;
}
