/**
 * Follow-me, inside the canvas: a presenter's screen shares its camera (at most a few times a second, and only
 * when it moved), its selection and its tour step with the room; a member that drags the camera starts looking
 * around on its own. Reads the camera in useFrame; renders nothing.
 */
import { useEffect, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { Vector3 } from 'three';
import type { RoomView } from '../../../protocol/events.ts';
import { room } from '../net/room.ts';
import { pullBackOf, toAuthored } from './aspect-fit.ts';
import { useTwin } from '../store/store.ts';

/** Camera shares per second at most: well inside the server's event rate limit. */
const CAMERA_HZ = 4;
/** Moves smaller than this (metres) are not worth a message. */
const EPS = 0.05;

const sentPos = new Vector3(Infinity, 0, 0);
const sentTarget = new Vector3();
const target = new Vector3();

export function ViewSync() {
  const camera = useThree((s) => s.camera);
  const get = useThree((s) => s.get);
  const controls = useThree((s) => s.controls) as unknown as { target?: Vector3 } | null;
  const last = useRef(0);

  const view = (): RoomView => {
    const s = useTwin.getState();
    const t = controls?.target ?? target.set(0, 0, 0);
    sentPos.copy(camera.position);
    sentTarget.copy(t);
    const r = (v: number) => Math.round(v * 100) / 100;
    // As authored: a member's screen fits it to its own shape (aspect-fit.ts).
    const [x, y, z] = toAuthored(camera.position, t, pullBackOf(get().size));
    return {
      type: 'view',
      camera: { position: [r(x), r(y), r(z)], target: [r(t.x), r(t.y), r(t.z)] },
      selection: s.selection,
      tour: s.tour ? { id: s.tour.id, step: s.tour.step } : null,
    };
  };

  // Selection, tour step and a newly opened room are shared at once.
  useEffect(
    () =>
      useTwin.subscribe((s, prev) => {
        if (s.room?.presenter && (s.selection !== prev.selection || s.tour?.step !== prev.tour?.step || s.tour?.id !== prev.tour?.id || s.room !== prev.room))
          room.share(view());
        if (s.cameraTouched !== prev.cameraTouched) room.lookAround();
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [camera, controls],
  );

  useFrame((state) => {
    if (!useTwin.getState().room?.presenter) return;
    const now = state.clock.elapsedTime;
    if (now - last.current < 1 / CAMERA_HZ) return;
    const t = controls?.target;
    if (!t || (camera.position.distanceTo(sentPos) < EPS && t.distanceTo(sentTarget) < EPS)) return;
    last.current = now;
    room.share(view());
  });
  return null;
}
