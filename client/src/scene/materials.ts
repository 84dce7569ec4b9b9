/**
 * Lit materials by rendering quality: physically based on a GPU; Lambert on a software rasteriser, where
 * the per-pixel cost of PBR shading over a full-screen floor is what limits the frame rate.
 */
import { MeshBasicMaterial, MeshLambertMaterial, MeshStandardMaterial, type Material, type MeshStandardMaterialParameters } from 'three';

let cheap = false;

export function setCheapMaterials(value: boolean): void {
  cheap = value;
}

export function cheapMaterials(): boolean {
  return cheap;
}

export function litMaterial(params: MeshStandardMaterialParameters): Material {
  if (!cheap) return new MeshStandardMaterial(params);
  const { roughness: _r, metalness: _m, ...rest } = params;
  return new MeshLambertMaterial(rest);
}

/**
 * For flat, horizontal surfaces (the floor): with shadows they need lighting; without, lighting is the same
 * everywhere on them, so an unlit colour looks identical and costs far less per pixel.
 */
export function floorMaterial(params: MeshStandardMaterialParameters): Material {
  if (!cheap) return new MeshStandardMaterial(params);
  const { roughness: _r, metalness: _m, ...rest } = params;
  return new MeshBasicMaterial(rest);
}
