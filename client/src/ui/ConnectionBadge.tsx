import { useTranslation } from 'react-i18next';
import { useTwin } from '../store/store.ts';

export function ConnectionBadge() {
  const { t } = useTranslation();
  const status = useTwin((s) => s.status);
  // Connected but looking at the past: "Live" would be a lie about what the view shows.
  const past = useTwin((s) => s.playback?.mode === 'playback') && status === 'live';
  const key = past ? 'history' : status;
  return (
    <div
      className={`badge badge-${past ? 'playback' : status}`}
      data-testid="connection-badge"
      data-status={status}
      title={t(`connection.hint.${key}`)}
      role="status"
      aria-live="polite"
    >
      <span className="badge-dot" aria-hidden="true" />
      {t(`connection.label.${key}`)}
    </div>
  );
}
