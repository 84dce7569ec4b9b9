/**
 * Measures the JavaScript each frame spends in useFrame callbacks (ours and drei's) before three.js starts
 * drawing, for the benchmark's "useFrame ≤ 0.1× frame time". The first callback of the frame (the lowest
 * priority) stamps the start; the renderer's render() call, wrapped here, stamps the end. Costs two
 * performance.now() calls a frame. The time from one frame's start to the next goes into a small ring, for the
 * `?stats` overlay's frame rate (frameRate()).
 */
import { useEffect } from 'react';
import { useFrame, useThree } from '@react-three/fiber';

export const frameJs = { frames: 0, ms: 0 };

let frameStart = -1;

/** The last frames' intervals (ms), newest at `ringAt - 1`: enough for a few seconds at 60 frames a second. */
const ring = new Float32Array(256);
let ringAt = 0;
let ringFilled = 0;
let lastStart = -1;

export type FrameRate = { fps: number; meanMs: number; worstMs: number; frames: number };

/**
 * Frames drawn over about the last `windowMs` of frames: per second, their mean and worst interval (a stall
 * shows as the worst). Zeros before two frames were drawn. Allocates only its result; call it a few times a second.
 */
export function frameRate(windowMs = 2000): FrameRate {
  let total = 0;
  let worst = 0;
  let n = 0;
  while (n < ringFilled && total < windowMs) {
    const ms = ring[(ringAt - 1 - n + ring.length) % ring.length];
    total += ms;
    if (ms > worst) worst = ms;
    n++;
  }
  return n === 0 ? { fps: 0, meanMs: 0, worstMs: 0, frames: 0 } : { fps: (n * 1000) / total, meanMs: total / n, worstMs: worst, frames: n };
}

export function useFrameProbe(): void {
  const gl = useThree((s) => s.gl);
  useFrame(() => {
    frameStart = performance.now();
    if (lastStart >= 0) {
      ring[ringAt] = frameStart - lastStart;
      ringAt = (ringAt + 1) % ring.length;
      if (ringFilled < ring.length) ringFilled++;
    }
    lastStart = frameStart;
  }, -1_000_000);
  useEffect(() => {
    const render = gl.render;
    gl.render = function (this: typeof gl, ...args: Parameters<typeof render>) {
      if (frameStart >= 0) {
        frameJs.ms += performance.now() - frameStart;
        frameJs.frames++;
        frameStart = -1;
      }
      return render.apply(this, args);
    };
    return () => {
      gl.render = render;
    };
  }, [gl]);
}
