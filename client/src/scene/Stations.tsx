/**
 * Stations: one instanced mesh of equipment per station kind, one of floor slabs and one of stack-light
 * lamps coloured by state (plus their poles). Colours are rewritten only when a station record arrived
 * or the heatmap changed. In a heatmap mode the slabs (and the equipment, tinted) show the KPI colour
 * while the stack lights keep showing the state: same meshes, same draw calls, only instance colours.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Color, MeshBasicMaterial, SRGBColorSpace, type InstancedMesh } from 'three';
import { litMaterial } from './materials.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { StationKind } from '../../../protocol/scene-schema.ts';
import { qualityCode, stationStates } from '../../../protocol/state.ts';
import type { LiveState } from '../live/live-state.ts';
import type { SceneLayout } from '../live/layout.ts';
import { stationStateColor } from '../palette.ts';
import { fade, makeInstanced, scratchColor, scratchObject, setPick } from './instancing.ts';
import { beaconLampShape, beaconPoleShape, slabShape, stationShape } from './shapes.ts';
import { useCommitProbe } from './commit-probe.ts';
import { analyticsFeed } from '../store/analytics-feed.ts';
import { provideToTestHook } from '../test-hook.ts';

type Props = {
  scene: ResolvedScene;
  layout: SceneLayout;
  live: LiveState;
  /** 1 where the station's procedural equipment is drawn (default: every station); 0 where a 3D model stands. */
  equipmentMask?: Uint8Array;
};

// Parsed once, indexed by state code: per-update code must not parse colour strings (it allocates).
const stateColors = stationStates.map((s) => new Color(stationStateColor[s]));
const UNKNOWN = new Color('#999999');
const LAMP_UNKNOWN = new Color(0x4b5058);
const heatColor = new Color();
const readBack = new Color();
/** How strongly equipment is tinted by the heat colour (the slab carries it fully). */
export const EQUIPMENT_TINT = 0.55;

/** The heat colour of station i in the feed's mode (sRGB in the feed, linear here), into `out`. */
export function heatColorOf(i: number, out: Color): Color {
  const h = analyticsFeed.heat;
  return out.setRGB(h[i * 3], h[i * 3 + 1], h[i * 3 + 2], SRGBColorSpace);
}

export function Stations({ scene, layout, live, equipmentMask }: Props) {
  useCommitProbe();
  const built = useMemo(() => buildStations(scene, layout, equipmentMask), [scene, layout, equipmentMask]);
  useEffect(() => () => built.dispose(), [built]);

  // The colour each slab was given, as the GPU gets it: the test hook reads the instance buffer itself.
  useEffect(
    () =>
      provideToTestHook({
        stationColor: (id) => {
          const i = layout.index.station.get(id);
          if (i === undefined) return null;
          built.slabs.getColorAt(i, readBack);
          return `#${readBack.getHexString()}`;
        },
      }),
    [built, layout],
  );

  const seen = useRef({ station: -1, heat: -1 });
  useFrame(() => {
    const s = seen.current;
    if (live.stationVersion === s.station && analyticsFeed.heatVersion === s.heat) return;
    s.station = live.stationVersion;
    s.heat = analyticsFeed.heatVersion;
    const heat = analyticsFeed.mode !== 'state' && analyticsFeed.heat.length === live.stationCount * 3;
    const { slabs, lamps } = built;
    for (let i = 0; i < live.stationCount; i++) {
      const good = live.stationQuality[i] === qualityCode.good;
      const color = stateColors[live.stationState[i]] ?? UNKNOWN;
      const slab = heat ? heatColorOf(i, heatColor) : color;
      slabs.setColorAt(i, good ? slab : fade(scratchColor.copy(slab)));
      lamps.setColorAt(i, good ? color : LAMP_UNKNOWN);
    }
    slabs.instanceColor!.needsUpdate = true;
    lamps.instanceColor!.needsUpdate = true;
    // Equipment of a station whose data is not good is dimmed too, so the whole station reads as "unknown".
    for (const { mesh, stations } of built.equipment) {
      for (let j = 0; j < stations.length; j++) {
        const si = stations[j];
        if (live.stationQuality[si] !== qualityCode.good) scratchColor.setRGB(0.62, 0.64, 0.68);
        else if (heat) scratchColor.setRGB(1, 1, 1).lerp(heatColorOf(si, heatColor), EQUIPMENT_TINT);
        else scratchColor.setRGB(1, 1, 1);
        mesh.setColorAt(j, scratchColor);
      }
      mesh.instanceColor!.needsUpdate = true;
    }
  });

  return (
    <group name="stations">
      {built.all.map((m) => (
        <primitive key={m.name} object={m} />
      ))}
    </group>
  );
}

