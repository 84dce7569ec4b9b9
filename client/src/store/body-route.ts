/**
 * Follow a body: the selected body's route (GET /api/bodies/:vin/route), polled while it is selected so a
 * body moving on extends its route. In playback it is asked as of the cursor (`?at=`), so looking back does
 * not show the body's future. Outside React: the route ribbon reads it in useFrame by version, the panel
 * listens and writes its table into the DOM.
 */
import type { HttpFailure } from '../../../protocol/http-errors.ts';
import { playback } from '../net/playback.ts';
import { httpFailureOf, refusalText } from '../net/server-error.ts';
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
  /** Visits at the start of a long route that are no longer kept (0 for most bodies). */
  droppedVisits?: number;
  /** The server's notes in English (the panel words them from the facts instead: routeNotes). */
  notes: string[];
};

/** Live, and in playback while playing: how often the route is asked again. */
/**
 * A route's notes in the page's language, from the facts the server sends with it (dropped visits, a first
 * visit that began before the data); the server's English `notes` say the same for other clients.
 */
export function routeNotes(r: Pick<BodyRouteJson, 'droppedVisits' | 'visits'>): string[] {
  const notes: string[] = [];
  if ((r.droppedVisits ?? 0) > 0) notes.push(i18n.t('route.noteDropped', { count: r.droppedVisits }));
  if (r.visits.some((v) => v.enteredBeforeData)) notes.push(i18n.t('route.noteBeforeData'));
  return notes;
}

export const ROUTE_POLL_MS = 3000;
/** While the cursor is dragged or jumps: at most this often. */
export const ROUTE_SCRUB_MS = 300;
/** How often the feed looks at the cursor (a few comparisons; no React, no request unless due). */
export const ROUTE_TICK_MS = 100;
/** A playing cursor that lands this far (state time) from where it would have run on has jumped. */
const JUMP_MS = 5000;

/**
 * Why there is no route: the server's error answer, kept as it came so it is worded in the language shown
 * when shown (routeProblemText); or only the status when the answer said nothing (0: no answer).
 */
export type RouteProblem = { status: number; failure: HttpFailure | null };

export function routeProblemText(p: RouteProblem): string {
  if (p.failure) return refusalText(p.failure, 'http');
  return p.status === 0 ? i18n.t('net.unreachable') : i18n.t('net.serverAnswered', { status: p.status });
}

export const routeFeed: { vin: string | null; route: BodyRouteJson | null; problem: RouteProblem | null; version: number } = {
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

function publish(vin: string | null, route: BodyRouteJson | null, problem: RouteProblem | null): void {
  routeFeed.vin = vin;
  routeFeed.route = route;
  routeFeed.problem = problem;
  routeFeed.version++;
  for (const fn of listeners) fn();
}

/**
 * The route of one body (as of `at`, epoch ms, in playback; null: now); `{ problem }` when the server has
 * none (unknown VIN, not yet in the plant at `at`, no analytics) or failed.
 */
export async function fetchRoute(vin: string, at: number | null = null): Promise<{ route: BodyRouteJson } | { problem: RouteProblem }> {
  try {
    const query = at === null ? '' : `?at=${Math.round(at)}`;
    const res = await fetch(`/api/bodies/${encodeURIComponent(vin)}/route${query}`, { cache: 'no-store', signal: AbortSignal.timeout(10_000) });
    const json = (await res.json().catch(() => null)) as BodyRouteJson | null;
    if (res.ok && json && Array.isArray(json.visits)) return { route: json };
    return { problem: { status: res.status, failure: httpFailureOf(json) } };
  } catch {
    return { problem: { status: 0, failure: null } };
  }
}

/**
 * Where the viewer looks: `asOf` is the cursor when the view is in the past (playback; or a shared replay,
 * whose server knows the whole recording, so the body's future too), null when it is live. `rate`: state ms
 * per real ms while playing.
 */
export type RouteView = { asOf: number | null; playing: boolean; rate: number };
/** The last question asked: as of when (null: now), when it went out (performance.now()), and its answer. */
export type RouteAsked = { at: number | null; sentAt: number; ok: boolean; removed: number | null };

export function routeView(): RouteView {
  const p = useTwin.getState().playback;
  const past = p !== null && (p.mode === 'playback' || !p.liveSource);
  const cursor = past ? playback.cursor() : null;
  return {
    asOf: cursor === null ? null : Math.round(cursor),
    playing: p?.playing ?? false,
    rate: p?.mode === 'playback' ? p.speed : playback.liveRate,
  };
}

/**
 * Whether to ask for the route again now. Live: every ROUTE_POLL_MS until the body has left the plant (its
 * route is then final). In the past: when the cursor has moved; at most every ROUTE_SCRUB_MS while it is
 * dragged or jumps, every ROUTE_POLL_MS while it plays on; never while the body has left the plant both as
 * of the last answer and as of the cursor (the answer would be the same). A failed answer is asked again
 * after ROUTE_POLL_MS. Switching between live and the past asks at once.
 */
export function routeDue(view: RouteView, last: RouteAsked | null, now: number): boolean {
  if (!last || (last.at === null) !== (view.asOf === null)) return true;
  const since = now - last.sentAt;
  if (view.asOf === null || last.at === null) return !(last.ok && last.removed !== null) && since >= ROUTE_POLL_MS;
  if (!last.ok && since >= ROUTE_POLL_MS) return true;
  const at = view.asOf;
  if (at === last.at) return false;
  if (last.ok && last.removed !== null && at >= last.removed) return false;
  if (!view.playing) return since >= ROUTE_SCRUB_MS;
  const ran = since * view.rate;
  const jumped = Math.abs(at - (last.at + ran)) > Math.max(JUMP_MS, ran / 4);
  return since >= (jumped ? ROUTE_SCRUB_MS : ROUTE_POLL_MS);
}

/**
 * Follows the selected body, if any; returns the stop function. Looks at the cursor every ROUTE_TICK_MS
 * while a body is followed and asks when `routeDue` says so, one request at a time (answers come in order).
 */
export function startRouteFeed(): () => void {
  let timer = 0;
  let current: string | null = null;
  let seq = 0;
  let last: RouteAsked | null = null;
  let inFlight = false;
  const ask = async (vin: string, mine: number, at: number | null) => {
    inFlight = true;
    const asked: RouteAsked = { at, sentAt: performance.now(), ok: false, removed: null };
    last = asked;
    const r = await fetchRoute(vin, at);
    if (mine !== seq) return;
    inFlight = false;
    if ('route' in r) {
      asked.ok = true;
      asked.removed = r.route.inPlant ? null : r.route.removed;
      publish(vin, r.route, null);
    } else publish(vin, null, r.problem);
  };
  const tick = () => {
    if (current === null || inFlight) return;
    const view = routeView();
    if (routeDue(view, last, performance.now())) void ask(current, seq, view.asOf);
  };
  const follow = () => {
    const sel = useTwin.getState().selection;
    const vin = sel?.kind === 'body' ? sel.id : null;
    if (vin === current) return;
    current = vin;
    seq++;
    last = null;
    inFlight = false;
    window.clearInterval(timer);
    publish(vin, null, null);
    if (vin === null) return;
    tick();
    timer = window.setInterval(tick, ROUTE_TICK_MS);
  };
  follow();
  const unsub = useTwin.subscribe((s, prev) => {
    if (s.selection !== prev.selection) follow();
  });
  return () => {
    seq++;
    window.clearInterval(timer);
    unsub();
  };
}
