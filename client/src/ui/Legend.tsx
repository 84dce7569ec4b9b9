import { useState } from 'react';
import { stationStates } from '../../../protocol/state.ts';
import { inkOn, staleIcon, stateIcon, stationStateColor, stationStateMeaning, STALE_COLOR, UNPAINTED_COLOR } from '../palette.ts';
import { WINDOW } from '../store/analytics-feed.ts';
import { heatGradientCss, heatmapModes, heatScales, NO_DATA_HEX, type HeatmapMode } from '../store/heat-scale.ts';
import { useTwin } from '../store/store.ts';
import { BOTTLENECK_COLOR, BUFFER_COLOR, BUFFER_FULL_COLOR, ROUTE_COLOR } from '../palette.ts';

const modeLabel = (m: HeatmapMode) => (m === 'state' ? 'State (live)' : heatScales[m].label);

/**
 * The colour key, with the heatmap mode picker. Renders when the mode changes (a person's click), never
 * while states stream or KPIs refresh.
 */
export function Legend() {
  const [open, setOpen] = useState(true);
  const mode = useTwin((s) => s.heatmap);
  const inPlayback = useTwin((s) => s.playback?.mode === 'playback');
  return (
    <section className={open ? 'legend' : 'legend closed'} data-testid="legend" data-heatmap={mode} aria-label="Legend">
      <button type="button" className="legend-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Legend <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      <label className="heat-picker">
        <span>Colour stations by</span>
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
            <li key={s} className="legend-row" title={`${s}: ${stationStateMeaning[s]}`}>
              <span className="swatch" style={{ background: stationStateColor[s], color: inkOn(stationStateColor[s]) }} dangerouslySetInnerHTML={{ __html: stateIcon[s] }} />
              <span className="legend-name">{s}</span>
              <span className="legend-meaning">{stationStateMeaning[s]}</span>
            </li>
          ))}
          <li className="legend-row legend-note" title="The last known state, greyed out: the data is stale or of bad quality">
            <span className="swatch" style={{ background: STALE_COLOR, color: '#fff' }} dangerouslySetInnerHTML={{ __html: staleIcon }} />
            <span className="legend-name">faded</span>
            <span className="legend-meaning">data stale or bad quality</span>
          </li>
        </ul>
      ) : (
        <div className="legend-list heat-legend" data-testid="heat-legend">
          <div className="heat-meaning">{heatScales[mode].meaning}</div>
          <div className="heat-bar" style={{ background: heatGradientCss(heatScales[mode]) }} />
          <div className="heat-ticks">
            {heatScales[mode].ticks.map((t) => (
              <span key={t}>{t}</span>
            ))}
          </div>
          <div className="heat-nodata">
            <span className="chip" style={{ background: NO_DATA_HEX }} /> no data in the window
          </div>
          <div className="heat-window">
            Over the {inPlayback ? `${WINDOW} up to the playback time` : `last ${WINDOW}`}. Stack lights still show the live state.
          </div>
        </div>
      )}
      {open && (
        <p className="legend-foot">
          <span className="chip" style={{ background: BOTTLENECK_COLOR }} /> ring and beam: bottleneck now. <span className="chip" style={{ background: BUFFER_COLOR }} />
          <span className="chip" style={{ background: BUFFER_FULL_COLOR }} /> gauge by a conveyor: bodies on it of its capacity (red: full).{' '}
          <span className="chip" style={{ background: ROUTE_COLOR }} /> ribbon: the selected body&apos;s route. Glow at a robot&apos;s tool: tool active.{' '}
          <span className="chip" style={{ background: UNPAINTED_COLOR }} /> body in white.
        </p>
      )}
    </section>
  );
}
