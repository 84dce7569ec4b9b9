/**
 * window.__linetwin: a small, always-present hook for end-to-end tests and for poking at the twin from the
 * browser console. It reads live state; it never drives rendering.
 */
import type { PlaybackStatus } from '../../protocol/events.ts';
import { currentLanguage, setLanguage, toLanguage } from './i18n/i18n.ts';
import { playback } from './net/playback.ts';
import { room } from './net/room.ts';
import { tourPlayer } from './tour/tour-player.ts';
import { useTwin, type EntityKind, type RoomState, type Selection, type TourView } from './store/store.ts';

export type CameraState = { position: [number, number, number]; target: [number, number, number] | null };

export type ScreenPoint = { x: number; y: number };

export type LinetwinTestHook = {
  /** Scene loaded, first snapshot applied and at least one frame rendered with it. */
  ready: boolean;
  /** Revision of the state held (-1 while none). */
  revision(): number;
  /** Viewport CSS pixels of the entity's visible centre (a station: the top of its slab), null when off-screen. */
  screenPosition(kind: EntityKind, id: string): ScreenPoint | null;
  select(kind: EntityKind, id: string): void;
  /** From the renderer's info for the last frame drawn. */
  renderInfo(): { calls: number; triangles: number; frames: number; geometries: number; textures: number };
  /** React commits so far (Profiler onRender around the app). */
  reactCommits(): number;
  /** The state word the 3D view shows for the station now (from the live buffers), null when unknown. */
  stationState(id: string): string | null;
  /** The station's data quality as drawn ('good', 'stale', 'bad'; not good is drawn greyed), null when unknown. */
  stationQuality(id: string): string | null;
  /** The newest playback:status from the server, null before the first. */
  playback(): PlaybackStatus | null;
  /** Where the camera is and looks (orbit target), metres. */
  camera(): CameraState | null;
  selection(): Selection;
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
};

declare global {
  interface Window {
    __linetwin: LinetwinTestHook;
  }
}

type Providers = {
  revision: () => number;
  screenPosition: LinetwinTestHook['screenPosition'];
  select: LinetwinTestHook['select'];
  renderInfo: LinetwinTestHook['renderInfo'];
  camera: LinetwinTestHook['camera'];
  stationState: LinetwinTestHook['stationState'];
  stationQuality: LinetwinTestHook['stationQuality'];
};

const none: Providers = {
  revision: () => -1,
  screenPosition: () => null,
  select: () => {},
  renderInfo: () => ({ calls: 0, triangles: 0, frames: 0, geometries: 0, textures: 0 }),
  camera: () => null,
  stationState: () => null,
  stationQuality: () => null,
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
  window.__linetwin.ready = ready;
}

export function installTestHook(): void {
  window.__linetwin = {
    ready: false,
    revision: () => providers.revision(),
    screenPosition: (kind, id) => providers.screenPosition(kind, id),
    select: (kind, id) => providers.select(kind, id),
    renderInfo: () => providers.renderInfo(),
    reactCommits: () => commits,
    stationState: (id) => providers.stationState(id),
    stationQuality: (id) => providers.stationQuality(id),
    playback: () => (playback.status ? { ...playback.status } : null),
    camera: () => providers.camera(),
    selection: () => useTwin.getState().selection,
    tour: () => useTwin.getState().tour,
    tourControl: (action) => tourPlayer[action](),
    tourLoops: () => tourPlayer.loops,
    room: () => {
      const r = useTwin.getState().room;
      return r ? { ...r, views: room.received } : null;
    },
    kiosk: () => useTwin.getState().kiosk,
    language: () => currentLanguage(),
    setLanguage: (lang) => {
      const l = toLanguage(lang);
      if (l) setLanguage(l);
    },
  };
}
