/**
 * Find an entity: a station (id, or name in any of its languages), a robot (id) or a car body (VIN). Bodies in the plant are found
 * in the live state; a VIN no longer there is looked up on the server (its route is kept for a while), so a
 * body that left can still be followed. Suggestions are gathered when the box gets focus, not per update.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { LiveState } from '../live/live-state.ts';
import { fetchRoute, routeProblemText } from '../store/body-route.ts';
import { useTwin, type Selection } from '../store/store.ts';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n/i18n.ts';

/** What a query names, from the scene and the bodies alive now; null when nothing local matches. */
export function resolveLocal(q: string, scene: ResolvedScene, bodyIds: Iterable<string>): Selection {
  const query = q.trim();
  if (!query) return null;
  const lower = query.toLowerCase();
  const station = scene.stations.find((s) => s.id === query) ?? scene.stations.find((s) => s.id.toLowerCase() === lower || [s.name, ...Object.values(s.names ?? {})].some((n) => n.toLowerCase() === lower));
  if (station) return { kind: 'station', id: station.id };
  const robot = scene.robots.find((r) => r.id === query) ?? scene.robots.find((r) => r.id.toLowerCase() === lower);
  if (robot) return { kind: 'robot', id: robot.id };
  let ci: string | null = null;
  for (const id of bodyIds) {
    if (id === query) return { kind: 'body', id };
    if (ci === null && id.toLowerCase() === lower) ci = id;
  }
  return ci !== null ? { kind: 'body', id: ci } : null;
}

function aliveBodies(live: LiveState): string[] {
  const out: string[] = [];
  for (let s = 0; s < live.bodySlotsUsed; s++) {
    const id = live.bodyIds[s];
    if (live.bodyAlive[s] === 1 && id) out.push(id);
  }
  return out;
}

export function SearchBox({ scene, live }: { scene: ResolvedScene; live: LiveState }) {
  // Re-renders the placeholder and label on a language change.
  useTranslation();
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [options, setOptions] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const refreshOptions = () => {
    setOptions([...scene.stations.map((s) => s.id), ...scene.robots.map((r) => r.id), ...aliveBodies(live).slice(0, 200)]);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const q = input.current?.value.trim() ?? '';
    if (!q) return;
    const local = resolveLocal(q, scene, aliveBodies(live));
    const store = useTwin.getState();
    if (local) {
      store.select(local);
      input.current?.blur();
      return;
    }
    setBusy(true);
    const r = await fetchRoute(q);
    setBusy(false);
    if ('route' in r) {
      store.select({ kind: 'body', id: r.route.vin });
      input.current?.blur();
    } else {
      // Not found: a 404 saying the body is not kept (or an older server's 404, which says nothing more). Another
      // 404 (a cluster follower keeps no analytics) or error is a failed search, in the server's words.
      const reason = r.problem.failure?.reason;
      const notFound = r.problem.status === 404 && (reason === undefined || reason === 'no-body');
      store.showToast(notFound ? i18n.t('search.notFound', { query: q }) : i18n.t('search.failed', { query: q, problem: routeProblemText(r.problem) }), notFound ? 'info' : 'error');
    }
  };

  return (
    <form className="search" role="search" onSubmit={(e) => void submit(e)}>
      <input
        ref={input}
        type="search"
        data-testid="search"
        placeholder={i18n.t('search.placeholder')}
        aria-label={i18n.t('search.aria')}
        list={listId}
        onFocus={refreshOptions}
        disabled={busy}
        spellCheck={false}
        autoComplete="off"
      />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o} value={o} />
        ))}
      </datalist>
    </form>
  );
}
