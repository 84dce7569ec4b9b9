/**
 * Car bodies from the glTF models, each on its skid: one pool per body style, paint state (painted, body in
 * white) and level of detail, the paint colour per instance; one pool of skids per level; panel stacks in
 * the press shop as before. Pools are refilled from the front each frame something moved, so free body
 * slots cost nothing.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Color, Matrix4, Quaternion, Vector3 } from 'three';
import { LocationKind } from '../../../protocol/codec.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { bodyModelCode, bodyModels, qualityCode } from '../../../protocol/state.ts';
import type { SceneLayout } from '../live/layout.ts';
import type { LiveState } from '../live/live-state.ts';
import { placeBodies } from '../live/motion.ts';
import { UNPAINTED_COLOR } from '../palette.ts';
import { useCommitProbe } from '../scene/commit-probe.ts';
import { fade, scratchColor } from '../scene/instancing.ts';
import { cheapMaterials } from '../scene/materials.ts';
import type { Kit } from './kit.ts';
import type { BodyKit, Library } from './library.ts';
import { lodLimits, NearSet } from './lod.ts';
import { InstancePool } from './pool.ts';

/** Stale bodies lean to a slate no paint colour uses. */
const STALE_BODY = new Color(0x4f5b78);

type Props = { scene: ResolvedScene; layout: SceneLayout; live: LiveState; lib: Library };

const UNPAINTED = new Color(UNPAINTED_COLOR);
const PANELS = new Color(0xb7bec6);
const WHITE = new Color(1, 1, 1);
const UP = new Vector3(0, 1, 0);
const m = new Matrix4();
const q = new Quaternion();
const p = new Vector3();
const one = new Vector3(1, 1, 1);

export function ModelBodies({ scene, layout, live, lib }: Props) {
  useCommitProbe();
  const built = useMemo(() => buildBodies(scene, live, lib), [scene, live, lib]);
  useEffect(() => () => built.dispose(), [built]);
  const seen = useRef({ bodies: -1, meta: -1, x: NaN, y: NaN, z: NaN });

  useFrame(({ camera }, dt) => {
    const moved = placeBodies(live, layout, dt);
    const s = seen.current;
    const cam = camera.position;
    const camMoved = (cam.x - s.x) ** 2 + (cam.y - s.y) ** 2 + (cam.z - s.z) ** 2 > 0.25 || Number.isNaN(s.x);
    const changed = live.bodyVersion !== s.bodies || live.metaVersion !== s.meta;
    if (!moved && !changed && !camMoved) return;
    s.bodies = live.bodyVersion;
    s.meta = live.metaVersion;
    s.x = cam.x;
    s.y = cam.y;
    s.z = cam.z;
    built.ensureCapacity(live.bodyCapacity);
    const { near, styles, skid, panels, limits } = built;

    // Which bodies are drawn, and where: a body on a conveyor or in a station; panels in the press shop.
    const used = live.bodySlotsUsed;
    const style = built.style;
    for (let b = 0; b < used; b++) {
      style[b] = -1;
      near.d2[b] = Infinity;
      if (live.bodyAlive[b] !== 1) continue;
      const kind = live.bodyLocKind[b];
      const li = live.bodyLocIndex[b];
      let press: boolean;
      if (kind === LocationKind.station && li < live.stationCount) press = layout.stationPress[li] === 1;
      else if (kind === LocationKind.conveyor && li < layout.conveyors.length) press = layout.conveyorPress[li] === 1;
      else continue;
      style[b] = press ? PANEL_STYLE : live.bodyModel[b] === bodyModelCode.suv ? 1 : 0;
      if (!press) near.d2[b] = (live.bodyShownPos[b * 3] - cam.x) ** 2 + (live.bodyShownPos[b * 3 + 1] - cam.y) ** 2 + (live.bodyShownPos[b * 3 + 2] - cam.z) ** 2;
    }
    near.select(used, limits.radius, limits.cap);

    for (const pool of built.all) pool.reset();
    for (let b = 0; b < used; b++) {
      const st = style[b];
      if (st < 0) continue;
      const good = live.bodyQuality[b] === qualityCode.good;
      p.set(live.bodyShownPos[b * 3], live.bodyShownPos[b * 3 + 1], live.bodyShownPos[b * 3 + 2]);
      q.setFromAxisAngle(UP, live.bodyShownYaw[b]);
      if (st === PANEL_STYLE) {
        m.compose(p, q, one);
        scratchColor.copy(PANELS);
        if (!good) fade(scratchColor, 0.6);
        panels.setColor(panels.add(b, m), scratchColor);
        continue;
      }
      const painted = live.bodyPainted[b] === 1;
      const kits = styles[st][painted ? 0 : 1];
      const detailed = near.near[b] === 1;
      // The skid rides the path (rollers' top); the body sits on the skid's supports by its sills.
      m.compose(p, q, one);
      const sk = detailed ? skid[0] : skid[1];
      scratchColor.copy(WHITE);
      if (!good) scratchColor.setRGB(0.62, 0.64, 0.68);
      sk.setColor(sk.add(b, m), scratchColor);
      p.y += lib.skid.bodyHeight - kits.rockerHeight;
      m.compose(p, q, one);
      const pool = detailed || !kits.far ? kits.near : kits.far;
      if (painted) scratchColor.setRGB(live.bodyColor[b * 3], live.bodyColor[b * 3 + 1], live.bodyColor[b * 3 + 2], 'srgb');
      else scratchColor.copy(kits.bare);
      // Stale paint must not pass for a silver or grey car: nearly all the way to a slate no paint uses.
      if (!good) scratchColor.lerp(STALE_BODY, 0.85);
      pool.setColor(pool.add(b, m), scratchColor);
    }
    for (const pool of built.all) pool.finish(true);
  });

  return (
    <group name="model-bodies">
      {built.all.map((pool) => (
        <primitive key={pool.group.uuid} object={pool.group} />
      ))}
    </group>
  );
}