function buildStations(scene: ResolvedScene, layout: SceneLayout, equipmentMask?: Uint8Array) {
  const n = scene.stations.length;
  const stationPick = (si: number) => ({ kind: 'station' as const, id: scene.stations[si].id });
  const place = (i: number, sx: number, sz: number, y = 0) => {
    scratchObject.position.set(layout.stationPos[i * 3], layout.stationPos[i * 3 + 1] + y, layout.stationPos[i * 3 + 2]);
    scratchObject.rotation.set(0, layout.stationYaw[i], 0);
    scratchObject.scale.set(sx, 1, sz);
    scratchObject.updateMatrix();
    return scratchObject.matrix;
  };

  // White vertex colours (tone 1): one shader program with the equipment's (see Robots.tsx).
  const slabMaterial = litMaterial({ vertexColors: true, roughness: 0.55, metalness: 0.0 });
  const slabs = makeInstanced(slabShape(), slabMaterial, n, { name: 'station-slabs', receive: true });
  for (let i = 0; i < n; i++) slabs.setMatrixAt(i, place(i, layout.stationSize[i * 2] + 0.4, layout.stationSize[i * 2 + 1] + 0.4));
  setPick(slabs, stationPick);

  const equipmentMaterial = litMaterial({ vertexColors: true, roughness: 0.62, metalness: 0.25 });
  const byKind = new Map<StationKind, number[]>();
  scene.stations.forEach((s, i) => {
    if (equipmentMask && equipmentMask[i] === 0) return;
    const list = byKind.get(s.kind) ?? [];
    list.push(i);
    byKind.set(s.kind, list);
  });
  const equipment: { mesh: InstancedMesh; stations: number[] }[] = [];
  for (const [kind, stations] of byKind) {
    const mesh = makeInstanced(stationShape(kind), equipmentMaterial, stations.length, { name: `station-${kind}`, shadows: true, receive: true });
    stations.forEach((si, j) => mesh.setMatrixAt(j, place(si, layout.stationSize[si * 2], layout.stationSize[si * 2 + 1], 0.12)));
    setPick(mesh, (j) => stationPick(stations[j]));
    equipment.push({ mesh, stations });
  }

  // Stack lights at the station's back-left corner (local -x, -z), where arms and bodies rarely pass.
  const lampMaterial = new MeshBasicMaterial({ toneMapped: false });
  const poleMaterial = litMaterial({ vertexColors: true, roughness: 0.5, metalness: 0.4 });
  const lamps = makeInstanced(beaconLampShape(), lampMaterial, n, { name: 'station-lamps' });
  const poles = makeInstanced(beaconPoleShape(), poleMaterial, n, { name: 'station-poles', shadows: true });
  for (let i = 0; i < n; i++) {
    const w = layout.stationSize[i * 2], d = layout.stationSize[i * 2 + 1];
    const yaw = layout.stationYaw[i];
    const lx = -w / 2 - 0.1, lz = -d / 2 - 0.1;
    const c = Math.cos(yaw), s = Math.sin(yaw);
    scratchObject.position.set(layout.stationPos[i * 3] + lx * c + lz * s, layout.stationPos[i * 3 + 1], layout.stationPos[i * 3 + 2] - lx * s + lz * c);
    scratchObject.rotation.set(0, 0, 0);
    scratchObject.scale.set(1, 1, 1);
    scratchObject.updateMatrix();
    lamps.setMatrixAt(i, scratchObject.matrix);
    poles.setMatrixAt(i, scratchObject.matrix);
  }
  setPick(lamps, stationPick);
  setPick(poles, stationPick);

  const all = [slabs, ...equipment.map((e) => e.mesh), poles, lamps];
  return {
    slabs,
    lamps,
    equipment,
    all,
    dispose() {
      for (const m of all) m.geometry.dispose();
      slabMaterial.dispose();
      equipmentMaterial.dispose();
      lampMaterial.dispose();
      poleMaterial.dispose();
    },
  };
}
