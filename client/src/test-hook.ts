/**
 * window.__linetwin: a small, always-present hook for end-to-end tests and for poking at the twin from the
 * browser console. It reads live state; it never drives rendering.
 */
import type { PlaybackStatus } from '../../protocol/events.ts';
import { currentLanguage, setLanguage, toLanguage } from './i18n/i18n.ts';
import { playback } from './net/playback.ts';
import { room } from './net/room.ts';
import { tourPlayer } from './tour/tour-player.ts';
import { frameJs } from './scene/frame-probe.ts';
import { contextLosses } from './scene/context-loss.ts';
import type { RenderInfo } from './scene/view-renderer.ts';
import { analyticsFeed } from './store/analytics-feed.ts';
import { useTwin, type EntityKind, type RoomState, type Selection, type TourView } from './store/store.ts';

export type ScreenPoint = { x: number; y: number };

export type LinetwinTestHook = {
  /** First frame: the scene loaded, the first snapshot applied and a frame rendered with it (models and KPIs may follow). */
  ready: boolean;
  /**
   * When `ready` first turned true, on the page's clock (ms since navigation): the start of the frame after
   * the first one drawn with state. A poll for `ready` from outside sees it only after that frame is drawn too.
   */
  readyAt: number | null;
  /** The final look: ready, and the models settled (drawn or given up) and the first KPI answer in, with a frame rendered since. */
  settled: boolean;
  /** Revision of the state held (-1 while none). */
  revision(): number;
  /** Viewport CSS pixels of the entity's visible centre (a station: the top of its slab), null when off-screen. */
  screenPosition(kind: EntityKind, id: string): ScreenPoint | null;
  select(kind: EntityKind, id: string): void;
  /** From the renderer's info for the last frame drawn, and the GPU resources it holds (shader programs included). */
  renderInfo(): RenderInfo;
  /** Frames measured and the milliseconds their useFrame callbacks took before drawing (scene/frame-probe.ts). */
  frameJs(): { frames: number; ms: number };
  /**
   * Benchmarks only: shows every triangle drawn now as one static mesh in place of the plant (true), or the
   * plant again (false); resolves with the floor's triangle count.
   */
  rasterFloor(on: boolean): Promise<number>;
  /** React commits so far (Profiler onRender around the app). */
  reactCommits(): number;
  /** The state word the 3D view shows for the station now (from the live buffers), null when unknown. */
  stationState(id: string): string | null;
  /** The station's data quality as drawn ('good', 'stale', 'bad'; not good is drawn greyed), null when unknown. */
  stationQuality(id: string): string | null;
  /** Whether the live connection is the socket the shell opened before the app's code ran (net/socket.ts). */
  earlySocket(): boolean;
  /** Whether the first state came from the shell's GET /api/state/frame rather than the socket (boot/early.ts). */
  earlyState(): boolean;
  /** When the live socket first connected (the page's clock, like readyAt), null before. */
  connectedAt(): number | null;
  /** The newest playback:status from the server, null before the first. */
  playback(): PlaybackStatus | null;
  /** The colour (sRGB hex) in the station slab's instance colour buffer: what the GPU draws it with. */
  stationColor(id: string): string | null;
  /** The heatmap mode the store holds and the one the 3D colours were last computed for. */
  heatmap(): { mode: string; drawn: string; heatVersion: number; feedVersion: number };
  /** The bottleneck marker as placed in the scene: visible, the station it names, its world x/z. */
  bottleneckMarker(): { visible: boolean; station: string | null; x: number; z: number } | null;
  /** Camera position and orbit target. */
  camera(): { position: [number, number, number]; target: [number, number, number] } | null;
  selection(): Selection;
  /** The route ribbon in 3D: visible, the body it follows, how many points and which stations it passes. */
  route(): { visible: boolean; vin: string | null; points: number; stations: string[] } | null;
  /** The tour shown (step from 0), null when none. */
  tour(): TourView | null;
  /** Tour player controls, as the buttons do. */
  tourControl(action: 'next' | 'previous' | 'play' | 'pause' | 'stop'): void;
  /** How often a looping tour went round. */
  tourLoops(): number;
  /** The follow-me room of this screen, and room:view messages received. */
  room(): (RoomState & { views: number }) | null;
  /** Kiosk mode: 'tour' (looping) or 'explore' (a visitor took over); null outside kiosk mode. */
  kiosk(): 'tour' | 'explore' | null;
  language(): string;
  setLanguage(lang: string): void;
  /** Weld sparks flying now (particles drawn). */
  sparks(): number;
  /** A conveyor's buffer gauge as drawn: bodies counted on it, its capacity, the fill bar's height (m) and colour. */
  bufferFill(conveyorId: string): { count: number; capacity: number; height: number; color: string } | null;
  /** WebGL contexts this page lost, and how often the view started over on a new canvas (scene/context-loss.ts). */
  contextLosses(): { count: number; restarts: number };
};

