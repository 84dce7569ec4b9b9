/**
 * Stations: one instanced mesh of equipment per station kind, one of floor slabs and one of stack-light
 * lamps coloured by state (plus their poles). Colours are rewritten only when a station record arrived.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Color, MeshBasicMaterial, type InstancedMesh } from 'three';
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

export function Stations({ scene, layout, live, equipmentMask }: Props) {
  useCommitProbe();
  const built = useMemo(() => buildStations(scene, layout, equipmentMask), [scene, layout, equipmentMask]);
  useEffect(() => () => built.dispose(), [built]);

  const seen = useRef(-1);
  useFrame(() => {
    if (live.stationVersion === seen.current) return;
    seen.current = live.stationVersion;
    const { slabs, lamps } = built;
    for (let i = 0; i < live.stationCount; i++) {
      const good = live.stationQuality[i] === qualityCode.good;
      const color = stateColors[live.stationState[i]] ?? UNKNOWN;
      slabs.setColorAt(i, good ? color : fade(scratchColor.copy(color)));
      lamps.setColorAt(i, good ? color : LAMP_UNKNOWN);
    }
    slabs.instanceColor!.needsUpdate = true;
    lamps.instanceColor!.needsUpdate = true;
    // Equipment of a station whose data is not good is dimmed too, so the whole station reads as "unknown".
    for (const { mesh, stations } of built.equipment) {
      for (let j = 0; j < stations.length; j++) {
        if (live.stationQuality[stations[j]] === qualityCode.good) scratchColor.setRGB(1, 1, 1);
        else scratchColor.setRGB(0.62, 0.64, 0.68);
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

  const slabMaterial = litMaterial({ roughness: 0.55, metalness: 0.0 });
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
