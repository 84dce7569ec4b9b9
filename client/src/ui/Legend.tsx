import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { stationStates } from '../../../protocol/state.ts';
import { inkOn, staleIcon, stateIcon, stationStateColor, STALE_COLOR, UNPAINTED_COLOR } from '../palette.ts';
import { WINDOW } from '../store/analytics-feed.ts';
import { heatGradientCss, heatLabel, heatMeaning, heatmapModes, heatScales, NO_DATA_HEX, tickText, type HeatmapMode, type Translate } from '../store/heat-scale.ts';
import { useTwin } from '../store/store.ts';
import { BOTTLENECK_COLOR, BUFFER_COLOR, BUFFER_FULL_COLOR, ROUTE_COLOR } from '../palette.ts';


/**
 * The colour key, with the heatmap mode picker. Renders when the mode changes (a person's click), never
 * while states stream or KPIs refresh.
 */
export function Legend() {
  const { t } = useTranslation();
  const tr: Translate = (key, values) => t(key, values ?? {});
  const modeLabel = (m: HeatmapMode) => (m === 'state' ? t('legend.stateLive') : heatLabel(m, tr));
  const [open, setOpen] = useState(true);
  const mode = useTwin((s) => s.heatmap);
  const inPlayback = useTwin((s) => s.playback?.mode === 'playback');
  return (
    <section className={open ? 'legend' : 'legend closed'} data-testid="legend" data-heatmap={mode} aria-label={t('legend.title')}>
      <button type="button" className="legend-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {t('legend.title')} <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      <label className="heat-picker">
        <span>{t('legend.colourBy')}</span>
        <select data-testid="heatmap-mode" value={mode} onChange={(e) => useTwin.getState().setHeatmap(e.target.value as HeatmapMode)}>
          {heatmapModes.map((m) => (
            <option key={m} value={m}>
              {modeLabel(m)}
            </option>
          ))}
        </select>
      </label>
      {mode === 'state' ? (
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
      ) : (
        <div className="legend-list heat-legend" data-testid="heat-legend">
          <div className="heat-meaning">{heatMeaning(mode, tr)}</div>
          <div className="heat-bar" style={{ background: heatGradientCss(heatScales[mode]) }} />
          <div className="heat-ticks">
            {heatScales[mode].ticks.map((tick) => (
              <span key={tick}>{tickText(mode, tick, tr)}</span>
            ))}
          </div>
          <div className="heat-nodata">
            <span className="chip" style={{ background: NO_DATA_HEX }} /> {t('legend.noData')}
          </div>
          <div className="heat-window">
            {inPlayback ? t('legend.windowPlayback', { window: WINDOW }) : t('legend.windowLive', { window: WINDOW })}
          </div>
        </div>
      )}
      {open && (
        <p className="legend-foot">
          <span className="chip" style={{ background: BOTTLENECK_COLOR }} /> {t('legend.bottleneck')} <span className="chip" style={{ background: BUFFER_COLOR }} />
          <span className="chip" style={{ background: BUFFER_FULL_COLOR }} /> {t('legend.buffer')}{' '}
          <span className="chip" style={{ background: ROUTE_COLOR }} /> {t('legend.route')} {t('legend.toolGlow')}{' '}
          <span className="chip" style={{ background: UNPAINTED_COLOR }} /> {t('legend.bodyInWhite')}
        </p>
      )}
    </section>
  );
}
