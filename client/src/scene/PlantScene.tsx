/**
 * Everything inside the <Canvas>: lights, the plant, picking, the camera rig, and the test hook's view of
 * the renderer. Rendered once per scene; live updates happen in the children's useFrame callbacks.
 */
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { Vector3, type DirectionalLight } from 'three';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { LiveState } from '../live/live-state.ts';
import type { SceneLayout } from '../live/layout.ts';
import { PlantObjects } from '../models/ModelPlant.tsx';
import { useModelStatus } from '../models/model-status.ts';
import { analyticsFeed } from '../store/analytics-feed.ts';
import { useTwin, type Selection } from '../store/store.ts';
import { provideToTestHook, setReady, setSettled } from '../test-hook.ts';
import { BottleneckMarker } from './BottleneckMarker.tsx';
import { BufferFill } from './BufferFill.tsx';
import { CameraRig } from './CameraRig.tsx';
import { DeepLink } from './DeepLink.tsx';
import { RouteRibbon } from './RouteRibbon.tsx';
import { useCommitProbe } from './commit-probe.ts';
import { useFrameProbe } from './frame-probe.ts';
import { renderInfoOf, viewRenderer } from './view-renderer.ts';
import { Floor, planBounds } from './Floor.tsx';
import { Highlight } from './Highlight.tsx';
import { TourHighlight } from './TourHighlight.tsx';
import { ViewSync } from './ViewSync.tsx';
import { WeldSparks } from './WeldSparks.tsx';
import { HallLook } from './HallLook.tsx';
import { HoverLabel, setHovered } from './HoverLabel.tsx';
import type { PickFn } from './instancing.ts';
import { entityAnchor, type LocateContext } from './locate.ts';
import { buildRigs } from './robot-rig.ts';

type Props = { scene: ResolvedScene; layout: SceneLayout; live: LiveState; shadows: boolean };

/** A press and release further apart than this (px) was a camera drag, not a click. */
const DRAG_PX = 5;

export function PlantScene({ scene, layout, live, shadows }: Props) {
  useCommitProbe();
  const rigs = useMemo(() => buildRigs(scene), [scene]);
  const ctx = useMemo<LocateContext>(() => ({ scene, layout, live, rigs }), [scene, layout, live, rigs]);

  const onClick = (e: ThreeEvent<MouseEvent>) => {
    // Handle a click once, for the nearest thing that can be selected.
    e.stopPropagation();
    if (e.delta > DRAG_PX) return;
    let picked: Selection = null;
    for (const hit of e.intersections) {
      const pick = hit.object.userData.pick as PickFn | undefined;
      if (pick && hit.instanceId !== undefined) {
        picked = pick(hit.instanceId);
        if (picked) break;
      }
    }
    useTwin.getState().select(picked);
  };

  const onMove = (e: ThreeEvent<PointerEvent>) => {
    // Touch screens tap to select; a hover tag would only flash under the finger.
    e.stopPropagation();
    if (e.pointerType === 'touch') return;
    let found: Selection = null;
    for (const hit of e.intersections) {
      const pick = hit.object.userData.pick as PickFn | undefined;
      if (pick && hit.instanceId !== undefined) {
        found = pick(hit.instanceId);
        if (found) break;
      }
    }
    setHovered(found);
  };

  return (
    <>
      <Lights scene={scene} shadows={shadows} />
      <group onClick={onClick} onPointerMove={onMove} onPointerOut={() => setHovered(null)}>
        <Floor scene={scene} />
        <PlantObjects scene={scene} layout={layout} live={live} rigs={rigs} />
      </group>
      <Highlight ctx={ctx} />
      <TourHighlight ctx={ctx} />
      <WeldSparks ctx={ctx} />
      <HoverLabel ctx={ctx} />
      <CameraRig scene={scene} adaptive={shadows} />
      {shadows && (
        <AfterFirstFrame>
          <HallLook />
        </AfterFirstFrame>
      )}
      <ViewSync />
      <BufferFill scene={scene} layout={layout} live={live} />
      <RouteRibbon layout={layout} />
      <BottleneckMarker scene={scene} layout={layout} />
      <DeepLink />
      <HookBridge ctx={ctx} />
    </>
  );
}

/**
 * Mounts its children once the plant has been drawn with live state: work that improves the look but need
 * not hold up the first frame (the hall's environment map, prefiltered on the GPU, and adaptive quality).
 */
function AfterFirstFrame({ children }: { children: ReactNode }) {
  const drawn = useTwin((s) => s.viewDrawn);
  return drawn ? <>{children}</> : null;
}

