/**
 * The momentary bottleneck, marked on the model: a pulsing ring on the floor around the station, a beam
 * of light above it and a label. Placed from the analytics feed (live: the bottleneck now; in playback:
 * at the cursor), moved in useFrame when the feed's bottleneck changed; hidden, never unmounted, while
 * there is none.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { AdditiveBlending, CylinderGeometry, DoubleSide, Group, Mesh, MeshBasicMaterial, RingGeometry, Vector3 } from 'three';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { SceneLayout } from '../live/layout.ts';
import { BOTTLENECK_COLOR } from '../palette.ts';
import { analyticsFeed } from '../store/analytics-feed.ts';
import { provideToTestHook } from '../test-hook.ts';
import { useCommitProbe } from './commit-probe.ts';
import { stationHeight } from './locate.ts';
import { formatTime } from '../ui/format.ts';
import { i18n } from '../i18n/i18n.ts';

const BEAM = 14;
const anchor = new Vector3();

export function BottleneckMarker({ scene, layout }: { scene: ResolvedScene; layout: SceneLayout }) {
  useCommitProbe();
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera);
  // The label is a plain element over the canvas, placed by projecting its anchor in useFrame: no React
  // root of its own, and its text changes only when the bottleneck does.
  const label = useMemo(() => {
    const el = document.createElement('div');
    el.className = 'tag3d-bottleneck';
    el.dataset.testid = 'bottleneck-label';
    el.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;visibility:hidden;z-index:9;';
    return el;
  }, []);
  useEffect(() => {
    const host = gl.domElement.parentElement;
    host?.appendChild(label);
    return () => label.remove();
  }, [gl, label]);
  const labelAt = useRef({ x: 0, y: 0, z: 0, px: NaN, py: NaN, halfWidth: 0 });
  const built = useMemo(() => {
    const ringGeo = new RingGeometry(0.86, 1, 48);
    ringGeo.rotateX(-Math.PI / 2);
    const beamGeo = new CylinderGeometry(0.18, 0.45, BEAM, 16, 1, true);
    beamGeo.translate(0, BEAM / 2, 0);
    // Single pass: three draws a transparent double-sided mesh twice (back faces, then front), which a flat
    // ring and a faint additive beam do not need. One draw call each, and only while shown.
    const ringMat = new MeshBasicMaterial({ color: BOTTLENECK_COLOR, transparent: true, opacity: 0.9, side: DoubleSide, forceSinglePass: true, depthWrite: false, toneMapped: false });
    const beamMat = new MeshBasicMaterial({ color: BOTTLENECK_COLOR, transparent: true, opacity: 0.35, blending: AdditiveBlending, side: DoubleSide, forceSinglePass: true, depthWrite: false, toneMapped: false });
    const group = new Group();
    group.name = 'bottleneck-marker';
    const ring = new Mesh(ringGeo, ringMat);
    ring.position.y = 0.08;
    ring.renderOrder = 5;
    const beam = new Mesh(beamGeo, beamMat);
    beam.renderOrder = 6;
    // Never culled: two cheap draws, and the count of draw calls then does not depend on where the
    // bottleneck is relative to the camera (the benchmark compares plants of different sizes by it).
    ring.frustumCulled = false;
    beam.frustumCulled = false;
    // The marker must never catch a click meant for the station it marks.
    ring.raycast = () => {};
    beam.raycast = () => {};
    group.add(ring, beam);
    // Always drawn (collapsed to nothing while there is no bottleneck): the draw-call count stays the same
    // whether or not a station is the bottleneck at the moment it is counted.
    group.scale.set(0, 0, 0);
    return { group, ring, beam, dispose: () => (ringGeo.dispose(), beamGeo.dispose(), ringMat.dispose(), beamMat.dispose()) };
  }, []);
  useEffect(() => () => built.dispose(), [built]);

  const shown = useRef(false);
  useEffect(
    () =>
      provideToTestHook({
        bottleneckMarker: () => ({
          visible: shown.current,
          station: shown.current ? (scene.stations[analyticsFeed.bottleneck]?.id ?? null) : null,
          x: built.group.position.x,
          z: built.group.position.z,
        }),
      }),
    [built, scene],
  );

  const seen = useRef(-1);
  // The label is rewritten in the new language on the next frame.
  useEffect(() => {
    const relabel = () => void (seen.current = -1);
    i18n.on('languageChanged', relabel);
    return () => i18n.off('languageChanged', relabel);
  }, []);
  useFrame((state) => {
    const g = built.group;
    const f = analyticsFeed;
    if (f.bottleneckVersion !== seen.current) {
      seen.current = f.bottleneckVersion;
      const i = f.bottleneck;
      shown.current = i >= 0;
      if (!shown.current) g.scale.set(0, 0, 0);
      const el = label;
      if (i >= 0) {
        const x = layout.stationPos[i * 3], y = layout.stationPos[i * 3 + 1], z = layout.stationPos[i * 3 + 2];
        g.position.set(x, y, z);
        // Around the footprint's diagonal, with room to spare so the ring is seen past the equipment.
        const r = Math.hypot(layout.stationSize[i * 2], layout.stationSize[i * 2 + 1]) / 2 + 1.2;
        built.ring.scale.set(r, 1, r);
        built.beam.position.y = stationHeight[scene.stations[i].kind] ?? 3;
        const at = labelAt.current;
        at.x = x;
        at.y = y + (stationHeight[scene.stations[i].kind] ?? 3) + 2.2;
        at.z = z;
        const s = scene.stations[i];
        const text = i18n.t('marker.label', { id: s.id, name: s.name });
        el.textContent = f.bottleneckInfo ? `${text} · ${i18n.t('marker.since', { time: formatTime(f.bottleneckInfo.sinceMs) })}` : text;
        // Measured once per new text (a layout when the bottleneck changes, not per frame).
        at.halfWidth = el.offsetWidth / 2;
        at.px = NaN;
      }
    }
    if (!shown.current) {
      if (label.style.visibility !== 'hidden') label.style.visibility = 'hidden';
      return;
    }
    const at = labelAt.current;
    anchor.set(at.x, at.y, at.z).project(camera);
    const onScreen = anchor.z > -1 && anchor.z < 1 && Math.abs(anchor.x) <= 1.1 && Math.abs(anchor.y) <= 1.1;
    const vis = onScreen ? 'visible' : 'hidden';
    if (label.style.visibility !== vis) label.style.visibility = vis;
    if (onScreen) {
      const w = gl.domElement.clientWidth, h = gl.domElement.clientHeight;
      // Kept whole on screen: a station near the edge pulls its label in rather than cutting it off.
      const edge = at.halfWidth + 8;
      const x = ((anchor.x + 1) / 2) * w;
      const px = Math.round(edge * 2 >= w ? w / 2 : Math.min(Math.max(x, edge), w - edge)), py = Math.round(((1 - anchor.y) / 2) * h);
      // Written only when it moved by a pixel: a still camera costs no style change.
      if (px !== at.px || py !== at.py) {
        at.px = px;
        at.py = py;
        label.style.transform = `translate(${px}px, ${py}px) translate(-50%, -100%)`;
      }
    }
    // A slow pulse: unmistakable without flickering; from the clock, so it costs nothing to keep.
    const k = 0.5 + 0.5 * Math.sin(state.clock.elapsedTime * 3);
    const p = 1 + 0.08 * k;
    g.scale.set(p, 1, p);
    (built.ring.material as MeshBasicMaterial).opacity = 0.6 + 0.4 * k;
  });

  return <primitive object={built.group} />;
}
