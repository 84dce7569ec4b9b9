/**
 * The selection: a translucent box with bright edges around the selected entity, following it every frame,
 * and a small label above it. Reads the selection from the store without subscribing (no re-render per frame).
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Html } from '@react-three/drei';
import { BoxGeometry, EdgesGeometry, Group, LineBasicMaterial, LineSegments, Mesh, MeshBasicMaterial, Vector3 } from 'three';
import { useTranslation } from 'react-i18next';
import { nameOf } from '../i18n/i18n.ts';
import { useTwin } from '../store/store.ts';
import { useCommitProbe } from './commit-probe.ts';
import { entityBounds, type Bounds, type LocateContext } from './locate.ts';

const bounds: Bounds = { centre: new Vector3(), size: new Vector3(), yaw: 0 };

export function Highlight({ ctx }: { ctx: LocateContext }) {
  // The label's station name in the language shown (re-rendered when it changes).
  useTranslation();
  const stationName = (id: string) => {
    const s = ctx.scene.stations.find((x) => x.id === id);
    return s ? nameOf(s) : '';
  };
  useCommitProbe();
  const selection = useTwin((s) => s.selection);
  const labelGroup = useRef<Group>(null);
  const tag = useRef<HTMLDivElement>(null);
  const built = useMemo(() => {
    const geo = new BoxGeometry(1, 1, 1);
    const edgesGeo = new EdgesGeometry(geo);
    const fillMat = new MeshBasicMaterial({ color: '#2f81f7', transparent: true, opacity: 0.14, depthWrite: false, toneMapped: false });
    const lineMat = new LineBasicMaterial({ color: '#1f6feb', transparent: true, opacity: 0.95, depthTest: false, toneMapped: false });
    const group = new Group();
    group.name = 'selection-highlight';
    const fill = new Mesh(geo, fillMat);
    const lines = new LineSegments(edgesGeo, lineMat);
    lines.renderOrder = 10;
    group.add(fill, lines);
    group.visible = false;
    // The highlight must never catch the click meant for what it surrounds.
    fill.raycast = () => {};
    lines.raycast = () => {};
    return { group, dispose: () => (geo.dispose(), edgesGeo.dispose(), fillMat.dispose(), lineMat.dispose()) };
  }, []);
  useEffect(() => () => built.dispose(), [built]);

  useFrame((state) => {
    const sel = useTwin.getState().selection;
    const g = built.group;
    const found = sel !== null && entityBounds(ctx, sel.kind, sel.id, bounds);
    g.visible = found;
    // Html ignores the visibility of its parent: hide the label's element itself.
    const el = tag.current;
    if (el && (el.dataset.hidden === '1') === found) {
      el.dataset.hidden = found ? '0' : '1';
      el.style.visibility = found ? 'visible' : 'hidden';
    }
    if (!found) return;
    g.position.copy(bounds.centre);
    g.rotation.set(0, bounds.yaw, 0);
    const pulse = 1 + 0.03 * Math.sin(state.clock.elapsedTime * 4);
    g.scale.set(bounds.size.x * pulse, bounds.size.y * pulse, bounds.size.z * pulse);
    labelGroup.current?.position.set(bounds.centre.x, bounds.centre.y + bounds.size.y / 2 + 1, bounds.centre.z);
  });

  return (
    <>
      <primitive object={built.group} />
      <group ref={labelGroup}>
        {selection && (
          <Html center zIndexRange={[5, 1]} style={{ pointerEvents: 'none' }}>
            <div ref={tag} className="tag3d" data-hidden="0">
              {selection.kind === 'station' ? `${selection.id} · ${stationName(selection.id)}` : selection.id}
            </div>
          </Html>
        )}
      </group>
    </>
  );
}
