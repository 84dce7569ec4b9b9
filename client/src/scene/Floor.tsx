/**
 * The hall floor: concrete, a tinted zone per area with a painted border and its name painted on the floor
 * (canvas textures: no font download).
 */
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { nameOf } from '../i18n/i18n.ts';
import { CanvasTexture, Color, DoubleSide, Mesh, PlaneGeometry, SRGBColorSpace, type Material, type Object3D } from 'three';
import { cheapMaterials, floorMaterial } from './materials.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { AreaKind } from '../../../protocol/scene-schema.ts';
import { useCommitProbe } from './commit-probe.ts';
import { makeInstanced, scratchObject } from './instancing.ts';
import { ShapeBuilder } from './shapes.ts';
import { mergeGeometries } from 'three/addons/utils/BufferGeometryUtils.js';

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
  // The area names are painted in the language shown: a new language paints them again.
  const { i18n } = useTranslation();
  const built = useMemo(() => buildFloor(scene), [scene, i18n.language]);
  useEffect(() => () => built.dispose(), [built]);
  return (
    <group name="floor">
      {built.objects.map((o) => (
        <primitive key={o.uuid} object={o} />
      ))}
    </group>
  );
}

/** Largest atlas side: textures up to 4096 px are safe on every WebGL implementation, software ones included. */
const ATLAS_MAX = 4096;

type AtlasRect = { u0: number; v0: number; u1: number; v1: number; aspect: number };

/**
 * All area names on one canvas, packed in shelves, so the labels are one mesh and one draw call however
 * many areas the plant has (a plant ten times larger must not cost more draw calls). The font shrinks
 * when the names would not fit (only for plants of hundreds of areas).
 */
function labelAtlas(labels: { text: string; color: string }[]): { texture: CanvasTexture; rects: AtlasRect[] } {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const fontOf = (size: number) => `700 ${size}px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif`;
  let size = 120;
  let layout: { x: number; y: number; w: number }[] = [];
  let width = 0;
  let height = 0;
  for (;;) {
    ctx.font = fontOf(size);
    const rowH = Math.ceil(size * 1.5);
    layout = [];
    let x = 0;
    let y = 0;
    width = 0;
    for (const l of labels) {
      const w = Math.min(ATLAS_MAX, Math.ceil(ctx.measureText(l.text).width) + size);
      if (x + w > ATLAS_MAX) {
        x = 0;
        y += rowH;
      }
      layout.push({ x, y, w });
      x += w;
      width = Math.max(width, x);
    }
    height = y + rowH;
    if (height <= ATLAS_MAX || size <= 8) break;
    size = Math.max(8, Math.floor(size * Math.sqrt(ATLAS_MAX / height) * 0.95));
  }
  canvas.width = Math.max(1, width);
  canvas.height = Math.min(ATLAS_MAX, height);
  const rowH = Math.ceil(size * 1.5);
  ctx.font = fontOf(size);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  const rects = labels.map((l, i) => {
    const { x, y, w } = layout[i];
    ctx.fillStyle = l.color;
    ctx.fillText(l.text, x + w / 2, y + rowH / 2, w);
    // Canvas rows run down, texture v runs up (flipY).
    return { u0: x / canvas.width, u1: (x + w) / canvas.width, v0: 1 - (y + rowH) / canvas.height, v1: 1 - y / canvas.height, aspect: w / rowH };
  });
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  texture.anisotropy = 4;
  return { texture, rects };
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
  if (scene.areas.length > 0) {
    const { texture, rects } = labelAtlas(scene.areas.map((a) => ({ text: nameOf(a).toUpperCase(), color: areaLine[a.kind] })));
    keep(texture);
    const quads = scene.areas.map((a, i) => {
      const r = rects[i];
      // As large as the strip between the zone's edge and its first stations allows: read from the overview.
      const h = Math.min(7, Math.max(3, a.size[1] * 0.09));
      const w = Math.min(h * r.aspect, a.size[0] - 3);
      const quad = new PlaneGeometry(w, w / r.aspect).rotateX(-Math.PI / 2);
      const uv = quad.getAttribute('uv');
      for (let k = 0; k < uv.count; k++) uv.setXY(k, r.u0 + uv.getX(k) * (r.u1 - r.u0), r.v0 + uv.getY(k) * (r.v1 - r.v0));
      return quad.translate(a.center[0], 0.04, a.center[1] - a.size[1] / 2 + 0.8 + w / r.aspect / 2);
    });
    const merged = mergeGeometries(quads, false);
    for (const q of quads) q.dispose();
    if (merged) {
      const labels = new Mesh(
        keep(merged),
        // One pass: a double-sided see-through material would otherwise be drawn twice (back, then front).
        keep(floorMaterial({ map: texture, transparent: true, roughness: 0.9, depthWrite: false, side: DoubleSide, polygonOffset: true, polygonOffsetFactor: -2, forceSinglePass: true })),
      );
      labels.receiveShadow = true;
      labels.name = 'area-labels';
      labels.renderOrder = 1;
      objects.push(labels);
    }
  }

  return {
    objects,
    dispose() {
      for (const d of disposables) d.dispose();
    },
  };
}
