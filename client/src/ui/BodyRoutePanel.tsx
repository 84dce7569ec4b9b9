/**
 * The followed body's route in the panel: each station and conveyor it passed, when it entered, and how
 * long it stayed (the same route the ribbon draws in 3D). Written into the DOM when the route feed updates.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { i18n, nameOf } from '../i18n/i18n.ts';
import { onRoute, routeFeed, routeNotes, routeProblemText } from '../store/body-route.ts';
import { formatDuration as dwell, formatTime } from './format.ts';

export function BodyRoutePanel({ vin, scene }: { vin: string; scene: ResolvedScene }) {
  const { t } = useTranslation();
  const body = useRef<HTMLTableSectionElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const write = () => {
      const tb = body.current;
      const sum = summary.current;
      if (!tb || !sum || routeFeed.vin !== vin) return;
      const r = routeFeed.route;
      if (!r) {
        tb.replaceChildren();
        // The server's error in the language shown (worded again when the language changes).
        sum.textContent = routeFeed.problem ? routeProblemText(routeFeed.problem) : i18n.t('route.loading');
        return;
      }
      const rows = r.visits.map((v) => {
        const tr = document.createElement('tr');
        tr.className = v.kind === 'station' ? 'route-station' : 'route-conveyor';
        tr.dataset.testid = 'route-row';
        tr.dataset.kind = v.kind;
        tr.dataset.id = v.id;
        const station = v.kind === 'station' ? scene.stations.find((s) => s.id === v.id) : undefined;
        const cells = [v.kind === 'station' ? `${v.id} · ${station ? nameOf(station) : v.name}` : `↳ ${v.id}`, formatTime(v.from), `${dwell(v.dwellSeconds)}${v.open ? ' …' : ''}`];
        cells.forEach((text, k) => {
          const td = document.createElement('td');
          td.textContent = text;
          if (k === 2) td.className = 'num';
          tr.append(td);
        });
        return tr;
      });
      tb.replaceChildren(...rows);
      const stations = r.visits.filter((v) => v.kind === 'station').length;
      const values = { stations: i18n.t(stations === 1 ? 'route.oneStation' : 'route.stations', { count: stations }), atStations: dwell(r.stationSeconds), total: dwell(r.totalSeconds) };
      const notes = routeNotes(r);
      sum.textContent = `${i18n.t(r.inPlant ? 'route.inPlant' : 'route.leftPlant', values)}${notes.map((n) => ` · ${n}`).join('')}`;
    };
    write();
    // Written again in the new language when the language changes.
    i18n.on('languageChanged', write);
    const off = onRoute(write);
    return () => {
      i18n.off('languageChanged', write);
      off();
    };
  }, [vin]);
  return (
    <section className="insight" data-testid="body-route">
      <h3 className="insight-title">{t('route.title')}</h3>
      <div ref={summary} className="insight-note" data-testid="route-summary" />
      <table className="route-table">
        <thead>
          <tr>
            <th>{t('route.place')}</th>
            <th>{t('route.entered')}</th>
            <th className="num">{t('route.dwell')}</th>
          </tr>
        </thead>
        <tbody ref={body} />
      </table>
    </section>
  );
}
