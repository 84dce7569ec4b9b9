import { currentLanguage, i18n } from '../i18n/i18n.ts';

/** Local time of day with seconds, for source timestamps (epoch ms). */
export function formatTime(ts: number): string {
  if (!Number.isFinite(ts) || ts <= 0) return '—';
  return new Date(ts).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** Local date and time, for the panel (a simulated clock may be on another day). */
export function formatDateTime(ts: number): string {
  if (!Number.isFinite(ts) || ts <= 0) return '—';
  const d = new Date(ts);
  const today = new Date();
  const time = formatTime(ts);
  return d.toDateString() === today.toDateString() ? time : `${d.toLocaleDateString(currentLanguage())} ${time}`;
}

export function titleCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A short duration for the panels: whole seconds up to 90 s, then minutes with one decimal. */
export function formatDuration(seconds: number): string {
  return seconds >= 90 ? i18n.t('duration.minutes', { value: (seconds / 60).toFixed(1) }) : i18n.t('duration.seconds', { value: seconds.toFixed(0) });
}

/** Joins short items into one line, with the comma of the language shown. */
export function joinList(items: string[]): string {
  return items.join(currentLanguage() === 'zh-CN' ? '，' : ', ');
}
