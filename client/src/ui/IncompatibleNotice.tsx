import { useTranslation } from 'react-i18next';
import { PROTOCOL_VERSION } from '../../../protocol/events.ts';
import { useTwin } from '../store/store.ts';

/** The server speaks another protocol version: say so plainly and offer the fix (a reload). */
export function IncompatibleNotice() {
  const { t } = useTranslation();
  const status = useTwin((s) => s.status);
  const serverVersion = useTwin((s) => s.incompatibleServerVersion);
  if (status !== 'incompatible') return null;
  return (
    <div className="screen overlay" role="alert">
      <div className="screen-card">
        <h1>{t('incompatible.title')}</h1>
        <p>{t('incompatible.text', { server: serverVersion ?? '?', page: PROTOCOL_VERSION })}</p>
        <button type="button" className="btn" onClick={() => window.location.reload()}>
          {t('common.reload')}
        </button>
      </div>
    </div>
  );
}
