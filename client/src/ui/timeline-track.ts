/**
 * The timeline's track, drawn with plain DOM outside React: a time axis with adaptive ticks, breakdown
 * markers, the selected station's state strip and the cursor. The cursor moves every animation frame and
 * the axis follows a growing live history, so none of this may cost a React commit. The track's full width
 * maps linearly from the range's `from` to its `to`.
 */
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { StationState } from '../../../protocol/state.ts';
import { i18n, nameOf, type Named } from '../i18n/i18n.ts';
import { stationStateColor } from '../palette.ts';
import { clockText, durationText, timeTicks } from './timeline-scale.ts';

export type Breakdown = { station: string; start: number; end: number | null };
export type StateChange = { time: number; state: StationState };
export type Markers = { from: number | null; to: number | null; breakdowns: Breakdown[]; station?: { id: string; changes: StateChange[] } };
export type Range = { from: number; to: number };

/** Breakdowns overlapping in time stack in up to this many rows. */
const MAX_ROWS = 3;
/** Relayout when an end of the range moved by more than this share of a pixel. */
const RELAYOUT_PX = 0.5;

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, parent?: HTMLElement): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  e.className = cls;
  parent?.appendChild(e);
  return e;
};

export type ScrubHandler = (time: number, phase: 'start' | 'move' | 'end') => void;

export class TimelineTrack {
  private readonly lane: HTMLDivElement;
  private readonly rail: HTMLDivElement;
  private readonly played: HTMLDivElement;
  private readonly strip: HTMLDivElement;
  private readonly ticks: HTMLDivElement;
  private readonly thumb: HTMLDivElement;
  private readonly hoverLine: HTMLDivElement;
  private readonly resize: ResizeObserver;
  private width = 0;
  private range: Range | null = null;
  private laidOut: { from: number; to: number; width: number } | null = null;
  private markers: Markers | null = null;
  private breakdownEls: HTMLDivElement[] = [];
  private segmentEls: HTMLDivElement[] = [];
  private changeEls: HTMLDivElement[] = [];
  private cursorPx = NaN;
  private dragging = false;
  private hoverX: number | null = null;
  private hoverTarget: Element | null = null;
  private readonly stations: Map<string, Named>;
  private readonly off: () => void;

  constructor(
    private readonly root: HTMLElement,
    private readonly tooltip: HTMLElement,
    scene: ResolvedScene,
    private readonly onScrub: ScrubHandler,
  ) {
    this.stations = new Map(scene.stations.map((s) => [s.id, s]));
    this.lane = el('div', 'tl-lane', root);
    this.rail = el('div', 'tl-rail', root);
    this.played = el('div', 'tl-played', this.rail);
    this.strip = el('div', 'tl-strip', root);
    this.ticks = el('div', 'tl-ticks', root);
    this.hoverLine = el('div', 'tl-hover-line', root);
    this.thumb = el('div', 'tl-thumb', root);
    el('div', 'tl-knob', this.thumb);
    this.hoverLine.hidden = true;

    this.resize = new ResizeObserver(() => {
      const w = root.clientWidth;
      if (w !== this.width) {
        this.width = w;
        this.laidOut = null;
        this.cursorPx = NaN;
      }
    });
    this.resize.observe(root);
    this.width = root.clientWidth;

    const down = (e: PointerEvent) => {
      if (e.button !== 0 || !this.range) return;
      e.preventDefault();
      root.setPointerCapture(e.pointerId);
      this.dragging = true;
      root.classList.add('dragging');
      this.hideTooltip();
      this.onScrub(this.timeAt(e.clientX), 'start');
    };
    const move = (e: PointerEvent) => {
      if (this.dragging) this.onScrub(this.timeAt(e.clientX), 'move');
      else {
        this.hoverX = e.clientX;
        this.hoverTarget = e.target as Element;
        this.showTooltip();
      }
    };
    const up = (e: PointerEvent) => {
      if (!this.dragging) return;
      this.dragging = false;
      root.classList.remove('dragging');
      if (root.hasPointerCapture(e.pointerId)) root.releasePointerCapture(e.pointerId);
      this.onScrub(this.timeAt(e.clientX), 'end');
    };
    const leave = () => {
      this.hoverX = null;
      this.hoverTarget = null;
      this.hideTooltip();
    };
    root.addEventListener('pointerdown', down);
    root.addEventListener('pointermove', move);
    root.addEventListener('pointerup', up);
    root.addEventListener('pointercancel', up);
    root.addEventListener('pointerleave', leave);
    this.off = () => {
      root.removeEventListener('pointerdown', down);
      root.removeEventListener('pointermove', move);
      root.removeEventListener('pointerup', up);
      root.removeEventListener('pointercancel', up);
      root.removeEventListener('pointerleave', leave);
    };
  }

