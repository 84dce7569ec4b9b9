/**
 * What a live source knows about each entity: the last full value it reported, when it arrived,
 * and whether it is stale. Changes are full latest values, so partial messages are merged onto the
 * last value here before they reach the hub, and a stale entity is re-sent whole with quality stale.
 */
import type { BodyChange, Change, ChangeSink, RobotChange, StationChange } from '../../../protocol/changes.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';

export type EntityChange = StationChange | RobotChange | BodyChange;
export type EntityKey = `${EntityChange['type']}:${string}`;

type Entry = {
  /** The last reported value, with the quality the publisher gave it (none: good). */
  change: EntityChange;
  /** Local arrival time (the source's clock), which the stale window is measured on. */
  receivedAt: number;
  stale: boolean;
};

export const entityKey = (type: EntityChange['type'], id: string): EntityKey => `${type}:${id}`;

export class LiveEntities {
  private readonly entries = new Map<EntityKey, Entry>();
  private bodyCount = 0;

  constructor(
    private readonly sink: () => ChangeSink | null,
    private readonly now: () => number,
    /** null: entities never go stale by age (only through markStale). */
    private readonly staleAfterMs: number | null,
  ) {}

  /** The last value a publisher reported for this entity (placeholders are not reports). */
  last<T extends EntityChange['type']>(type: T, id: string): Extract<EntityChange, { type: T }> | undefined {
    return this.entries.get(entityKey(type, id))?.change as Extract<EntityChange, { type: T }> | undefined;
  }

  get bodies(): number {
    return this.bodyCount;
  }

  /** A fresh value from the publisher: stored and delivered with its own quality. */
  report(change: EntityChange): void {
    const key = entityKey(change.type, change.id);
    const isNewBody = change.type === 'body' && !this.entries.has(key);
    if (isNewBody) this.bodyCount++;
    this.entries.set(key, { change, receivedAt: this.now(), stale: false });
    this.emit(change);
    if (isNewBody) this.relinkJob(change.id);
  }

  /**
   * A station's job names a body; the hub links them only when the body exists. When a body appears
   * after the station reported it, the station is sent again (same value, quality and freshness).
   */
  relinkJob(bodyId: string): void {
    for (const e of this.entries.values()) {
      if (e.change.type === 'station' && e.change.job === bodyId) this.emit(e.stale ? { ...e.change, quality: 'stale' } : e.change);
    }
  }

  removeBody(id: string, ts: number): void {
    if (this.entries.delete(entityKey('body', id))) this.bodyCount--;
    this.emit({ type: 'body-remove', id, ts });
  }

  /**
   * Until its first message an entity is unknown; without this the hub would show its defaults
   * (working, quality good), which would claim live data that nobody sent.
   */
  sendPlaceholders(scene: ResolvedScene, ts: number): void {
    const deg = Math.PI / 180;
    for (const s of scene.stations) {
      if (!this.entries.has(entityKey('station', s.id))) this.emit({ type: 'station', id: s.id, state: 'off', job: null, ts, quality: 'stale' });
    }
    for (const r of scene.robots) {
      if (!this.entries.has(entityKey('robot', r.id)))
        this.emit({ type: 'robot', id: r.id, state: 'off', joints: r.home.map((d) => d * deg), tool: false, ts, quality: 'stale' });
    }
  }

  /** Marks entities whose last report is older than the stale window; returns how many turned stale. */
  sweep(): number {
    if (this.staleAfterMs === null) return 0;
    const limit = this.now() - this.staleAfterMs;
    let n = 0;
    for (const e of this.entries.values()) {
      if (!e.stale && e.receivedAt <= limit) {
        this.setStale(e);
        n++;
      }
    }
    return n;
  }

  /** Every entity at once (broker connection lost), or the given ones (a Sparkplug death). */
  markStale(keys?: Iterable<EntityKey>): void {
    if (keys === undefined) {
      for (const e of this.entries.values()) if (!e.stale) this.setStale(e);
      return;
    }
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e && !e.stale) this.setStale(e);
    }
  }

  isStale(type: EntityChange['type'], id: string): boolean | undefined {
    return this.entries.get(entityKey(type, id))?.stale;
  }

  staleCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.stale) n++;
    return n;
  }

  /**
   * Stale replaces whatever quality the publisher gave: the value and its quality are both as old as
   * the last message. The source time (ts) stays that of the last report.
   */
  private setStale(e: Entry): void {
    e.stale = true;
    this.emit({ ...e.change, quality: 'stale' });
  }

  private emit(c: Change): void {
    this.sink()?.apply(c);
  }
}
