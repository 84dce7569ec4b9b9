/**
 * The hall's look on capable GPUs: image-based lighting made in code (three's RoomEnvironment, a lit box
 * prefiltered once with PMREM; nothing downloaded) so metal and paint get reflections, and adaptive quality:
 * the pixel ratio follows the measured frame rate (drei PerformanceMonitor) and drops while the camera moves
 * (AdaptiveDpr, with the controls' `regress`). A software rasteriser never mounts this (see quality.ts).
 */
import { useEffect } from 'react';
import { useThree } from '@react-three/fiber';
import { AdaptiveDpr, PerformanceMonitor } from '@react-three/drei';
import { PMREMGenerator } from 'three';
import { RoomEnvironment } from 'three/examples/jsm/environments/RoomEnvironment.js';

/** Reflections only: the hemisphere and sun lights keep doing the lighting. */
const ENV_INTENSITY = 0.35;

export function HallLook() {
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  const setDpr = useThree((s) => s.setDpr);

  useEffect(() => {
    const pmrem = new PMREMGenerator(gl);
    const room = new RoomEnvironment();
    const env = pmrem.fromScene(room, 0.04).texture;
    room.dispose();
    scene.environment = env;
    scene.environmentIntensity = ENV_INTENSITY;
    return () => {
      if (scene.environment === env) scene.environment = null;
      env.dispose();
      pmrem.dispose();
    };
  }, [gl, scene]);

  return (
    <>
      {/* factor 0…1 → pixel ratio 1…2, capped by the screen's own ratio; a GPU that keeps flip-flopping settles at 1. */}
      <PerformanceMonitor
        flipflops={3}
        onChange={({ factor }) => setDpr(Math.min(window.devicePixelRatio || 1, Math.round((1 + factor) * 4) / 4))}
        onFallback={() => setDpr(1)}
      />
      <AdaptiveDpr pixelated />
    </>
  );
}
