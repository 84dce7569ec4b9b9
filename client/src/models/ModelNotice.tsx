/**
 * A calm banner when a 3D model file could not be used: it names the file and the problem, says what is
 * drawn instead, and stays until dismissed (a scene author needs time to read a path).
 */
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { noticeText, useModelStatus } from './model-status.ts';

const MAX_SHOWN = 4;

export function ModelNotice() {
  // Renders again on a change of language; the messages are put in words here, in the language shown.
  const { t } = useTranslation();
  const notices = useModelStatus((s) => s.notices);
  const dismissed = useModelStatus((s) => s.dismissed);
  if (dismissed || notices.length === 0) return null;
  const errors = notices.filter((n) => n.severity === 'error').length;
  const shown = notices.slice(0, MAX_SHOWN);
  return (
    <div data-testid="model-notice" role="status" aria-live="polite" style={box}>
      <div style={{ flex: 1, minWidth: 0 }}>
        <strong style={{ display: 'block', marginBottom: '0.2rem' }}>
          {errors > 0 ? t(notices.length > 1 ? 'models.problems' : 'models.problem') : t(notices.length > 1 ? 'models.warnings' : 'models.warning')}
        </strong>
        <ul style={{ margin: 0, paddingLeft: '1.1rem' }}>
          {shown.map((n) => (
            <li key={`${n.file}\n${JSON.stringify(n.message)}`} data-severity={n.severity}>
              <code style={{ fontSize: '0.85em', wordBreak: 'break-all' }}>{n.file}</code> {noticeText(n.message)}
            </li>
          ))}
          {notices.length > MAX_SHOWN && <li>{t('models.more', { count: notices.length - MAX_SHOWN })}</li>}
        </ul>
      </div>
      <button type="button" aria-label={t('common.dismiss')} onClick={() => useModelStatus.getState().dismiss()} style={close}>
        ×
      </button>
    </div>
  );
}

const box: CSSProperties = {
  position: 'absolute',
  top: '5.2rem',
  left: '50%',
  transform: 'translateX(-50%)',
  display: 'flex',
  gap: '0.6rem',
  alignItems: 'flex-start',
  maxWidth: 'min(40rem, calc(100vw - 2rem))',
  padding: '0.6rem 0.6rem 0.6rem 1rem',
  borderRadius: 10,
  borderLeft: '4px solid #e69f00',
  background: 'var(--glass-strong, rgba(255,255,255,0.95))',
  boxShadow: 'var(--shadow, 0 8px 28px rgba(20,30,45,0.16))',
  color: 'var(--ink, #17202b)',
  fontSize: '0.88rem',
  lineHeight: 1.35,
  zIndex: 25,
};

const close: CSSProperties = {
  border: 0,
  background: 'transparent',
  fontSize: '1.2rem',
  lineHeight: 1,
  color: 'var(--ink-3, #6b7685)',
  cursor: 'pointer',
  padding: '0.1rem 0.35rem',
  borderRadius: 6,
};
