import { useTranslation } from 'react-i18next';

type Props = { phase: 'loading' } | { phase: 'retrying'; reason: string; retryInS: number; attempt: number };

export function LoadingScreen(props: Props) {
  const { t } = useTranslation();
  return (
    <div className="screen" role="status" aria-live="polite">
      <div className="screen-card">
        <div className="screen-logo" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
        <h1>linetwin</h1>
        {props.phase === 'loading' ? (
          <p>{t('loading.plant')}</p>
        ) : (
          <>
            <p>{t('loading.waiting', { reason: props.reason })}</p>
            <p className="muted">{t('loading.retry', { seconds: props.retryInS, attempt: props.attempt })}</p>
          </>
        )}
      </div>
    </div>
  );
}
