/**
 * What the loading screen says. The shell (main.tsx) draws it from the first moment until the first frame,
 * as one element that changes only when its words do: the app reports through here instead of drawing
 * screens of its own. On a software rasteriser each change of the page is a full composite on the GPU thread
 * that is meanwhile to create the WebGL context, so the screen stays still while the app loads.
 */
import { useSyncExternalStore } from 'react';

export type BootView = {
  shown: boolean;
  /** Words shown; null: the shell's own (bootText().plant). */
  text: string | null;
  detail: string | null;
  /** The app's code could not be loaded. */
  failed: boolean;
};

let view: BootView = { shown: true, text: null, detail: null, failed: false };
const listeners = new Set<() => void>();

function set(next: Partial<BootView>): void {
  const merged = { ...view, ...next };
  if (merged.shown === view.shown && merged.text === view.text && merged.detail === view.detail && merged.failed === view.failed) return;
  view = merged;
  for (const l of listeners) l();
}

/** The app's words for the screen (null: the shell's "loading the plant"). */
export function setBootText(text: string | null, detail: string | null = null): void {
  set({ text, detail });
}

export function bootFailed(): void {
  set({ failed: true });
}

/** The view is up (or has something to say itself): the loading screen goes. */
export function hideBoot(): void {
  set({ shown: false });
}

export function useBootView(): BootView {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => view,
  );
}
