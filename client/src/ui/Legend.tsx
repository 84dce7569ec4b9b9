import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { stationStates } from '../../../protocol/state.ts';
import { inkOn, staleIcon, stateIcon, stationStateColor, STALE_COLOR, UNPAINTED_COLOR } from '../palette.ts';

/** Static: rendered once (and on a language change), so it costs nothing while states stream. */
export function Legend() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(true);
  return (
    <section className={open ? 'legend' : 'legend closed'} data-testid="legend" aria-label={t('legend.title')}>
      <button type="button" className="legend-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {t('legend.title')} <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      <ul className="legend-list">
        {stationStates.map((s) => (
          <li key={s} className="legend-row" title={`${t(`state.${s}`)}: ${t(`stateMeaning.${s}`)}`}>
            <span className="swatch" style={{ background: stationStateColor[s], color: inkOn(stationStateColor[s]) }} dangerouslySetInnerHTML={{ __html: stateIcon[s] }} />
            <span className="legend-name">{t(`state.${s}`)}</span>
            <span className="legend-meaning">{t(`stateMeaning.${s}`)}</span>
          </li>
        ))}
        <li className="legend-row legend-note" title={t('legend.fadedTitle')}>
          <span className="swatch" style={{ background: STALE_COLOR, color: '#fff' }} dangerouslySetInnerHTML={{ __html: staleIcon }} />
          <span className="legend-name">{t('legend.faded')}</span>
          <span className="legend-meaning">{t('legend.fadedMeaning')}</span>
        </li>
      </ul>
      {open && (
        <p className="legend-foot">
          {t('legend.foot')} <span className="chip" style={{ background: UNPAINTED_COLOR }} /> {t('legend.bodyInWhite')}
        </p>
      )}
    </section>
  );
}
