/**
 * Line KPIs in the top bar (GET /api/kpis via the analytics feed): jobs per hour against plan, work in
 * progress, bodies completed, takt adherence, and the bottleneck. Rendered once; each new report is written
 * into the DOM through refs, so a refresh every few seconds causes no React commit.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n/i18n.ts';
import { analyticsFeed, MIN_RATE_SECONDS, onFeed, shownRate, WINDOW } from '../store/analytics-feed.ts';

type Refs = { jph: HTMLSpanElement | null; wip: HTMLSpanElement | null; done: HTMLSpanElement | null; takt: HTMLSpanElement | null; bn: HTMLSpanElement | null; bar: HTMLDivElement | null };

function setText(el: Element | null, text: string): void {
  if (el && el.textContent !== text) el.textContent = text;
}

export function KpiBar() {
  const r = useRef<Refs>({ jph: null, wip: null, done: null, takt: null, bn: null, bar: null });
  useEffect(() => {
    const write = () => {
      const refs = r.current;
      const rep = analyticsFeed.report;
      if (refs.bar) {
        refs.bar.dataset.state = rep ? 'ok' : 'none';
        refs.bar.title = rep
          ? i18n.t('kpi.title', {
              window: rep.window.seconds >= 3599 ? WINDOW : i18n.t('kpi.minutes', { minutes: Math.round(rep.window.seconds / 60) }),
              from: new Date(rep.window.fromMs).toLocaleTimeString(),
              to: new Date(rep.window.toMs).toLocaleTimeString(),
            })
          : i18n.t('kpi.titleNone', { problem: analyticsFeed.problem ? i18n.t(analyticsFeed.problem.key, analyticsFeed.problem.values ?? {}) : i18n.t('kpi.noData') });
      }
      if (!rep) {
        for (const el of [refs.jph, refs.wip, refs.done, refs.takt, refs.bn]) setText(el, '—');
        return;
      }
      const l = rep.line;
      const jph = shownRate(l.jobsPerHour, rep.window.seconds);
      setText(refs.jph, `${jph === null ? '—' : jph.toFixed(1)} / ${l.plannedJobsPerHour.toFixed(0)}`);
      if (refs.jph) refs.jph.title = jph !== null ? '' : i18n.t('kpi.rateTooShort', { needed: MIN_RATE_SECONDS / 60, have: Math.floor(rep.window.seconds / 60) });
      refs.jph?.classList.toggle('warn', jph !== null && l.jphVsPlan < 0.95);
      setText(refs.wip, l.wip.atEnd === null ? '—' : String(l.wip.atEnd));
      setText(refs.done, String(l.bodiesCompleted));
      setText(refs.takt, l.taktAdherence === null ? '—' : `${Math.round(l.taktAdherence * 100)} %`);
      refs.takt?.classList.toggle('warn', l.taktAdherence !== null && l.taktAdherence < 0.8);
      const b = analyticsFeed.bottleneckInfo;
      setText(refs.bn, b ? b.station : '—');
    };
    write();
    // The titles are written again in the new language when the language changes.
    i18n.on('languageChanged', write);
    const off = onFeed(write);
    return () => {
      i18n.off('languageChanged', write);
      off();
    };
  }, []);
  const { t } = useTranslation();
  const refs = r.current;
  return (
    <div className="kpibar" data-testid="kpi-bar" ref={(el) => void (refs.bar = el)} aria-label={t('kpi.aria')}>
      <Kpi label={t('kpi.jph')} set={(el) => void (refs.jph = el)} testId="kpi-jph" />
      <Kpi label={t('kpi.wip')} set={(el) => void (refs.wip = el)} testId="kpi-wip" />
      <Kpi label={t('kpi.done', { window: WINDOW })} set={(el) => void (refs.done = el)} testId="kpi-done" />
      <Kpi label={t('kpi.takt')} set={(el) => void (refs.takt = el)} testId="kpi-takt" />
      <Kpi label={t('kpi.bottleneck')} set={(el) => void (refs.bn = el)} testId="kpi-bottleneck" className="kpi-bottleneck" />
    </div>
  );
}

function Kpi({ label, set, testId, className }: { label: string; set: (el: HTMLSpanElement | null) => void; testId: string; className?: string }) {
  return (
    <div className={className ? `kpi ${className}` : 'kpi'}>
      <span className="kpi-label">{label}</span>
      <span className="kpi-value" data-testid={testId} ref={set}>
        —
      </span>
    </div>
  );
}