declare global {
  interface Window {
    __linetwin: LinetwinTestHook;
  }
}

type Providers = {
  revision: () => number;
  rasterFloor: LinetwinTestHook['rasterFloor'];
  screenPosition: LinetwinTestHook['screenPosition'];
  select: LinetwinTestHook['select'];
  renderInfo: LinetwinTestHook['renderInfo'];
  stationState: LinetwinTestHook['stationState'];
  stationQuality: LinetwinTestHook['stationQuality'];
  earlySocket: LinetwinTestHook['earlySocket'];
  earlyState: LinetwinTestHook['earlyState'];
  connectedAt: LinetwinTestHook['connectedAt'];
  stationColor: LinetwinTestHook['stationColor'];
  bottleneckMarker: LinetwinTestHook['bottleneckMarker'];
  camera: LinetwinTestHook['camera'];
  route: LinetwinTestHook['route'];
  sparks: LinetwinTestHook['sparks'];
  bufferFill: LinetwinTestHook['bufferFill'];
};

const none: Providers = {
  revision: () => -1,
  rasterFloor: () => Promise.resolve(0),
  screenPosition: () => null,
  select: () => {},
  renderInfo: () => ({ calls: 0, triangles: 0, frames: 0, geometries: 0, textures: 0, programs: 0 }),
  stationState: () => null,
  stationQuality: () => null,
  earlySocket: () => false,
  earlyState: () => false,
  connectedAt: () => null,
  stationColor: () => null,
  bottleneckMarker: () => null,
  camera: () => null,
  route: () => null,
  sparks: () => 0,
  bufferFill: () => null,
};

let providers: Providers = { ...none };
let commits = 0;

/** Profiler onRender callback: counts commits of the React tree it wraps. */
export function countCommit(): void {
  commits++;
}

/** Parts of the app register what they know (the connection its revision, the 3D view its projection). */
export function provideToTestHook(part: Partial<Providers>): () => void {
  providers = { ...providers, ...part };
  return () => {
    for (const key of Object.keys(part) as (keyof Providers)[]) if (providers[key] === part[key]) (providers as Record<keyof Providers, unknown>)[key] = none[key];
  };
}

export function setReady(ready: boolean): void {
  const hook = window.__linetwin;
  if (ready && hook.readyAt === null) hook.readyAt = performance.now();
  hook.ready = ready;
}

export function setSettled(settled: boolean): void {
  window.__linetwin.settled = settled;
}

export function installTestHook(): void {
  window.__linetwin = {
    ready: false,
    readyAt: null,
    settled: false,
    revision: () => providers.revision(),
    screenPosition: (kind, id) => providers.screenPosition(kind, id),
    select: (kind, id) => providers.select(kind, id),
    renderInfo: () => providers.renderInfo(),
    reactCommits: () => commits,
    frameJs: () => ({ ...frameJs }),
    rasterFloor: (on) => providers.rasterFloor(on),
    stationState: (id) => providers.stationState(id),
    stationQuality: (id) => providers.stationQuality(id),
    earlySocket: () => providers.earlySocket(),
    earlyState: () => providers.earlyState(),
    connectedAt: () => providers.connectedAt(),
    playback: () => (playback.status ? { ...playback.status } : null),
    stationColor: (id) => providers.stationColor(id),
    heatmap: () => ({ mode: useTwin.getState().heatmap, drawn: analyticsFeed.mode, heatVersion: analyticsFeed.heatVersion, feedVersion: analyticsFeed.version }),
    bottleneckMarker: () => providers.bottleneckMarker(),
    camera: () => providers.camera(),
    selection: () => useTwin.getState().selection,
    route: () => providers.route(),
    tour: () => useTwin.getState().tour,
    tourControl: (action) => tourPlayer[action](),
    tourLoops: () => tourPlayer.loops,
    room: () => {
      const r = useTwin.getState().room;
      return r ? { ...r, views: room.received } : null;
    },
    kiosk: () => useTwin.getState().kiosk,
    sparks: () => providers.sparks(),
    language: () => currentLanguage(),
    setLanguage: (lang) => {
      const l = toLanguage(lang);
      if (l) setLanguage(l);
    },
    bufferFill: (id) => providers.bufferFill(id),
    contextLosses: () => ({ ...contextLosses }),
  };
}
