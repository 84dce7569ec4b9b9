/**
 * Deep links: the view (camera, selection, heatmap mode, playback time) as the URL's hash, so a pasted
 * link opens the same view. In the hash rather than the query: the query holds the page's own options
 * (?quality=, ?models=, ?debug) and changing the hash never reloads the page.
 *
 *   #cam=px,py,pz,tx,ty,tz&sel=station:S2&heat=utilisation&t=2026-11-24T08:03:00.000Z
 *
 * Pure (no DOM): encodeView / decodeView; a decoded link keeps only the valid parts.
 */
import { isHeatmapMode, type HeatmapMode } from './heat-scale.ts';

export type Vec3 = [number, number, number];
export type LinkKind = 'station' | 'robot' | 'body';
export type LinkedView = {
  camera?: { position: Vec3; target: Vec3 };
  selection?: { kind: LinkKind; id: string };
  heatmap?: HeatmapMode;
  /** Playback cursor, epoch ms; absent in live mode. */
  time?: number;
};

const kinds: readonly LinkKind[] = ['station', 'robot', 'body'];
/** Centimetres: finer than anyone can see, and short links. */
const round = (v: number) => Math.round(v * 100) / 100;
const num = (v: number) => String(round(v) === 0 ? 0 : round(v));

export function encodeView(v: LinkedView): string {
  const sp = new URLSearchParams();
  if (v.camera) sp.set('cam', [...v.camera.position, ...v.camera.target].map(num).join(','));
  if (v.selection) sp.set('sel', `${v.selection.kind}:${v.selection.id}`);
  if (v.heatmap && v.heatmap !== 'state') sp.set('heat', v.heatmap);
  if (v.time !== undefined && Number.isFinite(v.time)) sp.set('t', new Date(Math.round(v.time)).toISOString());
  const s = sp.toString();
  return s ? `#${s}` : '';
}

/** Reads a hash (with or without '#'); unknown or malformed parts are left out. */
export function decodeView(hash: string): LinkedView {
  const sp = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const out: LinkedView = {};
  const cam = sp.get('cam');
  if (cam !== null) {
    const n = cam.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
    if (n.length === 6 && n.every((x) => Number.isFinite(x) && Math.abs(x) < 1e6)) out.camera = { position: [n[0], n[1], n[2]], target: [n[3], n[4], n[5]] };
  }
  const sel = sp.get('sel');
  if (sel !== null) {
    const i = sel.indexOf(':');
    const kind = sel.slice(0, i) as LinkKind;
    const id = sel.slice(i + 1);
    if (i > 0 && kinds.includes(kind) && id.length > 0 && id.length <= 200) out.selection = { kind, id };
  }
  const heat = sp.get('heat');
  if (isHeatmapMode(heat)) out.heatmap = heat;
  const t = sp.get('t');
  if (t !== null) {
    const ms = /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : NaN;
    if (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15) out.time = Math.round(ms);
  }
  return out;
}
