/**
 * Time axis for the timeline: tick steps that suit the zoom (a few seconds to a day), aligned to local
 * clock time (an hourly tick falls on the hour in any time zone), with labels a person reads at a glance.
 */
import { currentLanguage, i18n } from '../i18n/i18n.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** Candidate label steps, and how many minor divisions each gets. */
const STEPS: ReadonlyArray<[step: number, minor: number]> = [
  [1 * S, 4], [2 * S, 4], [5 * S, 5], [10 * S, 5], [15 * S, 3], [30 * S, 6],
  [1 * M, 4], [2 * M, 4], [5 * M, 5], [10 * M, 5], [15 * M, 3], [30 * M, 6],
  [1 * H, 4], [2 * H, 4], [3 * H, 3], [6 * H, 6], [12 * H, 4], [24 * H, 4],
];

export type Tick = { time: number; major: boolean; label: string | null };

/** Local midnight before `t` (epoch ms). */
function localMidnight(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * Ticks between `from` and `to` for a track `widthPx` wide: labelled ticks at least `minLabelPx` apart and
 * unlabelled minor ticks between them when there is room.
 */
export function timeTicks(from: number, to: number, widthPx: number, minLabelPx = 96): Tick[] {
  const span = to - from;
  if (!(span > 0) || !(widthPx > 0)) return [];
  const pxPerMs = widthPx / span;
  const [step, minorDiv] = STEPS.find(([st]) => st * pxPerMs >= minLabelPx) ?? STEPS[STEPS.length - 1];
  const minor = step / minorDiv;
  const withMinor = minor * pxPerMs >= 7;
  const unit = withMinor ? minor : step;
  // Aligned to local midnight so labels land on round clock times; a day step is aligned by the same rule.
  const base = localMidnight(from);
  const out: Tick[] = [];
  const first = base + Math.ceil((from - base) / unit) * unit;
  const seconds = step < M;
  for (let t = first, n = 0; t <= to && n < 2000; t += unit, n++) {
    const major = Math.round((t - base) / unit) % (withMinor ? minorDiv : 1) === 0;
    out.push({ time: t, major, label: major ? tickLabel(t, seconds) : null });
  }
  return out;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function tickLabel(t: number, seconds: boolean): string {
  const d = new Date(t);
  if (d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0) return d.toLocaleDateString(currentLanguage(), { day: 'numeric', month: 'short' });
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds ? `${hm}:${pad(d.getSeconds())}` : hm;
}

/** Clock time of the cursor, 24 h, with seconds. */
export function clockText(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The day of the cursor in the language shown, short enough to sit beside the mode under the clock (a shift spans a day or two). */
export function dayText(t: number): string {
  return new Date(t).toLocaleDateString(currentLanguage(), { weekday: 'short', day: 'numeric', month: 'short' });
}

/** A duration for people: "42 s", "3 min 12 s", "1 h 04 min" (units from the dictionaries). */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const sec = (v: string | number) => i18n.t('duration.seconds', { value: v });
  const min = (v: string | number) => i18n.t('duration.minutes', { value: v });
  if (s < 60) return sec(s);
  const m = Math.floor(s / 60);
  if (m < 60) return `${min(m)} ${sec(pad(s % 60))}`;
  const h = Math.floor(m / 60);
  return `${i18n.t('duration.hours', { value: h })} ${min(pad(m % 60))}`;
}
