/**
 * Source health: a badge in the top bar that opens a panel listing the server's data sources (GET /healthz):
 * kind, target, connection, message rate and total, rejects per reason, stale entities. Polled every 3 s
 * while open; while closed a slow poll only looks for trouble, and the badge says what is wrong. React
 * commits only when what is shown changes.
 */
import { useEffect, useRef, useState } from 'react';
import { fetchHealth, problemsOf, type HealthReport, type SourceReport } from '../net/health.ts';
import { formatTime } from './format.ts';

const OPEN_POLL_MS = 3000;
const CLOSED_POLL_MS = 15_000;

const kindLabel: Record<string, string> = { simulator: 'Simulator', replay: 'Replay', mqtt: 'MQTT', sparkplug: 'Sparkplug B' };
const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function SourceHealth() {
  const [open, setOpen] = useState(false);
  const [report, setReport] = useState<HealthReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
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
        const pk = p.join('|');
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
        const msg = e instanceof Error ? e.message : String(e);
        if (msg !== shown.current.error) {
          shown.current.error = msg;
          setError(msg);
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

  const trouble = problems.length > 0 || error !== null;
  const summary = error !== null ? 'Health unknown' : problems.length === 0 ? 'Sources OK' : problems.length === 1 ? problems[0] : `${problems[0]} +${problems.length - 1}`;
  return (
    <div className="health" ref={root} data-testid="source-health" data-state={trouble ? 'warn' : 'ok'}>
      <button
        type="button"
        className={`health-toggle${trouble ? ' warn' : ''}`}
        data-testid="source-health-toggle"
        aria-expanded={open}
        aria-haspopup="dialog"
        title={trouble ? `Data sources: ${[...problems, ...(error ? [error] : [])].join('; ')}` : 'Data sources: all well. Click for details.'}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="health-dot" aria-hidden="true" />
        {summary}
      </button>
      {open && (
        <div className="health-panel" role="dialog" aria-label="Data source health">
          <div className="health-head">
            <span>Data sources</span>
            <span className="muted">refreshed every {OPEN_POLL_MS / 1000} s</span>
          </div>
          {error !== null && <p className="health-error">The health report is unavailable: {error}.</p>}
          {report === null && error === null && <p className="muted">Loading…</p>}
          {report?.sources.map((s, i) => <SourceRow key={`${i}-${s.kind}`} source={s} />)}
          {report && report.sources.length === 0 && <p className="muted">This server has no data source.</p>}
          {report && <HubFoot report={report} />}
        </div>
      )}
    </div>
  );
}

function SourceRow({ source: s }: { source: SourceReport }) {
  const rejects = Object.entries(s.rejects ?? {}).filter(([, n]) => typeof n === 'number' && n > 0);
  const facts: Array<[string, string, boolean?]> = [];
  if (typeof s.messageRate === 'number') facts.push(['Rate', `${nf.format(s.messageRate)} msg/s`]);
  if (typeof s.messagesTotal === 'number') facts.push(['Total', `${nf.format(s.messagesTotal)} messages`]);
  if (typeof s.lastMessageAt === 'number') facts.push(['Last message', ago(s.lastMessageAt)]);
  if (typeof s.staleEntities === 'number') facts.push(['Stale entities', nf.format(s.staleEntities), s.staleEntities > 0]);
  if (s.rejects) facts.push(['Rejects', rejects.length === 0 ? 'none' : rejects.map(([r, n]) => `${r} ${nf.format(n)}`).join(' · '), rejects.length > 0]);
  const conn = s.connection ?? null;
  return (
    <div className="source-row" data-testid="source-row" data-kind={s.kind} data-connection={conn ?? ''}>
      <div className="source-top">
        <span className="source-kind">{kindLabel[s.kind] ?? s.kind}</span>
        {conn && <span className={`conn conn-${conn}`}>{conn}</span>}
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
        <p className="muted source-none">This source reports no details.</p>
      )}
    </div>
  );
}

function HubFoot({ report }: { report: HealthReport }) {
  const rejected = Object.entries(report.changes?.rejected ?? {}).filter(([, n]) => n > 0);
  const h = report.history;
  return (
    <div className="health-foot">
      {typeof report.changes?.in === 'number' && <span>{nf.format(report.changes.in)} changes in</span>}
      {rejected.length > 0 && <span className="warn">rejected: {rejected.map(([r, n]) => `${r} ${nf.format(n)}`).join(' · ')}</span>}
      {h && h.from !== null && h.to !== null && (
        <span>
          history {formatTime(h.from)}–{formatTime(h.to)}
        </span>
      )}
      {typeof report.clients === 'number' && <span>{report.clients} viewers</span>}
    </div>
  );
}

function ago(t: number): string {
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 2) return 'just now';
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return formatTime(t);
}
