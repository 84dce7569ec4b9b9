/**
 * A kit: what one instanced "thing" is drawn with (a robot link, a tool, a body style, a piece of
 * equipment): one or two geometries (opaque, see-through), each with its material. Every part is one
 * instanced mesh and one draw call, whatever the number of instances.
 */
import { DoubleSide, FrontSide, ShaderChunk, type BufferGeometry, type Color, type Material } from 'three';
import { litMaterial } from '../scene/materials.ts';
import type { Baked } from './bake.ts';

export type KitPart = { geometry: BufferGeometry; material: Material };

export type Kit = {
  parts: KitPart[];
  triangles: number;
  /** Some vertices take the instance colour as their colour (the rest keep their own). */
  tinted: boolean;
  /** The model's own paint colour (linear), null without a paint material. */
  paint: Color | null;
};

const INSTANCE_LINE = 'vColor.rgb *= instanceColor.rgb;';
// Only "paint" vertices (tint = 1) take the instance colour; the others keep their material colour.
const TINTED_COLOR_VERTEX = ShaderChunk.color_vertex.replace(INSTANCE_LINE, 'vColor.rgb *= mix( vec3( 1.0 ), instanceColor.rgb, tint );');
if (TINTED_COLOR_VERTEX === ShaderChunk.color_vertex) console.warn('linetwin: three.js color_vertex chunk changed; model paint colours will tint whole models');

function tintByAttribute(material: Material): void {
  material.onBeforeCompile = (shader) => {
    shader.vertexShader = shader.vertexShader
      .replace('#include <color_pars_vertex>', '#include <color_pars_vertex>\nattribute float tint;')
      .replace('#include <color_vertex>', TINTED_COLOR_VERTEX);
  };
  material.customProgramCacheKey = () => 'linetwin-tint';
}

export function kitFromBaked(baked: Baked): Kit {
  const parts = baked.parts.map((p): KitPart => {
    const material = litMaterial({
      vertexColors: true,
      roughness: p.roughness,
      metalness: p.metalness,
      transparent: p.transparent,
      opacity: p.opacity,
      depthWrite: !p.transparent,
      side: p.doubleSided ? DoubleSide : FrontSide,
    });
    if (p.tinted) tintByAttribute(material);
    return { geometry: p.geometry, material };
  });
  return { parts, triangles: baked.triangles, tinted: baked.parts.some((p) => p.tinted), paint: baked.paint };
}

/** A kit from one procedural shape (the far level of things without a low-detail model). */
export function kitFromShape(geometry: BufferGeometry, material: Material): Kit {
  const index = geometry.getIndex();
  return { parts: [{ geometry, material }], triangles: (index ? index.count : geometry.getAttribute('position').count) / 3, tinted: false, paint: null };
}

export function disposeKit(kit: Kit): void {
  for (const p of kit.parts) {
    p.geometry.dispose();
    p.material.dispose();
  }
}