function Lights({ scene, shadows }: { scene: ResolvedScene; shadows: boolean }) {
  useCommitProbe();
  const sun = useRef<DirectionalLight>(null);
  const b = useMemo(() => planBounds(scene), [scene]);
  useEffect(() => {
    const light = sun.current;
    if (!light) return;
    // One shadow map over the whole plan: coarse but cheap, enough to ground machines and robots.
    const cam = light.shadow.camera;
    const half = Math.max(b.w, b.d) / 2 + 10;
    cam.left = -half;
    cam.right = half;
    cam.top = half;
    cam.bottom = -half;
    cam.near = 10;
    cam.far = 600;
    cam.updateProjectionMatrix();
    light.target.position.set(b.cx, 0, b.cz);
    light.target.updateMatrixWorld();
  }, [b]);
  return (
    <>
      <hemisphereLight args={['#eef3fb', '#8a8377', shadows ? 1.6 : 1.9]} />
      <directionalLight
        ref={sun}
        position={[b.cx + 90, 200, b.cz + 120]}
        intensity={shadows ? 2.1 : 1.9}
        castShadow={shadows}
        shadow-mapSize-width={2048}
        shadow-mapSize-height={2048}
        shadow-bias={-0.0004}
        shadow-normalBias={0.04}
        shadow-radius={3}
      />
      {/* A fill light from the other side keeps shadowed faces readable; software rendering skips it. */}
      {shadows && <directionalLight position={[b.cx - 120, 90, b.cz - 60]} intensity={0.45} />}
    </>
  );
}

const anchor = new Vector3();

/**
 * Exposes the renderer and projections to window.__linetwin. Flags `ready` once a frame drew the plant with
 * live state (the first frame: the glTF models and the KPIs may still be on their way), and `settled` once a
 * frame drew it as it will look (models in or given up, first KPI answer in).
 */
function HookBridge({ ctx }: { ctx: LocateContext }) {
  useCommitProbe();
  useFrameProbe();
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera);
  const three = useThree((s) => s.scene);
  const controls = useThree((s) => s.controls);

  useEffect(() => {
    viewRenderer.gl = gl;
    return () => {
      if (viewRenderer.gl === gl) viewRenderer.gl = null;
    };
  }, [gl]);

  // ?debug exposes the renderer to the console (profiling, poking at meshes); never used by the app.
  useEffect(() => {
    if (!new URLSearchParams(window.location.search).has('debug')) return;
    (window as unknown as { __linetwinDebug: unknown }).__linetwinDebug = { gl, camera, controls, scene: three, live: ctx.live, layout: ctx.layout };
  }, [gl, camera, controls, three, ctx]);
  const framesWithState = useRef(0);
  const framesSettled = useRef(0);

  useEffect(
    () =>
      provideToTestHook({
        screenPosition: (kind, id) => {
          if (!entityAnchor(ctx, kind, id, anchor)) return null;
          camera.updateMatrixWorld();
          anchor.project(camera);
          if (anchor.z < -1 || anchor.z > 1 || Math.abs(anchor.x) > 1 || Math.abs(anchor.y) > 1) return null;
          const rect = gl.domElement.getBoundingClientRect();
          const x = rect.left + ((anchor.x + 1) / 2) * rect.width;
          const y = rect.top + ((1 - anchor.y) / 2) * rect.height;
          if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return null;
          return { x, y };
        },
        select: (kind, id) => useTwin.getState().select({ kind, id }),
        renderInfo: () => renderInfoOf(gl),
        camera: () => {
          const t = (controls as unknown as { target?: Vector3 } | null)?.target;
          if (!t) return null;
          const r = (v: number) => Math.round(v * 1000) / 1000;
          return { position: [r(camera.position.x), r(camera.position.y), r(camera.position.z)], target: [r(t.x), r(t.y), r(t.z)] };
        },
        // Loaded only when a benchmark asks: it is no part of the app's own bundle.
        rasterFloor: async (on) => (await import('./raster-floor.ts')).showRasterFloor(three, on),
      }),
    [ctx, gl, camera, controls, three],
  );

  useFrame(() => {
    if (framesSettled.current >= 2) return;
    if (!ctx.live.hasState) return;
    // The frame after the first one that used state: that one has been drawn by now.
    if (++framesWithState.current === 2) {
      setReady(true);
      // The panels mount, the KPI feed starts and the models load from now on.
      useTwin.getState().setViewDrawn();
    }
    if (framesWithState.current < 2) return;
    // Settled: not while models load (a screenshot or a draw-call count then would show the interim look), nor
    // before the first KPI answer or failure (the heatmap and the bottleneck marker are part of the look).
    if (!useModelStatus.getState().settled || analyticsFeed.version === 0) return;
    if (++framesSettled.current === 2) setSettled(true);
  });
  return null;
}
