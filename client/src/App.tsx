/**
 * The app: load the scene (retrying calmly while the server is away), then the 3D view with the DOM
 * overlays beside it. React renders the UI only; live state flows socket → typed arrays → useFrame.
 */
import { startTransition, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Canvas } from '@react-three/fiber';
import type { ResolvedScene } from '../../protocol/scene.ts';
import { LiveState } from './live/live-state.ts';
import { buildLayout } from './live/layout.ts';
import { connect } from './net/connection.ts';
import { hideBoot, setBootText } from './boot/boot-state.ts';
import { requestScene, takeSceneRequest } from './boot/early.ts';
import { FOG_FAR, FOG_NEAR, VIEW_FAR } from './scene/aspect-fit.ts';
import { GROUND_COLOR } from './scene/Floor.tsx';
import { setCheapMaterials } from './scene/materials.ts';
import { watchContextLoss } from './scene/context-loss.ts';
import { WebGLRenderer } from 'three';
import { qualityFor, rememberRenderer, rendererOf, startupQuality } from './quality.ts';
import { PlantScene } from './scene/PlantScene.tsx';
import { ModelNotice } from './models/ModelNotice.tsx';
import { qualities, stationStates } from '../../protocol/state.ts';
import { useTwin, whenViewDrawn } from './store/store.ts';
import { startAnalyticsFeed } from './store/analytics-feed.ts';
import { startRouteFeed } from './store/body-route.ts';
import { provideToTestHook } from './test-hook.ts';
import { CameraButtons } from './ui/CameraButtons.tsx';
import { EntityPanel } from './ui/EntityPanel.tsx';
import { ErrorBoundary } from './ui/ErrorBoundary.tsx';
import { Header } from './ui/Header.tsx';
import { IncompatibleNotice } from './ui/IncompatibleNotice.tsx';
import { Legend } from './ui/Legend.tsx';
import { Timeline } from './ui/Timeline.tsx';
import { Toast } from './ui/Toast.tsx';
import { PerfOverlay } from './ui/PerfOverlay.tsx';
import { FollowPanel } from './ui/FollowPanel.tsx';
import { LanguageButton } from './ui/LanguageButton.tsx';
import { TourMenu, TourPanel } from './ui/TourPanel.tsx';
import { Kiosk } from './kiosk/Kiosk.tsx';
import { room } from './net/room.ts';
import { tourPlayer } from './tour/tour-player.ts';
import { urlParams } from './url-params.ts';
import { i18n, nameOf } from './i18n/i18n.ts';

export function App() {
  return (
    <ErrorBoundary>
      <SceneLoader />
    </ErrorBoundary>
  );
}

/** The panels mount with the first frame, or after this long without one (no live state: say why). */
const PANELS_AT_LATEST_MS = 3000;

type LoadState = { phase: 'loading' } | { phase: 'retrying'; reason: string; retryInS: number; attempt: number };

