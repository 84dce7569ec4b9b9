/**
 * Heatmap modes: which station KPI colours the stations, and the colour scale of each (pure: no DOM, no
 * three). The 3D view and the legend both read these tables, so the legend always matches what is drawn.
 */

export const heatmapModes = ['state', 'utilisation', 'blocked', 'starved', 'bottleneck', 'cycle'] as const;
export type HeatmapMode = (typeof heatmapModes)[number];
export type KpiMode = Exclude<HeatmapMode, 'state'>;

export function isHeatmapMode(x: unknown): x is HeatmapMode {
  return typeof x === 'string' && (heatmapModes as readonly string[]).includes(x);
}

/** The parts of a /api/kpis station report the heatmaps read (docs/analytics.md). */
export type HeatStation = {
  id: string;
  shares: { working: number; starved: number; blocked: number; down: number; setup: number; off: number; unknown: number };
  cycleTime: { count: number; meanVsTakt: number | null };
  bottleneck: { total: number };
};

type Stop = readonly [at: number, hex: string];

/**
 * Translates a dictionary key (client/src/i18n): this module stays pure, so its callers pass i18next's `t`.
 * The dictionaries hold each KPI mode's name and meaning under `heat.<mode>.label` and `heat.<mode>.meaning`.
 */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

export type HeatScale = {
  /** The value of a station, or null when the window holds nothing to compute it from. */
  value(s: HeatStation): number | null;
  /** Value range the stops span; values outside are clamped. */
  domain: readonly [number, number];
  stops: readonly Stop[];
  /** Legend ticks at the domain's ends and middle (their texts: `tickText`). */
  ticks: readonly [number, number, number];
};

// ColorBrewer YlOrRd (sequential) and RdBu (diverging): readable with the common colour-vision deficiencies,
// and neither contains the state palette's green, so a heatmap is never mistaken for the state view.
const YL_OR_RD: readonly Stop[] = [
  [0, '#ffffb2'],
  [0.25, '#fecc5c'],
  [0.5, '#fd8d3c'],
  [0.75, '#f03b20'],
  [1, '#bd0026'],
];
const RD_BU: readonly Stop[] = [
  [0, '#2166ac'],
  [0.25, '#67a9cf'],
  [0.5, '#f7f7f7'],
  [0.75, '#ef8a62'],
  [1, '#b2182b'],
];

/** Shares of planned time (the window less `off` and `unknown`): a station switched off is not idle. */
function ofPlanned(s: HeatStation, share: number): number | null {
  const planned = 1 - s.shares.off - s.shares.unknown;
  return planned > 1e-9 ? Math.min(1, share / planned) : null;
}

const pct = (v: number) => `${Math.round(v * 100)} %`;

export const heatScales: Record<KpiMode, HeatScale> = {
  utilisation: {
    value: (s) => ofPlanned(s, s.shares.working),
    domain: [0, 1],
    stops: YL_OR_RD,
    ticks: [0, 0.5, 1],
  },
  blocked: {
    value: (s) => ofPlanned(s, s.shares.blocked),
    domain: [0, 1],
    stops: YL_OR_RD,
    ticks: [0, 0.5, 1],
  },
  starved: {
    value: (s) => ofPlanned(s, s.shares.starved),
    domain: [0, 1],
    stops: YL_OR_RD,
    ticks: [0, 0.5, 1],
  },
  bottleneck: {
    value: (s) => s.bottleneck.total,
    domain: [0, 1],
    stops: YL_OR_RD,
    ticks: [0, 0.5, 1],
  },
  cycle: {
    value: (s) => (s.cycleTime.count > 0 ? s.cycleTime.meanVsTakt : null),
    domain: [0.5, 1.5],
    stops: RD_BU,
    ticks: [0.5, 1, 1.5],
  },
};

/** Drawn for a station without a value in the mode shown (no cycles, no planned time, no data). */
export const NO_DATA_HEX = '#8c939c';

/** The name of a KPI mode and what its value is, for the legend and tooltips. */
export function heatLabel(mode: KpiMode, t: Translate): string {
  return t(`heat.${mode}.label`);
}
export function heatMeaning(mode: KpiMode, t: Translate): string {
  return t(`heat.${mode}.meaning`);
}

/** A legend tick's text: a share in per cent, or (cycle time) a multiple of takt, "takt" named at 1×. */
export function tickText(mode: KpiMode, v: number, t: Translate): string {
  if (mode !== 'cycle') return pct(v);
  return v === 1 ? t('heat.timesTakt', { value: 1 }) : `${v}×`;
}

export function describeValue(mode: KpiMode, v: number | null, t: Translate): string {
  if (v === null) return t('kpi.noData');
  return mode === 'cycle' ? t('heat.timesTakt', { value: v.toFixed(2) }) : pct(v);
}

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

const parsed = new Map<readonly Stop[], Array<[number, [number, number, number]]>>();
function stopsRgb(stops: readonly Stop[]) {
  let p = parsed.get(stops);
  if (!p) parsed.set(stops, (p = stops.map(([t, h]) => [t, hexToRgb(h)])));
  return p;
}

/**
 * The sRGB colour (0..1 per channel) of `value` on the scale, written into out[o..o+2]. Interpolated
 * linearly between the stops in sRGB, like the CSS gradient the legend draws, so both look the same.
 */
export function heatRgb(scale: HeatScale, value: number | null, out: Float32Array | number[], o = 0): void {
  if (value === null || !Number.isFinite(value)) {
    const c = hexToRgb(NO_DATA_HEX);
    out[o] = c[0];
    out[o + 1] = c[1];
    out[o + 2] = c[2];
    return;
  }
  const [lo, hi] = scale.domain;
  const t = Math.min(1, Math.max(0, (value - lo) / (hi - lo)));
  const stops = stopsRgb(scale.stops);
  let k = 1;
  while (k < stops.length - 1 && stops[k][0] < t) k++;
  const [t0, a] = stops[k - 1];
  const [t1, b] = stops[k];
  const f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
  for (let c = 0; c < 3; c++) out[o + c] = a[c] + (b[c] - a[c]) * f;
}

/** CSS gradient of the scale for the legend (the same stops as drawn). */
export function heatGradientCss(scale: HeatScale): string {
  return `linear-gradient(to right, ${scale.stops.map(([t, h]) => `${h} ${Math.round(t * 100)}%`).join(', ')})`;
}

export function rgbToHex(r: number, g: number, b: number): string {
  const h = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}
