/**
 * Orbit controls plus camera presets from the scene. Picking a preset eases the camera and its target there
 * (in useFrame, no React renders on the way); touching the controls cancels the transition.
 */
import { useEffect, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { OrbitControls } from '@react-three/drei';
import { Vector3 } from 'three';
import type { OrbitControls as OrbitControlsImpl } from 'three-stdlib';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { useTwin } from '../store/store.ts';
import { useCommitProbe } from './commit-probe.ts';

const DURATION = 1.4;
const ease = (t: number) => (t < 0.5 ? 4 * t * t * t : 1 - Math.pow(-2 * t + 2, 3) / 2);

type Tween = { fromPos: Vector3; fromTarget: Vector3; toPos: Vector3; toTarget: Vector3; t: number; active: boolean };

export function CameraRig({ scene }: { scene: ResolvedScene }) {
  useCommitProbe();
  const controls = useRef<OrbitControlsImpl>(null);
  const camera = useThree((s) => s.camera);
  const tween = useRef<Tween>({ fromPos: new Vector3(), fromTarget: new Vector3(), toPos: new Vector3(), toTarget: new Vector3(), t: 1, active: false });

  // First preset at once, no transition.
  useEffect(() => {
    const first = scene.cameras[0];
    const c = controls.current;
    if (!c) return;
    if (first) {
      camera.position.set(...first.position);
      c.target.set(...first.target);
    } else {
      camera.position.set(0, 120, 140);
      c.target.set(0, 0, 0);
    }
    c.update();
  }, [scene, camera]);

  useEffect(
    () =>
      useTwin.subscribe((s, prev) => {
        if (s.cameraRequest === prev.cameraRequest || s.cameraPreset === null) return;
        const preset = scene.cameras.find((c) => c.id === s.cameraPreset);
        const c = controls.current;
        if (!preset || !c) return;
        const tw = tween.current;
        tw.fromPos.copy(camera.position);
        tw.fromTarget.copy(c.target);
        tw.toPos.set(...preset.position);
        tw.toTarget.set(...preset.target);
        tw.t = 0;
        tw.active = true;
      }),
    [scene, camera],
  );

  useFrame((_, dt) => {
    const tw = tween.current;
    const c = controls.current;
    if (!tw.active || !c) return;
    // Wall-clock based: on a slow renderer the move still ends on time, in fewer steps.
    tw.t = Math.min(1, tw.t + dt / DURATION);
    const k = ease(tw.t);
    camera.position.lerpVectors(tw.fromPos, tw.toPos, k);
    c.target.lerpVectors(tw.fromTarget, tw.toTarget, k);
    c.update();
    if (tw.t >= 1) tw.active = false;
  });

  return (
    <OrbitControls
      ref={controls}
      makeDefault
      enableDamping
      dampingFactor={0.12}
      maxPolarAngle={Math.PI * 0.47}
      minDistance={6}
      maxDistance={600}
      screenSpacePanning={false}
      onStart={() => {
        tween.current.active = false;
        useTwin.getState().leavePreset();
      }}
    />
  );
}
