/**
 * The momentary bottleneck, marked on the model: a pulsing ring on the floor around the station, a beam
 * of light above it and a label. Placed from the analytics feed (live: the bottleneck now; in playback:
 * at the cursor), moved in useFrame when the feed's bottleneck changed; hidden, never unmounted, while
 * there is none.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { AdditiveBlending, CylinderGeometry, DoubleSide, Group, Mesh, MeshBasicMaterial, RingGeometry } from 'three';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { SceneLayout } from '../live/layout.ts';
import { BOTTLENECK_COLOR } from '../palette.ts';
import { analyticsFeed } from '../store/analytics-feed.ts';
import { provideToTestHook } from '../test-hook.ts';
import { useCommitProbe } from './commit-probe.ts';
import { stationHeight } from './locate.ts';
import { useScreenTag } from './screen-tag.ts';
import { formatTime } from '../ui/format.ts';
import { i18n, nameOf } from '../i18n/i18n.ts';

const BEAM = 14;

export function BottleneckMarker({ scene, layout }: { scene: ResolvedScene; layout: SceneLayout }) {
  useCommitProbe();
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera);
  const label = useScreenTag('tag3d-bottleneck', 'bottleneck-label');
  const labelAt = useRef({ x: 0, y: 0, z: 0 });
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
        const text = i18n.t('marker.label', { id: s.id, name: nameOf(s) });
        label.setText(f.bottleneckInfo ? `${text} · ${i18n.t('marker.since', { time: formatTime(f.bottleneckInfo.sinceMs) })}` : text);
      }
    }
    if (!shown.current) {
      label.hide();
      return;
    }
    const at = labelAt.current;
    label.place(at.x, at.y, at.z, camera, gl.domElement, 1.1);
    // A slow pulse: unmistakable without flickering; from the clock, so it costs nothing to keep.
    const k = 0.5 + 0.5 * Math.sin(state.clock.elapsedTime * 3);
    const p = 1 + 0.08 * k;
    g.scale.set(p, 1, p);
    (built.ring.material as MeshBasicMaterial).opacity = 0.6 + 0.4 * k;
  });

  return <primitive object={built.group} />;
}
