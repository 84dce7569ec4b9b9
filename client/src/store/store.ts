/**
 * UI state (zustand): things that change at human speed. Live entity state never goes through here;
 * it lives in typed arrays (live/) that the render loop reads directly.
 */
import { create } from 'zustand';
import type { Hello } from '../../../protocol/events.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'stale' | 'incompatible';
export type EntityKind = 'station' | 'robot' | 'body';
export type Selection = { kind: EntityKind; id: string } | null;

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
  setScene(scene: ResolvedScene): void;
  setHello(hello: Hello): void;
  setStatus(status: ConnectionStatus): void;
  setIncompatible(serverVersion: number): void;
  select(selection: Selection): void;
  goToPreset(id: string): void;
  leavePreset(): void;
};

export const useTwin = create<TwinStore>()((set, get) => ({
  scene: null,
  hello: null,
  status: 'connecting',
  incompatibleServerVersion: null,
  selection: null,
  cameraPreset: null,
  cameraRequest: 0,
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
}));
