/**
 * Deep links (store/deep-link.ts): restores the view a pasted link describes (camera, selection, heatmap
 * mode, playback time), then keeps the URL's hash describing the view as it changes, with
 * history.replaceState at most a few times a second: camera moves come from the controls' change events,
 * the rest from the store and a one-second look at the playback cursor, never from the render loop.
 */
import { useEffect, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import type { OrbitControls as OrbitControlsImpl } from 'three-stdlib';
import { playback } from '../net/playback.ts';
import { decodeView, encodeView, type LinkedView } from '../store/deep-link.ts';
import { useTwin } from '../store/store.ts';
import { provideToTestHook } from '../test-hook.ts';
import { pullBackOf, scaleFromTarget, toAuthored } from './aspect-fit.ts';
import { useCommitProbe } from './commit-probe.ts';

/** Minimum time between two URL writes. */
export const WRITE_EVERY_MS = 400;
/** Give up restoring the time when the server has not put this viewer in playback by then. */
const SEEK_GIVE_UP_MS = 15_000;

export function DeepLink() {
  useCommitProbe();
  const camera = useThree((s) => s.camera);
  const get = useThree((s) => s.get);
  const controls = useThree((s) => s.controls) as unknown as OrbitControlsImpl | null;
  // A link holds the camera as authored (aspect-fit.ts): this screen's shape decides how far back it shows it.
  const fitOf = () => pullBackOf(get().size);
  // What the link asked for, read once when the page opened.
  const wanted = useRef<LinkedView | null>(null);
  const phase = useRef<{ camera: boolean; time: 'none' | 'waiting' | 'sent' | 'done'; sentAt: number }>({ camera: false, time: 'none', sentAt: 0 });

  if (wanted.current === null) {
    wanted.current = decodeView(window.location.hash);
    phase.current.camera = !wanted.current.camera;
    phase.current.time = wanted.current.time === undefined ? 'done' : 'waiting';
  }

  // Selection and heatmap: at once (the store is there before the first frame).
  useEffect(() => {
    const w = wanted.current!;
    if (w.heatmap) useTwin.getState().setHeatmap(w.heatmap);
    if (w.selection) useTwin.getState().select(w.selection);
  }, []);

  useEffect(
    () =>
      provideToTestHook({
        camera: () => {
          const t = controls?.target;
          return { position: [camera.position.x, camera.position.y, camera.position.z], target: t ? [t.x, t.y, t.z] : [0, 0, 0] };
        },
      }),
    [camera, controls],
  );

  // Restoring: the camera once the controls exist (after the camera rig placed its first preset), the time
  // once the server has said how this viewer's playback stands.
  useFrame(() => {
    const ph = phase.current;
    const w = wanted.current!;
    if (!ph.camera && controls && w.camera) {
      controls.target.set(...w.camera.target);
      scaleFromTarget(camera.position.set(...w.camera.position), controls.target, fitOf());
      controls.update();
      useTwin.getState().leavePreset();
      ph.camera = true;
    }
    if (ph.time === 'waiting' && playback.connected && playback.status && w.time !== undefined) {
      ph.time = 'sent';
      ph.sentAt = performance.now();
      void playback.seek(w.time).then((r) => {
        if (!r.ok) ph.time = 'done';
      });
    } else if (ph.time === 'sent' && (playback.status?.mode === 'playback' || performance.now() - ph.sentAt > SEEK_GIVE_UP_MS)) ph.time = 'done';
  });

  // Writing: throttled, and only once the link's own view is restored (else the default view overwrites it).
  useEffect(() => {
    let last = 0;
    let timer = 0;
    let lastHash = window.location.hash;
    const write = () => {
      timer = 0;
      const ph = phase.current;
      if (!ph.camera || ph.time !== 'done') {
        timer = window.setTimeout(write, WRITE_EVERY_MS);
        return;
      }
      last = performance.now();
      const s = useTwin.getState();
      const t = controls?.target;
      const inPlayback = s.playback?.mode === 'playback';
      const cursor = inPlayback ? playback.cursor() : null;
      const hash = encodeView({
        camera: t ? { position: toAuthored(camera.position, t, fitOf()), target: [t.x, t.y, t.z] } : undefined,
        selection: s.selection ?? undefined,
        heatmap: s.heatmap,
        time: cursor ?? undefined,
      });
      if (hash === lastHash) return;
      lastHash = hash;
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${hash}`);
    };
    const schedule = () => {
      if (timer) return;
      timer = window.setTimeout(write, Math.max(0, WRITE_EVERY_MS - (performance.now() - last)));
    };
    controls?.addEventListener('change', schedule);
    const unsub = useTwin.subscribe((s, prev) => {
      if (s.selection !== prev.selection || s.heatmap !== prev.heatmap || s.playback !== prev.playback || s.cameraPreset !== prev.cameraPreset) schedule();
    });
    // The playback cursor moves without a store change: look once a second.
    const tick = window.setInterval(() => {
      if (useTwin.getState().playback?.mode === 'playback') schedule();
    }, 1000);
    schedule();
    return () => {
      controls?.removeEventListener('change', schedule);
      unsub();
      window.clearInterval(tick);
      window.clearTimeout(timer);
    };
  }, [camera, controls]);

  return null;
}
