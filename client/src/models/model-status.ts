/**
 * What the model layer tells the rest of the app: whether it has settled (models drawn, or the fallback
 * chosen) so the test hook's `ready` means "the plant as it will look", and the problems met with model
 * files, shown to the user by ModelNotice. Its own small store: it changes once or twice per page load.
 */
import { create } from 'zustand';
import { i18n } from '../i18n/i18n.ts';
import { modelProblemText, type ProblemLike } from './problem-text.ts';

/**
 * A message, put in words when shown so it follows the language: a dictionary key with its values (a value
 * may be a message itself); a problem found by the shared model rules (protocol/model-rules.ts, also used by
 * `npm run check-scene`), worded from its code; or a plain text.
 */
export type NoticeText = string | { key: string; values?: Record<string, string | number | NoticeText> } | ProblemLike;

export function noticeText(m: NoticeText): string {
  if (typeof m === 'string') return m;
  if ('code' in m) return modelProblemText(m);
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(m.values ?? {})) values[k] = typeof v === 'object' ? noticeText(v) : v;
  return i18n.t(m.key, values);
}

export type ModelNoticeItem = { file: string; message: NoticeText; severity: 'error' | 'warning' };
const noticeKey = (n: ModelNoticeItem) => `${n.file}\n${JSON.stringify(n.message)}`;

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
    const seen = new Set(get().notices.map(noticeKey));
    const fresh: ModelNoticeItem[] = [];
    for (const n of notices) {
      const key = noticeKey(n);
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
