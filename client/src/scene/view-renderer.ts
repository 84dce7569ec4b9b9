/**
 * The 3D view's renderer, for what reads it from outside the canvas (the `?stats` overlay, a DOM sibling):
 * set while the view is mounted, null otherwise. Read a few times a second, never per frame.
 */
import type { WebGLRenderer } from 'three';

export const viewRenderer: { gl: WebGLRenderer | null } = { gl: null };

export type RenderInfo = { calls: number; triangles: number; frames: number; geometries: number; textures: number; programs: number };

/** The renderer's figures for the last frame drawn, and the GPU resources it holds (shader programs included). */
export function renderInfoOf(gl: WebGLRenderer): RenderInfo {
  const { render, memory, programs } = gl.info;
  return { calls: render.calls, triangles: render.triangles, frames: render.frame, geometries: memory.geometries, textures: memory.textures, programs: programs?.length ?? 0 };
}
