/**
 * Measures the JavaScript each frame spends in useFrame callbacks (ours and drei's) before three.js starts
 * drawing, for the benchmark's "useFrame ≤ 0.1× frame time". The first callback of the frame (the lowest
 * priority) stamps the start; the renderer's render() call, wrapped here, stamps the end. Costs two
 * performance.now() calls a frame.
 */
import { useEffect } from 'react';
import { useFrame, useThree } from '@react-three/fiber';

export const frameJs = { frames: 0, ms: 0 };

let frameStart = -1;

export function useFrameProbe(): void {
  const gl = useThree((s) => s.gl);
  useFrame(() => {
    frameStart = performance.now();
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