/** Fetches /api/scene until it succeeds; the plant is drawn only once its description is known. */
function SceneLoader() {
  const scene = useTwin((s) => s.scene);
  const [load, setLoad] = useState<LoadState>({ phase: 'loading' });

  useEffect(() => {
    if (scene) return;
    let cancelled = false;
    let timer = 0;
    const attempt = async (n: number) => {
      try {
        // The shell started the first request before this code arrived.
        const res = await (takeSceneRequest() ?? requestScene());
        // A proxy in front of a stopped server answers 502-504: to a person that is "not reachable".
        if (res.status >= 502 && res.status <= 504) throw new TypeError('unreachable');
        if (!res.ok) throw new Error(`${i18n.t('net.serverAnswered', { status: res.status })} ${res.statusText}`.trim());
        const json: unknown = await res.json();
        if (!looksLikeScene(json)) throw new Error(i18n.t('net.unreadableScene'));
        if (!cancelled) useTwin.getState().setScene(json);
      } catch (e) {
        if (cancelled) return;
        const wait = Math.min(10, 2 + n * 2);
        const reason = e instanceof TypeError || (e instanceof DOMException && e.name === 'TimeoutError') ? i18n.t('loading.unreachable') : e instanceof Error ? e.message : String(e);
        setLoad({ phase: 'retrying', reason, retryInS: wait, attempt: n + 1 });
        timer = window.setTimeout(() => void attempt(n + 1), wait * 1000);
      }
    };
    void attempt(0);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [scene]);

  // The shell's loading screen says it (one element from the first moment; see boot/boot-state.ts).
  useEffect(() => {
    if (load.phase === 'loading') setBootText(null);
    else setBootText(i18n.t('loading.waiting', { reason: load.reason }), i18n.t('loading.retry', { seconds: load.retryInS, attempt: load.attempt }));
  }, [load]);

  if (!scene) return null;
  return <Twin scene={scene} />;
}

/** Enough of a ResolvedScene to draw; the server validated the rest (protocol/scene.ts). */
function looksLikeScene(x: unknown): x is ResolvedScene {
  const s = x as Partial<ResolvedScene> | null;
  return !!s && typeof s === 'object' && typeof s.id === 'string' && Array.isArray(s.areas) && Array.isArray(s.stations) && Array.isArray(s.robots) && Array.isArray(s.conveyors) && Array.isArray(s.cameras);
}

const SKY = '#dfe4ea';

/** Reloads for a changed scene, but never in a loop if server and page keep disagreeing. */
function reloadOnce(sceneId: string) {
  const key = 'linetwin:reloaded-for-scene';
  const last = sessionStorage.getItem(key);
  const now = Date.now();
  if (last) {
    const [id, at] = last.split('@');
    if (id === sceneId && now - Number(at) < 60_000) return;
  }
  sessionStorage.setItem(key, `${sceneId}@${now}`);
  window.location.reload();
}

function Twin({ scene }: { scene: ResolvedScene }) {
  const live = useMemo(() => new LiveState(scene.stations.length, scene.robots.length), [scene]);
  const layout = useMemo(() => buildLayout(scene), [scene]);
  // Provisional (a first visit): low, until the view's own context names the GPU (see quality.ts).
  const [start] = useState(startupQuality);
  const [quality, setQuality] = useState(start.quality);
  useMemo(() => setCheapMaterials(quality.level === 'low'), [quality]);
  // A lost WebGL context (scene/context-loss.ts): the view starts over on a new canvas, state and camera kept.
  const [glEpoch, setGlEpoch] = useState(0);
  const currentGl = useRef<WebGLRenderer | null>(null);
  const stopWatching = useRef<(() => void) | null>(null);
  useEffect(() => () => stopWatching.current?.(), []);
  const createRenderer = (defaults: ConstructorParameters<typeof WebGLRenderer>[0]) => {
    const gl = new WebGLRenderer({ ...defaults, antialias: quality.antialias, powerPreference: 'high-performance' });
    currentGl.current = gl;
    stopWatching.current?.();
    stopWatching.current = watchContextLoss(
      gl.domElement,
      () => currentGl.current === gl,
      () => {
        currentGl.current = null;
        useTwin.getState().showToast(i18n.t('view.contextRestarted'), 'info');
        setGlEpoch((n) => n + 1);
      },
    );
    if (start.provisional) {
      const name = rendererOf(gl.getContext());
      if (name !== 'unknown') rememberRenderer(name);
      const found = qualityFor(name);
      // A GPU after all: the view starts over (a new canvas and context, with multisampling and shadows).
      if (found.level !== quality.level) setQuality(found);
    }
    return gl;
  };
  // The DOM panels wait for the first frame: on a software rasteriser the first composite of the whole UI
  // ties up the GPU thread that creates the WebGL context and compiles the plant's shaders. Then they mount
  // as a transition, so that rendering them yields to the frames of the 3D view.
  const [panels, setPanels] = useState(false);
  useEffect(() => {
    const show = () => startTransition(() => setPanels(true));
    const timer = window.setTimeout(show, PANELS_AT_LATEST_MS);
    void whenViewDrawn().then(() => {
      // The plant is drawn: the loading screen makes way for it at once, the panels follow.
      hideBoot();
      show();
    });
    return () => window.clearTimeout(timer);
  }, []);
  // Without a first frame (no live state after PANELS_AT_LATEST_MS) the panels say why.
  useEffect(() => {
    if (panels) hideBoot();
  }, [panels]);

  // Not live: the view greys a little, so nobody mistakes the last known state for the current one.
  // Set on the element directly: the Canvas must not re-render for a status change.
  const viewport = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const apply = (status: string) => viewport.current?.setAttribute('data-status', status);
    // In playback the view is framed, so a screen on the wall never passes history off as the line now.
    const applyMode = (mode: string) => viewport.current?.setAttribute('data-mode', mode);
    apply(useTwin.getState().status);
    applyMode(useTwin.getState().playback?.mode ?? 'live');
    return useTwin.subscribe((s, prev) => {
      if (s.status !== prev.status) apply(s.status);
      if (s.playback?.mode !== prev.playback?.mode) applyMode(s.playback?.mode ?? 'live');
    });
  }, []);

  // A layout effect: it runs before every passive effect, so the kiosk's loop (a child) finds the tours attached.
  useLayoutEffect(() => tourPlayer.attach(scene), [scene]);

  useEffect(() => {
    // `?join=CODE`: follow that trainer's room as soon as the connection is up.
    if (urlParams.join) room.want(urlParams.join);
    if (urlParams.tour && !urlParams.kiosk) tourPlayer.start(urlParams.tour, { playing: false });
    const connection = connect(live, {
      sceneId: scene.id,
      // The server now serves another plant: start over with its description.
      onSceneChanged: (sceneId) => reloadOnce(sceneId),
      // An upgraded server: this page's code no longer speaks its protocol; the reload fetches the new client.
      onProtocolChanged: (version) => reloadOnce(`protocol-${version}`),
    });
    const unprovide = provideToTestHook({
      revision: () => live.revision,
      stationState: (id) => {
        const i = layout.index.station.get(id);
        return i === undefined || !live.hasState ? null : (stationStates[live.stationState[i]] ?? null);
      },
      earlySocket: () => connection.early,
      earlyState: () => connection.earlyState,
      connectedAt: () => connection.firstConnectedAt,
      stationQuality: (id) => {
        const i = layout.index.station.get(id);
        return i === undefined || !live.hasState ? null : (qualities[live.stationQuality[i]] ?? null);
      },
    });
    return () => {
      unprovide();
      connection.close();
    };
  }, [live, scene, layout]);

  // The engineer view's data (KPIs, heatmap, bottleneck; the followed body's route): polled outside React,
  // from the first frame on (the KPI bar fills in after the plant is drawn).
  useEffect(() => {
    if (!panels) return;
    const stopFeed = startAnalyticsFeed(scene.stations.map((s) => s.id));
    const stopRoute = startRouteFeed();
    return () => {
      stopFeed();
      stopRoute();
    };
  }, [scene, panels]);

  const first = scene.cameras[0];
  return (
    <div className={urlParams.kiosk ? 'twin kiosk-mode' : 'twin'}>
      <div className="viewport" ref={viewport} data-quality={quality.level} role="img" aria-label={i18n.t('view.aria', { name: nameOf(scene) })}>
        <Canvas
          shadows={quality.shadows ? 'percentage' : false}
          flat
          dpr={quality.dpr}
          performance={{ min: 0.5 }}
          camera={{ fov: 42, near: 1, far: VIEW_FAR, position: first ? first.position : [0, 120, 140] }}
          key={`${quality.level}:${glEpoch}`}
          // R3F measures its container through a ResizeObserver whose callback it debounces by 50 ms by
          // default, so the first measurement, and with it the WebGL context and the first frame, waited 50 ms
          // for nothing; a resize (a kiosk screen turned) now applies at the next frame as well.
          resize={{ debounce: 0 }}
          gl={createRenderer}
          onPointerMissed={(e) => {
            if (e.type === 'click') useTwin.getState().select(null);
          }}
        >
          <color attach="background" args={[quality.shadows ? SKY : GROUND_COLOR]} />
          <fog attach="fog" args={[quality.shadows ? SKY : GROUND_COLOR, FOG_NEAR, FOG_FAR]} />
          <PlantScene scene={scene} layout={layout} live={live} shadows={quality.shadows} />
        </Canvas>
      </div>
      {!panels ? null : urlParams.kiosk ? (
        <Kiosk scene={scene} live={live} />
      ) : (
        <>
          <Header scene={scene} live={live}>
            <div className="show-bar">
              <TourMenu scene={scene} />
              <FollowPanel />
              <LanguageButton />
            </div>
          </Header>
          <TourPanel scene={scene} />
          <Legend />
          <CameraButtons scene={scene} />
          <EntityPanel scene={scene} layout={layout} live={live} />
          <Timeline scene={scene} live={live} />
        </>
      )}
      {urlParams.stats && <PerfOverlay quality={quality} />}
      {panels && (
        <>
          <Toast />
          <ModelNotice />
        </>
      )}
      <IncompatibleNotice />
    </div>
  );
}
