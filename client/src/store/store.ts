/**
 * UI state (zustand): things that change at human speed. Live entity state never goes through here;
 * it lives in typed arrays (live/) that the render loop reads directly.
 */
import { create } from 'zustand';
import type { Hello, PlaybackStatus } from '../../../protocol/events.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { HeatmapMode } from './heat-scale.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'stale' | 'incompatible';
export type EntityKind = 'station' | 'robot' | 'body';
export type Selection = { kind: EntityKind; id: string } | null;

/**
 * The parts of this viewer's playback status that change at human speed. The cursor time is not here: it
 * moves continuously and is read from net/playback.ts by the timeline's animation loop.
 */
export type PlaybackView = Pick<PlaybackStatus, 'mode' | 'playing' | 'speed' | 'liveSource'>;
/** Scrubbable range, epoch ms; null while the server holds no history. */
export type PlaybackRange = { from: number; to: number } | null;

export type Toast = { id: number; text: string; tone: 'error' | 'info' };

export type Vec3 = [number, number, number];
export type CameraPose = { position: Vec3; target: Vec3 };
/** A requested camera move: CameraRig eases there over `duration` seconds. `seq` tells repeated requests apart. */
export type CameraFlight = CameraPose & { duration: number; seq: number };
/** The tour shown: which step, and whether it moves on by itself. `seq` changes with every step shown. */
export type TourView = { id: string; step: number; playing: boolean; seq: number };
/**
 * The follow-me room this screen is in: its code, whether it leads, (a member) whether it follows now, and
 * whether its presenter's connection dropped (the room waits for it).
 */
export type RoomState = { code: string; presenter: boolean; following: boolean; presenterAway?: boolean };

export type TwinStore = {
  scene: ResolvedScene | null;
  hello: Hello | null;
  status: ConnectionStatus;
  /** Server version when the server refused our protocol version. */
  incompatibleServerVersion: number | null;
  selection: Selection;
  /** Id of the active camera preset; null once the user moved the camera by hand. */
  cameraPreset: string | null;
  /** Bumped to replay a preset transition even when the same preset is picked again. */
  cameraRequest: number;
  /** Null until the server's first playback:status. */
  playback: PlaybackView | null;
  range: PlaybackRange;
  toast: Toast | null;
  cameraFlight: CameraFlight | null;
  /** Bumped when a person moves the camera by hand (drag, pinch, wheel). */
  cameraTouched: number;
  tour: TourView | null;
  room: RoomState | null;
  /** Kiosk mode only: looping the tour, or a visitor exploring by hand. */
  kiosk: 'tour' | 'explore' | null;
  /** What colours the station slabs: their state (default) or a KPI over the analysis window. */
  heatmap: HeatmapMode;
  /** The 3D view has drawn the plant with live state (the test hook's `ready`); the panels mount from then on. */
  viewDrawn: boolean;
  setScene(scene: ResolvedScene): void;
  setHello(hello: Hello): void;
  setStatus(status: ConnectionStatus): void;
  setIncompatible(serverVersion: number): void;
  select(selection: Selection): void;
  goToPreset(id: string): void;
  leavePreset(): void;
  /** Takes a status; writes only the fields that changed (a status whose only news is the time writes nothing). */
  setPlayback(status: PlaybackStatus): void;
  showToast(text: string, tone?: Toast['tone']): void;
  dismissToast(id: number): void;
  flyTo(pose: CameraPose, duration?: number): void;
  touchCamera(): void;
  setTour(tour: TourView | null): void;
  setRoom(room: RoomState | null): void;
  setKiosk(mode: 'tour' | 'explore' | null): void;
  setHeatmap(mode: HeatmapMode): void;
  setViewDrawn(): void;
};

let toastIds = 0;

export const useTwin = create<TwinStore>()((set, get) => ({
  scene: null,
  hello: null,
  status: 'connecting',
  incompatibleServerVersion: null,
  selection: null,
  cameraPreset: null,
  cameraRequest: 0,
  playback: null,
  range: null,
  toast: null,
  cameraFlight: null,
  cameraTouched: 0,
  tour: null,
  room: null,
  kiosk: null,
  heatmap: 'state',
  viewDrawn: false,
  setScene: (scene) => set({ scene, cameraPreset: scene.cameras[0]?.id ?? null }),
  setHello: (hello) => set({ hello }),
  setStatus: (status) => {
    // Writers may call this on every check; only a real change reaches subscribers.
    if (get().status !== status) set({ status });
  },
  setIncompatible: (serverVersion) => set({ status: 'incompatible', incompatibleServerVersion: serverVersion }),
  select: (selection) => {
    const cur = get().selection;
    if (cur === selection || (cur && selection && cur.kind === selection.kind && cur.id === selection.id)) return;
    set({ selection });
  },
  goToPreset: (id) => set((s) => ({ cameraPreset: id, cameraRequest: s.cameraRequest + 1 })),
  leavePreset: () => {
    if (get().cameraPreset !== null) set({ cameraPreset: null });
  },
  setPlayback: (st) => {
    const cur = get();
    const next: Partial<TwinStore> = {};
    const p = cur.playback;
    if (!p || p.mode !== st.mode || p.playing !== st.playing || p.speed !== st.speed || p.liveSource !== st.liveSource)
      next.playback = { mode: st.mode, playing: st.playing, speed: st.speed, liveSource: st.liveSource };
    const r = cur.range;
    const range: PlaybackRange = st.from !== null && st.to !== null ? { from: st.from, to: st.to } : null;
    if (r === null ? range !== null : range === null || r.from !== range.from || r.to !== range.to) next.range = range;
    if (next.playback !== undefined || next.range !== undefined) set(next);
  },
  showToast: (text, tone = 'error') => {
    const t = get().toast;
    // The same message again (a repeated failing command) refreshes the toast instead of stacking it.
    set({ toast: { id: t && t.text === text ? t.id : ++toastIds, text, tone } });
  },
  dismissToast: (id) => {
    if (get().toast?.id === id) set({ toast: null });
  },
  flyTo: (pose, duration = 1.6) =>
    set((s) => ({ cameraFlight: { position: pose.position, target: pose.target, duration, seq: (s.cameraFlight?.seq ?? 0) + 1 }, cameraPreset: null })),
  touchCamera: () => set((s) => ({ cameraTouched: s.cameraTouched + 1 })),
  setTour: (tour) => {
    const cur = get().tour;
    if (cur === tour || (cur && tour && cur.id === tour.id && cur.step === tour.step && cur.playing === tour.playing && cur.seq === tour.seq)) return;
    set({ tour });
  },
  setRoom: (room) => {
    const cur = get().room;
    if (cur === room || (cur && room && cur.code === room.code && cur.presenter === room.presenter && cur.following === room.following && !cur.presenterAway === !room.presenterAway)) return;
    set({ room });
  },
  setKiosk: (kiosk) => {
    if (get().kiosk !== kiosk) set({ kiosk });
  },
  setHeatmap: (heatmap) => {
    if (get().heatmap !== heatmap) set({ heatmap });
  },
  setViewDrawn: () => {
    if (!get().viewDrawn) set({ viewDrawn: true });
  },
}));

/** Resolves once the 3D view has drawn the plant with live state (at once if it has). */
export function whenViewDrawn(): Promise<void> {
  return new Promise((resolve) => {
    if (useTwin.getState().viewDrawn) return resolve();
    const stop = useTwin.subscribe((s) => {
      if (!s.viewDrawn) return;
      stop();
      resolve();
    });
  });
}
