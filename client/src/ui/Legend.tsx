import { useState } from 'react';
import { stationStates } from '../../../protocol/state.ts';
import { inkOn, staleIcon, stateIcon, stationStateColor, stationStateMeaning, STALE_COLOR, UNPAINTED_COLOR } from '../palette.ts';

/** Static: rendered once, so it costs nothing while states stream. */
export function Legend() {
  const [open, setOpen] = useState(true);
  return (
    <section className={open ? 'legend' : 'legend closed'} data-testid="legend" aria-label="Legend">
      <button type="button" className="legend-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Legend <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
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
      {open && (
        <p className="legend-foot">
          Slab and stack light: station state. Glow at a robot&apos;s tool: tool active. <span className="chip" style={{ background: UNPAINTED_COLOR }} /> body
          in white (unpainted).
        </p>
      )}
    </section>
  );
}
