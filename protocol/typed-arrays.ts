type Growable = Uint8Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** A typed array of the same kind as `a`, `length` long, starting with a copy of `a` (zeros after it). */
export function grownCopy<T extends Growable>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