  /** Time under a viewport x coordinate, clamped to the range. */
  timeAt(clientX: number): number {
    const r = this.range;
    if (!r) return NaN;
    const rect = this.root.getBoundingClientRect();
    const f = rect.width > 0 ? Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)) : 1;
    return r.from + f * (r.to - r.from);
  }

  get isDragging(): boolean {
    return this.dragging;
  }

  /** Called every animation frame; does DOM work only when something visibly moved. */
  update(range: Range | null, cursor: number | null): void {
    this.range = range;
    this.root.classList.toggle('empty', range === null);
    if (!range || this.width <= 0) {
      this.thumb.hidden = true;
      return;
    }
    const span = Math.max(1, range.to - range.from);
    const pxPerMs = this.width / span;
    const lo = this.laidOut;
    if (!lo || lo.width !== this.width || Math.abs(lo.from - range.from) * pxPerMs > RELAYOUT_PX || Math.abs(lo.to - range.to) * pxPerMs > RELAYOUT_PX) this.layout(range);
    if (cursor === null) {
      this.thumb.hidden = true;
      return;
    }
    this.thumb.hidden = false;
    const px = Math.min(this.width, Math.max(0, (cursor - range.from) * pxPerMs));
    // Negated so a reset (NaN) position always redraws.
    if (!(Math.abs(px - this.cursorPx) < 0.1)) {
      this.cursorPx = px;
      this.thumb.style.transform = `translateX(${px.toFixed(1)}px)`;
      this.played.style.transform = `scaleX(${(px / this.width).toFixed(5)})`;
    }
    if (this.hoverX !== null && !this.dragging) this.showTooltip();
  }

  setMarkers(markers: Markers | null): void {
    this.markers = markers;
    const bds = markers?.breakdowns ?? [];
    this.breakdownEls = this.resizePool(this.breakdownEls, bds.length, this.lane, 'tl-bd');
    bds.forEach((b, i) => {
      const e = this.breakdownEls[i];
      e.dataset.testid = 'timeline-breakdown';
      e.dataset.i = String(i);
      e.dataset.station = b.station;
      e.dataset.start = String(b.start);
    });
    const changes = markers?.station?.changes ?? [];
    this.segmentEls = this.resizePool(this.segmentEls, changes.length, this.strip, 'tl-seg');
    changes.forEach((c, i) => {
      const e = this.segmentEls[i];
      e.dataset.i = String(i);
      e.style.background = stationStateColor[c.state] ?? '#999';
    });
    // The first entry is the state at the start of the window, not a change: no tick for it.
    this.changeEls = this.resizePool(this.changeEls, Math.max(0, changes.length - 1), this.strip, 'tl-chg');
    this.changeEls.forEach((e, i) => {
      const c = changes[i + 1];
      e.dataset.testid = 'timeline-change';
      e.dataset.i = String(i + 1);
      e.style.background = stationStateColor[c.state] ?? '#999';
    });
    this.root.classList.toggle('has-station', changes.length > 0);
    this.laidOut = null;
  }

  /** Marker times (breakdown starts, station changes), sorted, for jumping from marker to marker. */
  markerTimes(): number[] {
    const m = this.markers;
    if (!m) return [];
    const times = m.breakdowns.map((b) => b.start);
    const ch = m.station?.changes ?? [];
    for (let i = 1; i < ch.length; i++) times.push(ch[i].time);
    return times.sort((a, b) => a - b);
  }

  destroy(): void {
    this.off();
    this.resize.disconnect();
    this.root.replaceChildren();
  }

  private resizePool(pool: HTMLDivElement[], n: number, parent: HTMLElement, cls: string): HTMLDivElement[] {
    while (pool.length > n) pool.pop()!.remove();
    while (pool.length < n) pool.push(el('div', cls, parent));
    return pool;
  }

  private layout(range: Range): void {
    this.laidOut = { from: range.from, to: range.to, width: this.width };
    const span = Math.max(1, range.to - range.from);
    const pct = (t: number) => ((t - range.from) / span) * 100;
    const clampPct = (t: number) => Math.min(100, Math.max(0, pct(t)));

    // Axis: reuse tick elements; only labelled ones carry text.
    const ticks = timeTicks(range.from, range.to, this.width);
    const have = this.ticks.children;
    while (have.length > ticks.length) have[have.length - 1].remove();
    while (have.length < ticks.length) el('div', 'tl-tick', this.ticks);
    ticks.forEach((t, i) => {
      const e = have[i] as HTMLDivElement;
      e.style.left = `${pct(t.time)}%`;
      e.className = t.major ? 'tl-tick major' : 'tl-tick';
      const text = t.label ?? '';
      if (e.textContent !== text) e.textContent = text;
    });

    // Breakdowns: stacked greedily so overlapping ones stay visible side by side.
    const bds = this.markers?.breakdowns ?? [];
    const minPx = 3;
    const rowsEnd: number[] = [];
    const rowOf: number[] = [];
    const pxPerMs = this.width / span;
    bds.forEach((b, i) => {
      const x0 = (b.start - range.from) * pxPerMs;
      const x1 = Math.max(x0 + minPx, ((b.end ?? range.to) - range.from) * pxPerMs);
      let row = rowsEnd.findIndex((end) => end + 1 < x0);
      if (row < 0 && rowsEnd.length < MAX_ROWS) row = rowsEnd.length;
      if (row < 0) row = rowsEnd.indexOf(Math.min(...rowsEnd));
      rowsEnd[row] = Math.max(rowsEnd[row] ?? -Infinity, x1);
      rowOf[i] = row;
    });
    const rows = Math.max(1, rowsEnd.length);
    bds.forEach((b, i) => {
      const e = this.breakdownEls[i];
      const l = clampPct(b.start);
      const r = clampPct(b.end ?? range.to);
      e.style.left = `${l}%`;
      e.style.width = `${Math.max(0, r - l)}%`;
      e.style.top = `${(rowOf[i] / rows) * 100}%`;
      e.style.height = `calc(${100 / rows}% - 1px)`;
      e.classList.toggle('ongoing', b.end === null);
    });

    const ch = this.markers?.station?.changes ?? [];
    // A station flickering between two states would draw a comb of ticks: only ones a few pixels apart show;
    // the strip's colours still show every change.
    let lastTickPx = -Infinity;
    ch.forEach((c, i) => {
      const l = clampPct(c.time);
      const r = clampPct(i + 1 < ch.length ? ch[i + 1].time : range.to);
      const e = this.segmentEls[i];
      e.style.left = `${l}%`;
      e.style.width = `${Math.max(0, r - l)}%`;
      if (i === 0) return;
      const tick = this.changeEls[i - 1];
      const px = (l / 100) * this.width;
      tick.style.left = `${l}%`;
      tick.hidden = px - lastTickPx < 6;
      if (!tick.hidden) lastTickPx = px;
    });
  }

  private showTooltip(): void {
    const range = this.range;
    const x = this.hoverX;
    if (!range || x === null) return this.hideTooltip();
    const t = this.timeAt(x);
    const lines: string[] = [];
    const target = this.hoverTarget as HTMLElement | null;
    const i = target?.dataset.i !== undefined ? Number(target.dataset.i) : -1;
    if (target?.classList.contains('tl-bd') && this.markers?.breakdowns[i]) {
      const b = this.markers.breakdowns[i];
      const station = this.stations.get(b.station);
      const name = station ? nameOf(station) : undefined;
      lines.push(`<strong>${esc(b.station)}</strong>${name ? ` · ${esc(name)}` : ''}`);
      lines.push(
        b.end === null
          ? esc(i18n.t('timeline.tipDownOngoing', { since: clockText(b.start), duration: durationText(range.to - b.start) }))
          : esc(i18n.t('timeline.tipDown', { duration: durationText(b.end - b.start), from: clockText(b.start), to: clockText(b.end) })),
      );
    } else if ((target?.classList.contains('tl-seg') || target?.classList.contains('tl-chg')) && this.markers?.station) {
      const { id, changes } = this.markers.station;
      const c = changes[i];
      if (c) {
        const end = i + 1 < changes.length ? changes[i + 1].time : null;
        lines.push(`<strong>${esc(id)}</strong> <span class="tl-tip-state" style="background:${stationStateColor[c.state]}"></span>${esc(i18n.t(`state.${c.state}`))}`);
        lines.push(end === null ? esc(i18n.t('timeline.tipSince', { since: clockText(c.time) })) : `${durationText(end - c.time)} · ${clockText(c.time)}–${clockText(end)}`);
      }
    }
    lines.push(`<span class="tl-tip-time">${clockText(t)}</span>`);
    const html = lines.join('<br>');
    if (this.tooltip.innerHTML !== html) this.tooltip.innerHTML = html;
    const host = this.tooltip.offsetParent as HTMLElement | null;
    const hostLeft = host ? host.getBoundingClientRect().left : 0;
    const hostWidth = host ? host.clientWidth : window.innerWidth;
    const w = this.tooltip.offsetWidth;
    const left = Math.min(hostWidth - w - 4, Math.max(4, x - hostLeft - w / 2));
    this.tooltip.style.transform = `translateX(${left.toFixed(0)}px)`;
    this.tooltip.hidden = false;
    const rect = this.root.getBoundingClientRect();
    this.hoverLine.hidden = false;
    this.hoverLine.style.transform = `translateX(${(x - rect.left).toFixed(1)}px)`;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
    this.hoverLine.hidden = true;
  }
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}
