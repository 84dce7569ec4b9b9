/**
 * The followed body's route in the panel: each station and conveyor it passed, when it entered, and how
 * long it stayed (the same route the ribbon draws in 3D). Written into the DOM when the route feed updates.
 */
import { useEffect, useRef } from 'react';
import { onRoute, routeFeed } from '../store/body-route.ts';
import { formatTime } from './format.ts';

const dwell = (s: number) => (s >= 90 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

export function BodyRoutePanel({ vin }: { vin: string }) {
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
        sum.textContent = routeFeed.problem ?? 'Loading the route…';
        return;
      }
      const rows = r.visits.map((v) => {
        const tr = document.createElement('tr');
        tr.className = v.kind === 'station' ? 'route-station' : 'route-conveyor';
        tr.dataset.testid = 'route-row';
        tr.dataset.kind = v.kind;
        tr.dataset.id = v.id;
        const cells = [v.kind === 'station' ? `${v.id} · ${v.name}` : `↳ ${v.id}`, formatTime(v.from), `${dwell(v.dwellSeconds)}${v.open ? ' …' : ''}`];
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
      sum.textContent = `${stations} station${stations === 1 ? '' : 's'} · ${dwell(r.stationSeconds)} at stations of ${dwell(r.totalSeconds)} in the plant${r.inPlant ? ' so far' : ' (left the plant)'}${r.notes.length ? ` · ${r.notes.join('; ')}` : ''}`;
    };
    write();
    return onRoute(write);
  }, [vin]);
  return (
    <section className="insight" data-testid="body-route">
      <h3 className="insight-title">Route through the plant</h3>
      <div ref={summary} className="insight-note" data-testid="route-summary" />
      <table className="route-table">
        <thead>
          <tr>
            <th>Place</th>
            <th>Entered</th>
            <th className="num">Dwell</th>
          </tr>
        </thead>
        <tbody ref={body} />
      </table>
    </section>
  );
}
