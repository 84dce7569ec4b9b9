import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useTwin } from '../store/store.ts';

const SHOW_MS = 4500;

/** One short message at a time above the timeline (a refused command, a reconnect); it fades by itself. */
export function Toast() {
  const { t } = useTranslation();
  const toast = useTwin((s) => s.toast);
  useEffect(() => {
    if (!toast) return;
    // A repeated message arrives as a new object with the same id: the timer starts over.
    const timer = window.setTimeout(() => useTwin.getState().dismissToast(toast.id), SHOW_MS);
    return () => window.clearTimeout(timer);
  }, [toast]);
  if (!toast) return null;
  return (
    <div className={`toast toast-${toast.tone}`} data-testid="toast" role={toast.tone === 'error' ? 'alert' : 'status'}>
      <span className="toast-text">{toast.text}</span>
      <button type="button" className="toast-close" aria-label={t('common.dismiss')} onClick={() => useTwin.getState().dismissToast(toast.id)}>
        ×
      </button>
    </div>
  );
}
