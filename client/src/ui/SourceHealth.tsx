/**
 * Source health: a badge in the top bar that opens a panel listing the server's data sources (GET /healthz):
 * kind, target, connection, message rate and total, rejects per reason, stale entities. Polled every 3 s
 * while open; while closed a slow poll only looks for trouble, and the badge says what is wrong. React
 * commits only when what is shown changes.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n/i18n.ts';
import { fetchHealth, HealthError, problemsOf, type HealthProblem, type HealthReport, type SourceReport } from '../net/health.ts';
import { formatTime } from './format.ts';

const OPEN_POLL_MS = 3000;
const CLOSED_POLL_MS = 15_000;

/** Protocol names read the same in every language; the others come from the dictionaries. */
const protocolNames: Record<string, string> = { mqtt: 'MQTT', sparkplug: 'Sparkplug B' };
const translatedKinds = new Set(['simulator', 'replay']);
const kindLabel = (kind: string) => protocolNames[kind] ?? (translatedKinds.has(kind) ? i18n.t(`health.kind.${kind}`) : kind);
const knownConnections = new Set(['connected', 'connecting', 'disconnected', 'running', 'stopped']);
const connectionLabel = (c: string) => (knownConnections.has(c) ? i18n.t(`health.connection.${c}`) : c);

/** A problem in words, in the language shown (the source kind as the server names it, as before). */
function problemText(p: HealthProblem): string {
  switch (p.kind) {
    case 'connection':
      return i18n.t('health.problemConnection', { source: p.source, connection: connectionLabel(p.connection) });
    case 'stale':
      return i18n.t('health.problemStale', { count: p.count });
    case 'rejecting':
      return i18n.t('health.problemRejecting', { source: p.source });
  }
}

/** A failed poll: ours in the dictionaries' words, anything else (the browser's) as it came. */
type PollError = { key: string | null; values: Record<string, string | number>; message: string };
const errorText = (e: PollError) => (e.key ? i18n.t(e.key, e.values) : e.message);
const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function SourceHealth() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [report, setReport] = useState<HealthReport | null>(null);
  const [pollError, setError] = useState<PollError | null>(null);
  const [found, setProblems] = useState<HealthProblem[]>([]);
  const shown = useRef({ report: '', problems: '', error: '' as string | null });
  const previous = useRef<HealthReport | null>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    let timer = 0;
    const poll = async () => {
      try {
        const r = await fetchHealth();
        if (cancelled) return;
        const p = problemsOf(r, previous.current);
        previous.current = r;
        const pk = JSON.stringify(p);
        if (pk !== shown.current.problems) {
          shown.current.problems = pk;
          setProblems(p);
        }
        if (shown.current.error !== null) {
          shown.current.error = null;
          setError(null);
        }
        // Closed, the report is not shown: no render for it.
        const rk = open ? JSON.stringify(r) : '';
        if (open && rk !== shown.current.report) {
          shown.current.report = rk;
          setReport(r);
        }
      } catch (e) {
        if (cancelled) return;
        const pe: PollError = e instanceof HealthError ? { key: e.key, values: e.values, message: e.message } : { key: null, values: {}, message: e instanceof Error ? e.message : String(e) };
        const msg = JSON.stringify(pe);
        if (msg !== shown.current.error) {
          shown.current.error = msg;
          setError(pe);
        }
      }
      if (!cancelled) timer = window.setTimeout(() => void poll(), open ? OPEN_POLL_MS : CLOSED_POLL_MS);
    };
    void poll();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [open]);

  // Closes on Escape or a click elsewhere, like any popover.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    const onDown = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onDown);
    };
  }, [open]);

  // Put in words at render: a change of language renders this component (useTranslation) and rewrites them.
  const problems = found.map(problemText);
  const error = pollError && errorText(pollError);
  const trouble = problems.length > 0 || error !== null;
  const summary = error !== null ? t('health.unknown') : problems.length === 0 ? t('health.ok') : problems.length === 1 ? problems[0] : `${problems[0]} +${problems.length - 1}`;
  return (
    <div className="health" ref={root} data-testid="source-health" data-state={trouble ? 'warn' : 'ok'}>
      <button
        type="button"
        className={`health-toggle${trouble ? ' warn' : ''}`}
        data-testid="source-health-toggle"
        aria-expanded={open}
        aria-haspopup="dialog"
        title={trouble ? t('health.troubleTitle', { problems: [...problems, ...(error ? [error] : [])].join('; ') }) : t('health.okTitle')}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="health-dot" aria-hidden="true" />
        <span className="health-text">{summary}</span>
      </button>
      {open && (
        <div className="health-panel" role="dialog" aria-label={t('health.dialog')}>
          <div className="health-head">
            <span>{t('health.title')}</span>
            <span className="muted">{t('health.refreshed', { seconds: OPEN_POLL_MS / 1000 })}</span>
          </div>
          {error !== null && <p className="health-error">{t('health.unavailable', { error })}</p>}
          {report === null && error === null && <p className="muted">{t('common.loading')}</p>}
          {report?.sources.map((s, i) => <SourceRow key={`${i}-${s.kind}`} source={s} />)}
          {report && report.sources.length === 0 && <p className="muted">{t('health.noSource')}</p>}
          {report && <HubFoot report={report} />}
        </div>
      )}
    </div>
  );
}

