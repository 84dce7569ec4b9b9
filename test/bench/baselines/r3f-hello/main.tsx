/**
 * Bundle and first-frame baseline: a React Three Fiber + drei hello world (a lit, spinning box with
 * orbit controls), built with the app's own Vite config. `window.__hello.ready` turns true on the
 * second frame, as the app's test hook does, and `readyAt` keeps the page's clock then, so both
 * first-frame times end at the same point.
 */
import { useRef } from 'react';
import { createRoot } from 'react-dom/client';
import { Canvas, useFrame } from '@react-three/fiber';
import { OrbitControls } from '@react-three/drei';
import type { Mesh } from 'three';

type Hello = { ready: boolean; readyAt: number | null; frames: number };
const hello: Hello = { ready: false, readyAt: null, frames: 0 };
(window as unknown as { __hello: Hello }).__hello = hello;

function Box() {
  const mesh = useRef<Mesh>(null);
  useFrame((_, dt) => {
    if (mesh.current) mesh.current.rotation.y += dt;
    hello.frames++;
    if (hello.frames === 2) {
      hello.readyAt = performance.now();
      hello.ready = true;
    }
  });
  return (
    <mesh ref={mesh}>
      <boxGeometry />
      <meshStandardMaterial color="#e69f00" />
    </mesh>
  );
}

createRoot(document.getElementById('root')!).render(
  <Canvas camera={{ position: [3, 2, 3] }}>
    <ambientLight intensity={0.5} />
    <directionalLight position={[5, 5, 5]} />
    <Box />
    <OrbitControls />
  </Canvas>,
);
