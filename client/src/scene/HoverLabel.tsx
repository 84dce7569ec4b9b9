/**
 * Labels that do not clutter: station and robot names are not painted over the plant; the one under the
 * mouse gets a small tag (area names lie on the floor, the selection has its own tag). One DOM element,
 * projected and moved in useFrame; the hovered entity is plain module state, so hovering renders nothing in
 * React. (A plain element rather than drei's Html: that one's inner root can come up empty when the canvas
 * content suspends while models load, which this tag, mounted from the start, would hit.)
 */
import { useEffect, useMemo } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { Vector3 } from 'three';
import { useTwin, type Selection } from '../store/store.ts';
import { entityBounds, type Bounds, type LocateContext } from './locate.ts';

let hovered: Selection = null;

/** Set by the plant's pointer handlers. */
export function setHovered(next: Selection): void {
  hovered = next;
}

const bounds: Bounds = { centre: new Vector3(), size: new Vector3(), yaw: 0 };
const p = new Vector3();

function labelOf(ctx: LocateContext, sel: NonNullable<Selection>): string {
  if (sel.kind === 'station') {
    const s = ctx.scene.stations.find((x) => x.id === sel.id);
    return s ? `${s.id} · ${s.name}` : sel.id;
  }
  return sel.id;
}

export function HoverLabel({ ctx }: { ctx: LocateContext }) {
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera);
  const state = useMemo(() => {
    const el = document.createElement('div');
    el.className = 'tag3d hover';
    el.dataset.testid = 'hover-label';
    el.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden;pointer-events:none;z-index:9;';
    return { el, key: '' };
  }, []);
  useEffect(() => {
    const parent = gl.domElement.parentElement;
    parent?.appendChild(state.el);
    return () => state.el.remove();
  }, [gl, state]);

  useFrame(() => {
    const { el } = state;
    const sel = useTwin.getState().selection;
    const h = hovered;
    // The selection's own tag already names it.
    const same = h && sel && h.kind === sel.kind && h.id === sel.id;
    let found = !!h && !same && entityBounds(ctx, h.kind, h.id, bounds);
    if (found) {
      p.set(bounds.centre.x, bounds.centre.y + bounds.size.y / 2 + 0.8, bounds.centre.z).project(camera);
      found = p.z > -1 && p.z < 1;
    }
    const key = found && h ? `${h.kind}:${h.id}` : '';
    if (key !== state.key) {
      state.key = key;
      el.textContent = found && h ? labelOf(ctx, h) : '';
      el.style.visibility = found ? 'visible' : 'hidden';
    }
    if (!found) return;
    const w = gl.domElement.clientWidth;
    const hgt = gl.domElement.clientHeight;
    el.style.transform = `translate(${Math.round(((p.x + 1) / 2) * w)}px, ${Math.round(((1 - p.y) / 2) * hgt)}px) translate(-50%, -100%)`;
  });
  return null;
}
