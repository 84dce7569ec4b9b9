/**
 * The 3D view's renderer, for what reads it from outside the canvas (the `?stats` overlay, a DOM sibling):
 * set while the view is mounted, null otherwise. Read a few times a second, never per frame.
 */
import type { WebGLRenderer } from 'three';

export const viewRenderer: { gl: WebGLRenderer | null } = { gl: null };
