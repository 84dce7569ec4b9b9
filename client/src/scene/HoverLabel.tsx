/**
 * Labels that do not clutter: station and robot names are not painted over the plant; the one under the
 * mouse gets a small tag (area names lie on the floor, the selection has its own tag): a ScreenTag placed in
 * useFrame; the hovered entity is plain module state, so hovering renders nothing in React.
 */
import { useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { Vector3 } from 'three';
import { nameOf } from '../i18n/i18n.ts';
import { useTwin, type Selection } from '../store/store.ts';
import { entityBounds, type Bounds, type LocateContext } from './locate.ts';
import { useScreenTag } from './screen-tag.ts';

let hovered: Selection = null;

/** Set by the plant's pointer handlers. */
export function setHovered(next: Selection): void {
  hovered = next;
}

const bounds: Bounds = { centre: new Vector3(), size: new Vector3(), yaw: 0 };

function labelOf(ctx: LocateContext, sel: NonNullable<Selection>): string {
  if (sel.kind === 'station') {
    const s = ctx.scene.stations.find((x) => x.id === sel.id);
    return s ? `${s.id} · ${nameOf(s)}` : sel.id;
  }
  return sel.id;
}

export function HoverLabel({ ctx }: { ctx: LocateContext }) {
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera);
  const tag = useScreenTag('tag3d hover', 'hover-label');
  const shownKey = useRef('');

  useFrame(() => {
    const sel = useTwin.getState().selection;
    const h = hovered;
    // The selection's own tag already names it.
    const same = h && sel && h.kind === sel.kind && h.id === sel.id;
    if (!h || same || !entityBounds(ctx, h.kind, h.id, bounds)) {
      shownKey.current = '';
      tag.hide();
      return;
    }
    const key = `${h.kind}:${h.id}`;
    if (key !== shownKey.current) {
      shownKey.current = key;
      tag.setText(labelOf(ctx, h));
    }
    tag.place(bounds.centre.x, bounds.centre.y + bounds.size.y / 2 + 0.8, bounds.centre.z, camera, gl.domElement);
  });
  return null;
}
