/**
 * The station panel's engineer view (GET /api/stations/:id/timeline): a state timeline bar over the window
 * (Gantt-like, one colour per state), the net cycle time of each job with uPlot against takt and nominal,
 * the job in progress and the recent breakdowns. Polled every few seconds; every refresh is drawn or
 * written into the DOM directly, so it causes no React commit.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { stationStates } from '../../../protocol/state.ts';
import type { HttpFailure } from '../../../protocol/http-errors.ts';
import { playback } from '../net/playback.ts';
import { httpFailureOf, refusalText } from '../net/server-error.ts';
import { stationStateColor } from '../palette.ts';
import { useTwin } from '../store/store.ts';
import { i18n } from '../i18n/i18n.ts';
import { formatDuration, formatTime, joinList } from './format.ts';

export const INSIGHT_WINDOW = '15m';
const INSIGHT_MINUTES = 15;
const POLL_MS = 5000;
const UNKNOWN_COLOR = '#d5d9de';

export type TimelineJson = {
  station: string;
  window: { fromMs: number; toMs: number; seconds: number };
  taktTime: number;
  nominalCycleTime: number;
  intervals: Array<{ from: number; to: number; state: string }>;
  jobs: Array<{ job: string | null; start: number; end: number; cycleSeconds: number; startKnown: boolean }>;
  current: { job: string | null; start: number; workSeconds: number } | null;
  breakdowns: Array<{ from: number; to: number; seconds: number; ongoing: boolean }>;
};

/** Shares of the window per state, for the bar's title (and a person who cannot tell the colours apart). */
export function stateShares(tl: Pick<TimelineJson, 'intervals' | 'window'>): Record<string, number> {
  const span = tl.window.toMs - tl.window.fromMs;
  const out: Record<string, number> = {};
  for (const iv of tl.intervals) out[iv.state] = (out[iv.state] ?? 0) + (iv.to - iv.from) / (span || 1);
  return out;
}

/** The window in words ("15m"), for the titles. */
const windowText = () => i18n.t('insights.window', { minutes: INSIGHT_MINUTES });

