/**
 * The hall floor: concrete, a tinted zone per area with a painted border and its name painted on the floor
 * (canvas textures: no font download).
 */
import { useEffect, useMemo } from 'react';
import { CanvasTexture, Color, DoubleSide, Mesh, PlaneGeometry, SRGBColorSpace, type Material, type Object3D } from 'three';
import { cheapMaterials, floorMaterial, litMaterial } from './materials.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { AreaKind } from '../../../protocol/scene-schema.ts';
import { useCommitProbe } from './commit-probe.ts';
import { makeInstanced, scratchObject } from './instancing.ts';
import { ShapeBuilder } from './shapes.ts';

export const GROUND_COLOR = '#b9b6b0';

export const areaTint: Record<AreaKind, string> = {
  press: '#c4ccd6',
  body: '#d3cbbb',
  paint: '#c5d4c8',
  assembly: '#d3c6cf',
  eol: '#cdd3c0',
};

const areaLine: Record<AreaKind, string> = {
  press: '#5d7390',
  body: '#8a7450',
  paint: '#4f7a5c',
  assembly: '#80607a',
  eol: '#6a7a45',
};

export function planBounds(scene: ResolvedScene) {
  let x0 = Infinity, x1 = -Infinity, z0 = Infinity, z1 = -Infinity;
  for (const a of scene.areas) {
    x0 = Math.min(x0, a.center[0] - a.size[0] / 2);
    x1 = Math.max(x1, a.center[0] + a.size[0] / 2);
    z0 = Math.min(z0, a.center[1] - a.size[1] / 2);
    z1 = Math.max(z1, a.center[1] + a.size[1] / 2);
  }
  for (const s of scene.stations) {
    x0 = Math.min(x0, s.position[0] - 10);
    x1 = Math.max(x1, s.position[0] + 10);
    z0 = Math.min(z0, s.position[2] - 10);
    z1 = Math.max(z1, s.position[2] + 10);
  }
  return { x0, x1, z0, z1, cx: (x0 + x1) / 2, cz: (z0 + z1) / 2, w: x1 - x0, d: z1 - z0 };
}

export function Floor({ scene }: { scene: ResolvedScene }) {
  useCommitProbe();
  const built = useMemo(() => buildFloor(scene), [scene]);
  useEffect(() => () => built.dispose(), [built]);
  return (
    <group name="floor">
      {built.objects.map((o) => (
        <primitive key={o.uuid} object={o} />
      ))}
    </group>
  );
}

function labelTexture(text: string, color: string): { texture: CanvasTexture; aspect: number } {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d')!;
  const size = 120;
  const font = `700 ${size}px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif`;
  ctx.font = font;
  const width = Math.ceil(ctx.measureText(text).width) + size;
  canvas.width = width;
  canvas.height = Math.round(size * 1.5);
  ctx.font = font;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  ctx.fillStyle = color;
  ctx.fillText(text, width / 2, canvas.height / 2);
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  texture.anisotropy = 4;
  return { texture, aspect: width / canvas.height };
}

function buildFloor(scene: ResolvedScene) {
  const b = planBounds(scene);
  const disposables: { dispose(): void }[] = [];
  const objects: Object3D[] = [];
  const keep = <T extends { dispose(): void }>(x: T) => (disposables.push(x), x);

  const margin = 40;
  // Without shadows the ground is one flat colour: the clear colour draws it for free (see App's background),
  // while a plane over the whole screen costs a full-screen pass on a software rasteriser.
  const ground = new Mesh(
    keep(new PlaneGeometry(b.w + margin * 2, b.d + margin * 2).rotateX(-Math.PI / 2)),
    keep(floorMaterial({ color: GROUND_COLOR, roughness: 0.92, metalness: 0 })),
  );
  ground.position.set(b.cx, 0, b.cz);
  ground.receiveShadow = true;
  ground.name = 'ground';
  if (!cheapMaterials()) objects.push(ground);
  else disposables.push(ground.geometry, ground.material as Material);

  // Zones: a tinted rectangle and a painted border per area, drawn as one instanced mesh each.
  const zoneGeo = keep(new ShapeBuilder().span(-0.5, 0, -0.5, 0.5, 0.02, 0.5, 1).build());
  const zoneMat = keep(floorMaterial({ roughness: 0.95, metalness: 0 }));
  const zones = makeInstanced(zoneGeo, zoneMat, scene.areas.length, { name: 'area-zones', receive: true });
  const borderMat = keep(floorMaterial({ roughness: 0.8, metalness: 0 }));
  const borders = makeInstanced(zoneGeo, borderMat, scene.areas.length * 4, { name: 'area-borders', receive: true });
  const c = new Color();
  scene.areas.forEach((a, i) => {
    const [x, z] = a.center;
    const [w, d] = a.size;
    scratchObject.rotation.set(0, 0, 0);
    scratchObject.position.set(x, 0, z);
    scratchObject.scale.set(w - 0.6, 1, d - 0.6);
    scratchObject.updateMatrix();
    zones.setMatrixAt(i, scratchObject.matrix);
    zones.setColorAt(i, c.set(areaTint[a.kind]));
    const t = 0.35;
    const edges: [number, number, number, number][] = [
      [x, z - d / 2 + t, w - 0.6, t],
      [x, z + d / 2 - t, w - 0.6, t],
      [x - w / 2 + t, z, t, d - 0.6],
      [x + w / 2 - t, z, t, d - 0.6],
    ];
    edges.forEach(([ex, ez, ew, ed], k) => {
      scratchObject.position.set(ex, 0.01, ez);
      scratchObject.scale.set(ew, 1, ed);
      scratchObject.updateMatrix();
      borders.setMatrixAt(i * 4 + k, scratchObject.matrix);
      borders.setColorAt(i * 4 + k, c.set(areaLine[a.kind]));
    });
  });
  scratchObject.scale.set(1, 1, 1);
  objects.push(zones, borders);

  // Area names painted on the floor along each zone's far edge, reading left to right from the default view.
  for (const a of scene.areas) {
    const { texture, aspect } = labelTexture(a.name.toUpperCase(), areaLine[a.kind]);
    keep(texture);
    // As large as the strip between the zone's edge and its first stations allows: read from the overview.
    const h = Math.min(7, Math.max(3, a.size[1] * 0.09));
    const w = Math.min(h * aspect, a.size[0] - 3);
    const label = new Mesh(
      keep(new PlaneGeometry(w, w / aspect).rotateX(-Math.PI / 2)),
      keep(floorMaterial({ map: texture, transparent: true, roughness: 0.9, depthWrite: false, side: DoubleSide, polygonOffset: true, polygonOffsetFactor: -2 })),
    );
    label.position.set(a.center[0], 0.04, a.center[1] - a.size[1] / 2 + 0.8 + w / aspect / 2);
    label.receiveShadow = true;
    label.name = `area-label-${a.id}`;
    label.renderOrder = 1;
    objects.push(label);
  }

  return {
    objects,
    dispose() {
      for (const d of disposables) d.dispose();
    },
  };
}
