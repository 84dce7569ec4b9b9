/**
 * Follow a body: the selected body's route (GET /api/bodies/:vin/route), polled while it is selected so a
 * body moving on extends its route. Outside React: the route ribbon reads it in useFrame by version, the
 * panel listens and writes its table into the DOM.
 */
import { useTwin } from './store.ts';
import { i18n } from '../i18n/i18n.ts';

export type RouteVisit = {
  kind: 'station' | 'conveyor';
  id: string;
  name: string;
  from: number;
  to: number | null;
  dwellSeconds: number;
  open: boolean;
  enteredBeforeData: boolean;
};
export type BodyRouteJson = {
  vin: string;
  inPlant: boolean;
  firstSeen: number;
  removed: number | null;
  visits: RouteVisit[];
  stationSeconds: number;
  totalSeconds: number;
  notes: string[];
};

export const ROUTE_POLL_MS = 3000;

export const routeFeed: { vin: string | null; route: BodyRouteJson | null; problem: string | null; version: number } = {
  vin: null,
  route: null,
  problem: null,
  version: 0,
};

const listeners = new Set<() => void>();
export function onRoute(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function publish(vin: string | null, route: BodyRouteJson | null, problem: string | null): void {
  routeFeed.vin = vin;
  routeFeed.route = route;
  routeFeed.problem = problem;
  routeFeed.version++;
  for (const fn of listeners) fn();
}

/** The route of one body; `{ problem }` when the server has none (unknown VIN, no analytics) or failed. */
export async function fetchRoute(vin: string): Promise<{ route: BodyRouteJson } | { problem: string; status: number }> {
  try {
    const res = await fetch(`/api/bodies/${encodeURIComponent(vin)}/route`, { cache: 'no-store', signal: AbortSignal.timeout(10_000) });
    const json = (await res.json().catch(() => null)) as (BodyRouteJson & { error?: string }) | null;
    if (res.ok && json && Array.isArray(json.visits)) return { route: json };
    return { problem: json?.error ?? i18n.t('net.serverAnswered', { status: res.status }), status: res.status };
  } catch {
    return { problem: i18n.t('net.unreachable'), status: 0 };
  }
}

/** Follows the selected body, if any; returns the stop function. */
export function startRouteFeed(): () => void {
  let timer = 0;
  let current: string | null = null;
  let seq = 0;
  const poll = async (vin: string, mine: number) => {
    const r = await fetchRoute(vin);
    if (mine !== seq) return;
    if ('route' in r) publish(vin, r.route, null);
    else publish(vin, null, r.problem);
    // A body that has left the plant has a final route: no need to ask again.
    if ('route' in r && !r.route.inPlant) return;
    timer = window.setTimeout(() => void poll(vin, mine), ROUTE_POLL_MS);
  };
  const follow = () => {
    const sel = useTwin.getState().selection;
    const vin = sel?.kind === 'body' ? sel.id : null;
    if (vin === current) return;
    current = vin;
    seq++;
    window.clearTimeout(timer);
    publish(vin, null, null);
    if (vin !== null) void poll(vin, seq);
  };
  follow();
  const unsub = useTwin.subscribe((s, prev) => {
    if (s.selection !== prev.selection) follow();
  });
  return () => {
    seq++;
    window.clearTimeout(timer);
    unsub();
  };
}