export function StationInsights({ id }: { id: string }) {
  const { t } = useTranslation();
  const gantt = useRef<HTMLCanvasElement>(null);
  const axisFrom = useRef<HTMLSpanElement>(null);
  const axisTo = useRef<HTMLSpanElement>(null);
  const chart = useRef<HTMLDivElement>(null);
  const stats = useRef<HTMLDivElement>(null);
  const current = useRef<HTMLDivElement>(null);
  const downs = useRef<HTMLUListElement>(null);
  const note = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let stopped = false;
    let timer = 0;
    const el = chart.current!;
    // uPlot loads with the first station panel opened, not with the app: the plant's first frame does not wait for it.
    let plot: uPlot | null = null;
    const makePlot = (UPlot: typeof uPlot) =>
      new UPlot(
        {
          width: Math.max(200, el.clientWidth || 280),
          height: 120,
          ms: 1,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: true } },
          axes: [
            // Plain hh:mm: uPlot's default time labels add a second line (the date) that has no room here.
            { size: 24, font: '10px system-ui', ticks: { size: 3 }, values: (_u, v) => v.map((x) => new Date(x).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false })) },
            { size: 34, font: '10px system-ui', ticks: { size: 3 }, values: (_u, v) => v.map((x) => i18n.t('insights.axisSeconds', { value: x })) },
          ],
          series: [
            {},
            { label: i18n.t('insights.seriesCycle'), stroke: '#1f6feb', width: 1.5, points: { show: true, size: 4 } },
            { label: i18n.t('insights.seriesTakt'), stroke: '#b2182b', width: 1, dash: [4, 3], points: { show: false } },
            { label: i18n.t('insights.seriesNominal'), stroke: '#6b7685', width: 1, dash: [2, 3], points: { show: false } },
          ],
        },
        [[], [], [], []],
        el,
      );

    // The last timeline drawn: written again in the new language when the language changes.
    let last: TimelineJson | null = null;
    // Why the last poll drew nothing (status 0: no answer); kept as it came, so it is worded again too.
    let problem: { status: number; failure: HttpFailure | null } | null = null;
    const showProblem = () => {
      const n = note.current;
      if (!n || !problem) return;
      n.hidden = false;
      n.textContent = problem.failure
        ? refusalText(problem.failure, 'http')
        : problem.status === 0
          ? i18n.t('insights.unreachable')
          : i18n.t('insights.serverAnswered', { status: problem.status });
    };
    const draw = (tl: TimelineJson) => {
      last = tl;
      const c = gantt.current;
      if (c) {
        const w = c.clientWidth || 280;
        const h = c.clientHeight || 22;
        const dpr = window.devicePixelRatio || 1;
        if (c.width !== Math.round(w * dpr)) c.width = Math.round(w * dpr);
        if (c.height !== Math.round(h * dpr)) c.height = Math.round(h * dpr);
        const g = c.getContext('2d')!;
        g.setTransform(dpr, 0, 0, dpr, 0, 0);
        g.fillStyle = UNKNOWN_COLOR;
        g.fillRect(0, 0, w, h);
        const span = tl.window.toMs - tl.window.fromMs || 1;
        for (const iv of tl.intervals) {
          const x0 = ((iv.from - tl.window.fromMs) / span) * w;
          const x1 = ((iv.to - tl.window.fromMs) / span) * w;
          g.fillStyle = (stationStateColor as Record<string, string>)[iv.state] ?? UNKNOWN_COLOR;
          // At least a pixel: a short stop must still be seen.
          g.fillRect(x0, 0, Math.max(1, x1 - x0), h);
        }
        const shares = stateShares(tl);
        c.title = joinList(
          stationStates.filter((s) => shares[s] > 0).map((s) => `${i18n.t(`state.${s}`)} ${Math.round(shares[s] * 100)} %`),
        );
        c.dataset.intervals = String(tl.intervals.length);
      }
      if (axisFrom.current) axisFrom.current.textContent = formatTime(tl.window.fromMs);
      if (axisTo.current) axisTo.current.textContent = formatTime(tl.window.toMs);

      const jobs = tl.jobs.filter((j) => j.startKnown);
      const xs = jobs.map((j) => j.end);
      const ys = jobs.map((j) => j.cycleSeconds);
      plot?.setData([xs, ys, xs.map(() => tl.taktTime), xs.map(() => tl.nominalCycleTime)]);
      if (stats.current) {
        if (ys.length === 0) stats.current.textContent = i18n.t('insights.noCycle');
        else {
          const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
          const over = ys.filter((y) => y > tl.taktTime).length;
          stats.current.textContent = i18n.t('insights.cycleStats', {
            count: ys.length,
            mean: mean.toFixed(1),
            max: Math.max(...ys).toFixed(1),
            over,
            takt: tl.taktTime,
            nominal: tl.nominalCycleTime,
          });
        }
      }
      if (current.current) {
        const cur = tl.current;
        current.current.textContent = cur
          ? i18n.t('insights.currentJob', { job: cur.job ?? i18n.t('insights.jobWithoutId'), since: formatTime(cur.start), duration: formatDuration(cur.workSeconds) })
          : i18n.t('insights.noJob');
      }
      const list = downs.current;
      if (list) {
        const recent = tl.breakdowns.slice(-5).reverse();
        list.replaceChildren(
          ...(recent.length === 0
            ? [Object.assign(document.createElement('li'), { textContent: i18n.t('insights.noBreakdowns', { window: windowText() }) })]
            : recent.map((b) => {
                const li = document.createElement('li');
                li.dataset.testid = 'breakdown';
                li.textContent = b.ongoing
                  ? i18n.t('insights.breakdownOngoing', { from: formatTime(b.from), duration: formatDuration(b.seconds) })
                  : `${formatTime(b.from)}–${formatTime(b.to)} (${formatDuration(b.seconds)})`;
                return li;
              })),
        );
      }
      if (note.current) note.current.hidden = true;
    };

    const poll = async () => {
      const inPlayback = useTwin.getState().playback?.mode === 'playback';
      const cursor = playback.cursor();
      const q = inPlayback && cursor !== null ? `to=${Math.round(cursor)}&window=${INSIGHT_WINDOW}` : `window=${INSIGHT_WINDOW}`;
      try {
        const res = await fetch(`/api/stations/${encodeURIComponent(id)}/timeline?${q}`, { cache: 'no-store', signal: AbortSignal.timeout(10_000) });
        const json = (await res.json().catch(() => null)) as TimelineJson | null;
        if (stopped) return;
        if (res.ok && json && Array.isArray(json.intervals)) {
          problem = null;
          draw(json);
        } else {
          problem = { status: res.status, failure: httpFailureOf(json) };
          showProblem();
        }
      } catch {
        if (!stopped) {
          problem = { status: 0, failure: null };
          showProblem();
        }
      }
      if (!stopped) timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    void import('uplot').then(
      (m) => {
        if (stopped) return;
        plot = makePlot(m.default);
        if (last) draw(last);
      },
      () => {
        // The chart's code did not load (the server went away mid-upgrade): the other sections still work.
      },
    );
    void poll();
    // Texts written into the DOM are written again in the new language (axis labels with the next redraw).
    const relabel = () => {
      plot?.redraw(false, true);
      if (last) draw(last);
      showProblem();
    };
    i18n.on('languageChanged', relabel);
    return () => {
      stopped = true;
      i18n.off('languageChanged', relabel);
      window.clearTimeout(timer);
      plot?.destroy();
    };
  }, [id]);

  return (
    <div className="insights" data-testid="station-insights">
      <section className="insight">
        <h3 className="insight-title">{t('insights.statesTitle', { window: windowText() })}</h3>
        <canvas ref={gantt} className="gantt" data-testid="station-gantt" role="img" aria-label={t('insights.ganttAria')} />
        <div className="gantt-axis">
          <span ref={axisFrom} />
          <span ref={axisTo} />
        </div>
      </section>
      <section className="insight">
        <h3 className="insight-title">{t('insights.cycleTitle')}</h3>
        <div ref={chart} data-testid="cycle-chart" />
        <div ref={stats} className="insight-note" data-testid="cycle-stats" />
      </section>
      <section className="insight">
        <h3 className="insight-title">{t('panel.currentJob')}</h3>
        <div ref={current} className="insight-note" data-testid="station-current-job" />
      </section>
      <section className="insight">
        <h3 className="insight-title">{t('insights.breakdownsTitle')}</h3>
        <ul ref={downs} className="mini-list" data-testid="station-breakdowns" />
      </section>
      <div ref={note} className="insight-note" hidden />
    </div>
  );
}
