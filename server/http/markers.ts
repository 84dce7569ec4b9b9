/**
 * Timeline markers from the history: breakdowns (a station entering `down` until it leaves it) across
 * the plant, and every state change of one station. Computed by reading the history's frames from
 * the keyframe before `from`; results are cached per (window, station) until the history grows.
 */
import { FrameChangeReader } from '../../protocol/frame-changes.ts';
import type { StationState } from '../../protocol/state.ts';
import type { History } from '../hub/history.ts';

export type Breakdown = { station: string; start: number; end: number | null };
export type StateChange = { time: number; state: StationState };
export type Markers = { from: number; to: number; breakdowns: Breakdown[]; station?: { id: string; changes: StateChange[] } };

export function computeMarkers(history: History, from: number, to: number, station?: string): Markers {
  const out: Markers = { from, to, breakdowns: [] };
  if (history.from === null || history.to === null) return out;
  const lo = Math.max(from, history.from);
  const { hub, next, reader } = history.stateAt(lo);
  const start = hub.snapshot();
  const open = new Map<string, Breakdown>();
  const current = new Map<string, StationState>();
  for (const [id, s] of Object.entries(start.stations)) {
    current.set(id, s.state);
    if (s.state === 'down') {
      const b: Breakdown = { station: id, start: lo, end: null };
      open.set(id, b);
      out.breakdowns.push(b);
    }
  }
  const changes: StateChange[] = [];
  if (station) changes.push({ time: lo, state: current.get(station) ?? 'off' });
  history.forEachDelta(next, to, (e) => {
    for (const c of (reader as FrameChangeReader).read(e.frame).changes) {
      if (c.type !== 'station' || current.get(c.id) === c.state) continue;
      current.set(c.id, c.state);
      if (c.id === station) changes.push({ time: e.time, state: c.state });
      const wasDown = open.get(c.id);
      if (wasDown && c.state !== 'down') {
        wasDown.end = e.time;
        open.delete(c.id);
      } else if (!wasDown && c.state === 'down') {
        const b: Breakdown = { station: c.id, start: e.time, end: null };
        open.set(c.id, b);
        out.breakdowns.push(b);
      }
    }
  });
  if (station) out.station = { id: station, changes };
  return out;
}
