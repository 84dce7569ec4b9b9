/**
 * What the model layer tells the rest of the app: whether it has settled (models drawn, or the fallback
 * chosen) so the test hook's `ready` means "the plant as it will look", and the problems met with model
 * files, shown to the user by ModelNotice. Its own small store: it changes once or twice per page load.
 */
import { create } from 'zustand';

export type ModelNoticeItem = { file: string; message: string; severity: 'error' | 'warning' };

type ModelStatus = {
  settled: boolean;
  notices: ModelNoticeItem[];
  dismissed: boolean;
  /** Adds problems (duplicates of one already shown are dropped) and marks the layer settled. */
  settle(notices: ModelNoticeItem[]): void;
  dismiss(): void;
};

export const useModelStatus = create<ModelStatus>((set, get) => ({
  settled: false,
  notices: [],
  dismissed: false,
  settle(notices) {
    const seen = new Set(get().notices.map((n) => `${n.file}\n${n.message}`));
    const fresh: ModelNoticeItem[] = [];
    for (const n of notices) {
      const key = `${n.file}\n${n.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      fresh.push(n);
    }
    if (fresh.length === 0 && get().settled) return;
    set({ settled: true, notices: [...get().notices, ...fresh], dismissed: fresh.length > 0 ? false : get().dismissed });
  },
  dismiss() {
    set({ dismissed: true });
  },
}));
