/**
 * Where each body has been: its visits (a station or a conveyor, entered and left) in time order, for
 * "follow a body" (GET /api/bodies/:vin/route). Fed by StationTimelines with the same body changes it
 * analyses. Bounded: bodies that left are forgotten after the retention or beyond `maxGone`, and one body
 * keeps at most `maxVisits` visits (a body bouncing between two places must not grow without limit).
 */
export type PlaceKind = 'station' | 'conveyor';

export type Visit = { kind: PlaceKind; id: string; from: number; to: number | null; enteredBeforeData: boolean };

export type BodyRoute = {
  id: string;
  /** First time the body was seen (the start of the data when it was already in the plant then). */
  firstSeen: number;
  /** When it was removed (left the plant), null while in the plant. */
  removed: number | null;
  visits: Visit[];
  /** Visits dropped from the front because the body had too many. */
  droppedVisits: number;
};

export type BodyRoutesOptions = { maxGone?: number; maxVisits?: number };

export class BodyRoutes {
  private readonly bodies = new Map<string, BodyRoute>();
  /** Ids of removed bodies, oldest removal first (Map keeps insertion order). */
  private readonly gone = new Map<string, number>();
  private readonly maxGone: number;
  private readonly maxVisits: number;

  constructor(options: BodyRoutesOptions = {}) {
    this.maxGone = options.maxGone ?? 20_000;
    this.maxVisits = options.maxVisits ?? 256;
  }

  clear(): void {
    this.bodies.clear();
    this.gone.clear();
  }

  /** The body is at `place` (null: nowhere known) from `t`; `initial` marks the state found when the data starts. */
  locate(id: string, kind: PlaceKind | null, place: string | null, t: number, initial = false): void {
    let r = this.bodies.get(id);
    if (!r || r.removed !== null) {
      // A body id seen again after its removal starts a new route (ids can be reused by a replay that loops).
      if (r) this.gone.delete(id);
      r = { id, firstSeen: t, removed: null, visits: [], droppedVisits: 0 };
      this.bodies.set(id, r);
    }
    const last = r.visits.length > 0 ? r.visits[r.visits.length - 1] : null;
    if (last && last.to === null && kind !== null && last.kind === kind && last.id === place) return;
    if (last && last.to === null) last.to = Math.max(t, last.from);
    if (kind === null || place === null) return;
    r.visits.push({ kind, id: place, from: t, to: null, enteredBeforeData: initial });
    if (r.visits.length > this.maxVisits) {
      r.visits.shift();
      r.droppedVisits++;
    }
  }

  remove(id: string, t: number): void {
    const r = this.bodies.get(id);
    if (!r || r.removed !== null) return;
    const last = r.visits.length > 0 ? r.visits[r.visits.length - 1] : null;
    if (last && last.to === null) last.to = Math.max(t, last.from);
    r.removed = t;
    this.gone.set(id, t);
    if (this.gone.size > this.maxGone) this.forget(this.gone.keys().next().value as string);
  }

  /** Forgets bodies removed before `cutoff`. */
  trim(cutoff: number): void {
    for (const [id, t] of this.gone) {
      if (t >= cutoff) break;
      this.forget(id);
    }
  }

  get(id: string): BodyRoute | null {
    return this.bodies.get(id) ?? null;
  }

  get size(): number {
    return this.bodies.size;
  }

  private forget(id: string): void {
    this.gone.delete(id);
    this.bodies.delete(id);
  }
}
