/**
 * What the page's address asks for: `?kiosk` (show-stand mode), `?idle=S` (kiosk: seconds without input before
 * the tour loop resumes, default 60), `?join=CODE` (follow a trainer's room), `?lang=zh-CN`, `?tour=ID`,
 * `?stats` (frame rate and GPU figures in a corner).
 * Read once at start; nothing here is secret (tokens never travel in the URL).
 */
// Outside a browser (unit tests importing a component's pure helpers) there is no address: no options.
const params = new URLSearchParams(typeof window === 'undefined' ? '' : window.location.search);

export const KIOSK_IDLE_DEFAULT_S = 60;

function idleSeconds(): number {
  const raw = Number(params.get('idle'));
  // A typo must not make the kiosk jump back every few milliseconds or never: clamp to something sane.
  return Number.isFinite(raw) && raw > 0 ? Math.min(Math.max(raw, 1), 3600) : KIOSK_IDLE_DEFAULT_S;
}

export const urlParams = {
  kiosk: params.has('kiosk'),
  idleS: idleSeconds(),
  join: params.get('join')?.trim().toUpperCase() || null,
  lang: params.get('lang'),
  tour: params.get('tour'),
  stats: params.has('stats'),
};