const PANEL_STYLE = 2;

type StylePools = { near: InstancePool; far: InstancePool | null; rockerHeight: number; bare: Color };

function buildBodies(scene: ResolvedScene, live: LiveState, lib: Library) {
  const limits = lodLimits(cheapMaterials()).bodies;
  const shadows = !cheapMaterials();
  // Enough for a full line before the first growth (as the procedural bodies).
  const full = scene.conveyors.reduce((n, c) => n + c.capacity, 0) + scene.stations.length;
  let capacity = Math.max(full, live.bodyCapacity, 32);
  const pick = (b: number) => {
    const id = live.bodyIds[b];
    return id ? { kind: 'body' as const, id } : null;
  };
  const all: InstancePool[] = [];
  // One pool per kit: a body style of the scene's own is one kit for painted and body in white.
  const byKit = new Map<Kit, InstancePool>();
  const pool = (kit: Kit, name: string, detailed: boolean) => {
    let p = byKit.get(kit);
    if (!p) {
      p = new InstancePool(kit, detailed ? Math.min(capacity, limits.cap) : capacity, { name, dynamic: true, shadows, pick });
      // Detailed pools never hold more than the cap; the others grow with the line.
      p.group.userData.detailed = detailed;
      byKit.set(kit, p);
      all.push(p);
    }
    return p;
  };
  const stylePools = (kit: BodyKit, name: string, bare: Color): StylePools => ({
    near: pool(kit.near, name, kit.far !== null),
    far: kit.far ? pool(kit.far, `${name}-far`, false) : null,
    rockerHeight: kit.rockerHeight,
    bare,
  });
  const styles = bodyModels.map((model) => {
    const { painted, biw } = lib.bodies[model];
    // A body-in-white file is bare steel already (its own paint colour); a style of the scene's own is
    // one model for both, its paint turned the unpainted grey.
    const bare = biw !== painted && biw.near.paint ? biw.near.paint : UNPAINTED;
    return [stylePools(painted, `body-${model}`, bare), stylePools(biw, `body-${model}-biw`, bare)] as const;
  });
  const skid = [pool(lib.skid.near, 'skid', true), pool(lib.skid.far, 'skid-far', false)] as const;
  const panels = pool(lib.panels, 'body-panels', false);
  const near = new NearSet();
  near.ensure(capacity);
  let style = new Int8Array(capacity);

  return {
    all,
    styles,
    skid,
    panels,
    near,
    limits,
    get style() {
      return style;
    },
    ensureCapacity(slots: number) {
      if (slots <= capacity) return;
      // Rare (the line grew past anything seen): bigger buffers, outside React.
      capacity = Math.ceil(slots * 1.25);
      for (const p of all) if (!p.group.userData.detailed) p.ensure(capacity);
      near.ensure(capacity);
      style = new Int8Array(capacity);
    },
    dispose() {
      for (const p of all) p.dispose();
    },
  };
}