function SourceRow({ source: s }: { source: SourceReport }) {
  const { t } = useTranslation();
  const rejects = Object.entries(s.rejects ?? {}).filter(([, n]) => typeof n === 'number' && n > 0);
  const facts: Array<[string, string, boolean?]> = [];
  if (typeof s.messageRate === 'number') facts.push([t('health.rate'), t('health.rateValue', { rate: nf.format(s.messageRate) })]);
  if (typeof s.messagesTotal === 'number') facts.push([t('health.total'), t('health.totalValue', { count: nf.format(s.messagesTotal) })]);
  if (typeof s.lastMessageAt === 'number') facts.push([t('health.lastMessage'), ago(s.lastMessageAt)]);
  if (typeof s.staleEntities === 'number') facts.push([t('health.staleEntities'), nf.format(s.staleEntities), s.staleEntities > 0]);
  if (s.rejects) facts.push([t('health.rejects'), rejects.length === 0 ? t('common.none') : rejects.map(([r, n]) => `${r} ${nf.format(n)}`).join(' · '), rejects.length > 0]);
  const conn = s.connection ?? null;
  return (
    <div className="source-row" data-testid="source-row" data-kind={s.kind} data-connection={conn ?? ''}>
      <div className="source-top">
        <span className="source-kind">{kindLabel(s.kind)}</span>
        {conn && <span className={`conn conn-${conn}`}>{connectionLabel(conn)}</span>}
      </div>
      {s.target && <div className="source-target mono">{s.target}</div>}
      {facts.length > 0 ? (
        <dl className="source-facts">
          {facts.map(([k, v, warn]) => (
            <div key={k} className="source-fact">
              <dt>{k}</dt>
              <dd className={warn ? 'warn' : undefined}>{v}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted source-none">{t('health.noDetails')}</p>
      )}
    </div>
  );
}

function HubFoot({ report }: { report: HealthReport }) {
  const { t } = useTranslation();
  const rejected = Object.entries(report.changes?.rejected ?? {}).filter(([, n]) => n > 0);
  const h = report.history;
  return (
    <div className="health-foot">
      {typeof report.changes?.in === 'number' && <span>{t('health.changesIn', { count: nf.format(report.changes.in) })}</span>}
      {rejected.length > 0 && <span className="warn">{t('health.rejected', { list: rejected.map(([r, n]) => `${r} ${nf.format(n)}`).join(' · ') })}</span>}
      {h && h.from !== null && h.to !== null && (
        <span>{t('health.history', { from: formatTime(h.from), to: formatTime(h.to) })}</span>
      )}
      {typeof report.clients === 'number' && <span>{t('health.viewers', { count: report.clients })}</span>}
    </div>
  );
}

function ago(t: number): string {
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 2) return i18n.t('health.justNow');
  if (s < 120) return i18n.t('health.secondsAgo', { seconds: s });
  if (s < 7200) return i18n.t('health.minutesAgo', { minutes: Math.round(s / 60) });
  return formatTime(t);
}
