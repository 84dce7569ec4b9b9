/**
 * The momentary bottleneck, marked on the model: a pulsing ring on the floor around the station, a beam
 * of light above it and a label. Placed from the analytics feed (live: the bottleneck now; in playback:
 * at the cursor), moved in useFrame when the feed's bottleneck changed; hidden, never unmounted, while
 * there is none.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Html } from '@react-three/drei';
import { AdditiveBlending, CylinderGeometry, DoubleSide, Group, Mesh, MeshBasicMaterial, RingGeometry } from 'three';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { SceneLayout } from '../live/layout.ts';
import { BOTTLENECK_COLOR } from '../palette.ts';
import { analyticsFeed } from '../store/analytics-feed.ts';
import { provideToTestHook } from '../test-hook.ts';
import { useCommitProbe } from './commit-probe.ts';
import { stationHeight } from './locate.ts';
import { formatTime } from '../ui/format.ts';

const BEAM = 14;

export function BottleneckMarker({ scene, layout }: { scene: ResolvedScene; layout: SceneLayout }) {
  useCommitProbe();
  const label = useRef<HTMLDivElement>(null);
  const labelGroup = useRef<Group>(null);
  const built = useMemo(() => {
    const ringGeo = new RingGeometry(0.86, 1, 48);
    ringGeo.rotateX(-Math.PI / 2);
    const beamGeo = new CylinderGeometry(0.18, 0.45, BEAM, 16, 1, true);
    beamGeo.translate(0, BEAM / 2, 0);
    const ringMat = new MeshBasicMaterial({ color: BOTTLENECK_COLOR, transparent: true, opacity: 0.9, side: DoubleSide, depthWrite: false, toneMapped: false });
    const beamMat = new MeshBasicMaterial({ color: BOTTLENECK_COLOR, transparent: true, opacity: 0.35, blending: AdditiveBlending, side: DoubleSide, depthWrite: false, toneMapped: false });
    const group = new Group();
    group.name = 'bottleneck-marker';
    const ring = new Mesh(ringGeo, ringMat);
    ring.position.y = 0.08;
    ring.renderOrder = 5;
    const beam = new Mesh(beamGeo, beamMat);
    beam.renderOrder = 6;
    // The marker must never catch a click meant for the station it marks.
    ring.raycast = () => {};
    beam.raycast = () => {};
    group.add(ring, beam);
    group.visible = false;
    return { group, ring, beam, dispose: () => (ringGeo.dispose(), beamGeo.dispose(), ringMat.dispose(), beamMat.dispose()) };
  }, []);
  useEffect(() => () => built.dispose(), [built]);

  useEffect(
    () =>
      provideToTestHook({
        bottleneckMarker: () => ({
          visible: built.group.visible,
          station: built.group.visible ? (scene.stations[analyticsFeed.bottleneck]?.id ?? null) : null,
          x: built.group.position.x,
          z: built.group.position.z,
        }),
      }),
    [built, scene],
  );

  const seen = useRef(-1);
  useFrame((state) => {
    const g = built.group;
    const f = analyticsFeed;
    if (f.bottleneckVersion !== seen.current) {
      seen.current = f.bottleneckVersion;
      const i = f.bottleneck;
      g.visible = i >= 0;
      const el = label.current;
      if (el) el.style.visibility = g.visible ? 'visible' : 'hidden';
      if (i >= 0) {
        const x = layout.stationPos[i * 3], y = layout.stationPos[i * 3 + 1], z = layout.stationPos[i * 3 + 2];
        g.position.set(x, y, z);
        // Around the footprint's diagonal, with room to spare so the ring is seen past the equipment.
        const r = Math.hypot(layout.stationSize[i * 2], layout.stationSize[i * 2 + 1]) / 2 + 1.2;
        built.ring.scale.set(r, 1, r);
        built.beam.position.y = stationHeight[scene.stations[i].kind] ?? 3;
        labelGroup.current?.position.set(x, y + (stationHeight[scene.stations[i].kind] ?? 3) + 2.2, z);
        const s = scene.stations[i];
        const since = f.bottleneckInfo ? ` · active since ${formatTime(f.bottleneckInfo.sinceMs)}` : '';
        if (el) el.textContent = `Bottleneck: ${s.id} ${s.name}${since}`;
      }
    }
    if (!g.visible) return;
    // A slow pulse: unmistakable without flickering; from the clock, so it costs nothing to keep.
    const k = 0.5 + 0.5 * Math.sin(state.clock.elapsedTime * 3);
    const p = 1 + 0.08 * k;
    g.scale.set(p, 1, p);
    (built.ring.material as MeshBasicMaterial).opacity = 0.6 + 0.4 * k;
  });

  return (
    <>
      <primitive object={built.group} />
      <group ref={labelGroup}>
        <Html center zIndexRange={[19, 9]} style={{ pointerEvents: 'none' }}>
          <div ref={label} className="tag3d-bottleneck" data-testid="bottleneck-label" style={{ visibility: 'hidden' }} />
        </Html>
      </group>
    </>
  );
}
