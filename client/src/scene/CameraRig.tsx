/**
 * Orbit controls plus camera presets from the scene and flights asked for by tours and follow-me rooms. Every
 * move eases the camera and its target there (in useFrame, no React renders on the way; never a jump); a long
 * flight rises over the plant on the way. Touching the controls cancels the transition. On a screen narrower
 * than the views are authored for, every view is shown from further back (aspect-fit.ts), and a resize (a
 * phone turned) moves the camera along its line of sight to keep the picture's width.
 */
import { useEffect, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { OrbitControls } from '@react-three/drei';
import { PerspectiveCamera, Vector3, type Fog } from 'three';
import type { OrbitControls as OrbitControlsImpl } from 'three-stdlib';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { useTwin } from '../store/store.ts';
import { useCommitProbe } from './commit-probe.ts';
import { FOG_FAR, FOG_NEAR, MAX_DISTANCE, pullBackOf, scaleFromTarget, VIEW_FAR } from './aspect-fit.ts';
import { flightProgress, GLIDE_MAX_S } from './flight.ts';

const DURATION = 1.4;

type Tween = { fromPos: Vector3; fromTarget: Vector3; toPos: Vector3; toTarget: Vector3; t: number; active: boolean; duration: number; lift: number; glide: boolean };

/** `adaptive`: moving the camera lowers the resolution for a moment (AdaptiveDpr in HallLook). */
export function CameraRig({ scene, adaptive = false }: { scene: ResolvedScene; adaptive?: boolean }) {
  useCommitProbe();
  const controls = useRef<OrbitControlsImpl>(null);
  const camera = useThree((s) => s.camera);
  const fog = useThree((s) => s.scene.fog) as Fog | null;
  const size = useThree((s) => s.size);
  const tween = useRef<Tween>({ fromPos: new Vector3(), fromTarget: new Vector3(), toPos: new Vector3(), toTarget: new Vector3(), t: 1, active: false, duration: DURATION, lift: 0, glide: false });
  /** The pull-back the camera and the look are at now (1 until the first fit below). */
  const fit = useRef(1);

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
    scaleFromTarget(camera.position, c.target, fit.current);
    c.update();
  }, [scene, camera]);

  // The screen's shape: on a narrower one everything is seen from further back (the view in place and in flight).
  useEffect(() => {
    const k = pullBackOf(size);
    const c = controls.current;
    const by = k / fit.current;
    fit.current = k;
    if (fog) {
      fog.near = FOG_NEAR * k;
      fog.far = FOG_FAR * k;
    }
    if (camera instanceof PerspectiveCamera) {
      camera.far = VIEW_FAR * k;
      camera.updateProjectionMatrix();
    }
    if (!c) return;
    c.maxDistance = MAX_DISTANCE * k;
    if (by === 1) return;
    const tw = tween.current;
    if (tw.active) {
      scaleFromTarget(tw.fromPos, tw.fromTarget, by);
      scaleFromTarget(tw.toPos, tw.toTarget, by);
    }
    scaleFromTarget(camera.position, c.target, by);
    c.update();
  }, [size, camera, fog]);

  useEffect(() => {
    const fly = (position: readonly [number, number, number], target: readonly [number, number, number], duration: number) => {
      const c = controls.current;
      if (!c) return;
      // Spend the momentum a drag left in the damped controls first: it would otherwise keep turning the camera
      // during and after the flight, and a followed view would land beside the presenter's.
      c.enableDamping = false;
      c.update();
      c.enableDamping = true;
      const tw = tween.current;
      tw.fromPos.copy(camera.position);
      tw.fromTarget.copy(c.target);
      tw.toTarget.set(...target);
      scaleFromTarget(tw.toPos.set(...position), tw.toTarget, fit.current);
      tw.duration = Math.max(0.05, duration);
      // Across the plant, rise on the way so the flight shows where it goes instead of skimming through machines.
      const travel = tw.fromTarget.distanceTo(tw.toTarget);
      tw.glide = duration < GLIDE_MAX_S;
      tw.lift = tw.glide ? 0 : Math.min(60, travel * 0.25);
      tw.t = 0;
      tw.active = true;
    };
    return useTwin.subscribe((s, prev) => {
      if (s.cameraRequest !== prev.cameraRequest && s.cameraPreset !== null) {
        const preset = scene.cameras.find((c) => c.id === s.cameraPreset);
        if (preset) fly(preset.position, preset.target, DURATION);
      }
      const f = s.cameraFlight;
      if (f && f !== prev.cameraFlight) fly(f.position, f.target, f.duration);
    });
  }, [scene, camera]);

  useFrame((_, dt) => {
    const tw = tween.current;
    const c = controls.current;
    if (!tw.active || !c) return;
    // Wall-clock based: on a slow renderer the move still ends on time, in fewer steps.
    tw.t = Math.min(1, tw.t + dt / tw.duration);
    const k = flightProgress(tw.t, tw.glide);
    camera.position.lerpVectors(tw.fromPos, tw.toPos, k);
    if (tw.lift > 0) camera.position.y += tw.lift * Math.sin(Math.PI * k);
    c.target.lerpVectors(tw.fromTarget, tw.toTarget, k);
    c.update();
    if (tw.t >= 1) tw.active = false;
  });

  return (
    <OrbitControls
      ref={controls}
      makeDefault
      enableDamping
      regress={adaptive}
      dampingFactor={0.12}
      maxPolarAngle={Math.PI * 0.47}
      minDistance={6}
      maxDistance={MAX_DISTANCE * fit.current}
      screenSpacePanning={false}
      onStart={() => {
        tween.current.active = false;
        useTwin.getState().leavePreset();
        useTwin.getState().touchCamera();
      }}
    />
  );
}
