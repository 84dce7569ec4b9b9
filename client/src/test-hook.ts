/**
 * window.__linetwin: a small, always-present hook for end-to-end tests and for poking at the twin from the
 * browser console. It reads live state; it never drives rendering.
 */
import type { PlaybackStatus } from '../../protocol/events.ts';
import { playback } from './net/playback.ts';
import { frameJs } from './scene/frame-probe.ts';
import type { EntityKind } from './store/store.ts';

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
  renderInfo(): { calls: number; triangles: number; frames: number };
  /** Frames measured and the milliseconds their useFrame callbacks took before drawing (scene/frame-probe.ts). */
  frameJs(): { frames: number; ms: number };
  /** React commits so far (Profiler onRender around the app). */
  reactCommits(): number;
  /** The state word the 3D view shows for the station now (from the live buffers), null when unknown. */
  stationState(id: string): string | null;
  /** The station's data quality as drawn ('good', 'stale', 'bad'; not good is drawn greyed), null when unknown. */
  stationQuality(id: string): string | null;
  /** The newest playback:status from the server, null before the first. */
  playback(): PlaybackStatus | null;
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
  stationState: LinetwinTestHook['stationState'];
  stationQuality: LinetwinTestHook['stationQuality'];
};

const none: Providers = {
  revision: () => -1,
  screenPosition: () => null,
  select: () => {},
  renderInfo: () => ({ calls: 0, triangles: 0, frames: 0 }),
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
    frameJs: () => ({ ...frameJs }),
    stationState: (id) => providers.stationState(id),
    stationQuality: (id) => providers.stationQuality(id),
    playback: () => (playback.status ? { ...playback.status } : null),
  };
}
